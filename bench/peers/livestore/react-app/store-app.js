// The store-backed implementation on LiveStore 0.4.0 (its documented React API: StoreRegistry,
// StoreRegistryProvider, useStore(storeOptions), store.useQuery, store.useClientDocument). Same
// events, commits and components as bench/cairn/react-app/store-app.js.
import { createElement as h, Suspense, useMemo, useState } from 'react'
import { queryDb, StoreRegistry, storeOptions } from '@livestore/livestore'
import { StoreRegistryProvider, useStore } from '@livestore/react'
import { unstable_batchedUpdates as batchUpdates } from 'react-dom'
import { buildRows, Main, UPDATE_SUFFIX } from '../../../lib/react-ui/shared.js'
import { events, schema, tables } from './schema.js'

const rows$ = queryDb(tables.rows.orderBy('id', 'asc'), { label: 'rows$' })

const App = ({ title, options, onReady }) => {
  const store = useStore(options)
  const rows = store.useQuery(rows$)
  const [{ selected }, setUiState] = store.useClientDocument(tables.uiState)
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
  onReady()
  return h(Main, { title, rows, selected, actions })
}

const Root = ({ options, title, onReady }) => {
  const [storeRegistry] = useState(() => new StoreRegistry({ defaultOptions: { batchUpdates } }))
  return h(StoreRegistryProvider, { storeRegistry }, h(Suspense, { fallback: h('p', null, 'Loading…') }, h(App, { title, options, onReady })))
}

export const mount = (root, { adapter, storeId, title }) =>
  new Promise((resolve) => {
    const options = storeOptions({ storeId, schema, adapter })
    root.render(h(Root, { options, title, onReady: resolve }))
  })
