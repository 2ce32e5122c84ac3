// The store-backed implementation (Cairn here; the LiveStore app has a copy of this file with its
// own imports): rows in a table, one event per changed row, all events of a click in one commit;
// the selection in a client document (useClientDocument).
import { createElement as h, useMemo } from 'react'
import { LiveStoreProvider, useClientDocument, useQuery, useStore } from '@cairn/react'
import { queryDb } from '@cairn/store'
import { unstable_batchedUpdates as batchUpdates } from 'react-dom'
import { buildRows, Main, UPDATE_SUFFIX } from '../../lib/react-ui/shared.js'
import { events, schema, tables } from './schema.js'

const rows$ = queryDb(tables.rows.orderBy('id', 'asc'), { label: 'rows$' })

const App = ({ title }) => {
  const { store } = useStore()
  const rows = useQuery(rows$)
  const [{ selected }, setUiState] = useClientDocument(tables.uiState)
  const actions = useMemo(
    () => ({
      run: () => store.commit(events.rowsCleared({}), ...buildRows(1000).map((row) => events.rowCreated(row))),
      runLots: () => store.commit(events.rowsCleared({}), ...buildRows(10_000).map((row) => events.rowCreated(row))),
      add: () => store.commit(...buildRows(1000).map((row) => events.rowCreated(row))),
      update: () => {
        const current = store.query(rows$)
        const changes = []
        for (let i = 0; i < current.length; i += 10) changes.push(events.rowLabelSet({ id: current[i].id, label: current[i].label + UPDATE_SUFFIX }))
        store.commit(...changes)
      },
      clear: () => store.commit(events.rowsCleared({})),
      select: (id) => setUiState({ selected: id }),
      remove: (id) => store.commit(events.rowDeleted({ id })),
    }),
    [store, setUiState],
  )
  return h(Main, { title, rows, selected, actions })
}

/** Renders the app with `adapter` into `root`; resolves once the store is running and the app rendered. */
export const mount = (root, { adapter, storeId, title }) =>
  new Promise((resolve, reject) => {
    const Ready = () => {
      resolve()
      return null
    }
    root.render(
      h(
        LiveStoreProvider,
        { schema, adapter, storeId, batchUpdates, renderError: (error) => (reject(error), h('p', null, String(error))) },
        h(App, { title }),
        h(Ready),
      ),
    )
  })
