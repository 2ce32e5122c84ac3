// The floor: the same UI with the rows and the selection in React state (useState), no store.
import { createElement as h, useMemo, useState } from 'react'
import { buildRows, Main, UPDATE_SUFFIX } from '../../lib/react-ui/shared.js'

const App = ({ title }) => {
  const [rows, setRows] = useState([])
  const [selected, setSelected] = useState(null)
  const actions = useMemo(
    () => ({
      run: () => setRows(buildRows(1000)),
      runLots: () => setRows(buildRows(10_000)),
      add: () => setRows((current) => current.concat(buildRows(1000))),
      update: () =>
        setRows((current) => {
          const next = current.slice()
          for (let i = 0; i < next.length; i += 10) next[i] = { ...next[i], label: next[i].label + UPDATE_SUFFIX }
          return next
        }),
      clear: () => setRows([]),
      select: (id) => setSelected(id),
      remove: (id) => setRows((current) => current.filter((row) => row.id !== id)),
    }),
    [],
  )
  return h(Main, { title, rows, selected, actions })
}

export const mount = (root, { title }) => {
  root.render(h(App, { title }))
  return Promise.resolve()
}
