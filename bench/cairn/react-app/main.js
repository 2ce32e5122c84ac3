// Entry of the React benchmark app (Cairn side): ?impl=cairn | cairn-persisted | react | react-sqlite.
import { createRoot } from 'react-dom/client'
import { installBench } from '../../lib/react-ui/shared.js'

const impl = new URLSearchParams(location.search).get('impl') ?? 'cairn'
const root = createRoot(document.getElementById('root'))

const start = async () => {
  if (impl === 'react') {
    const { mount } = await import('./plain.js')
    return mount(root, { title: 'React useState' })
  }
  if (impl === 'react-sqlite') {
    const { mount } = await import('./sqlite-floor.js')
    return mount(root, { title: 'React useState + SQLite (floor)' })
  }
  const { mount } = await import('./store-app.js')
  if (impl === 'cairn') {
    const { makeInMemoryAdapter } = await import('@cairn/adapter-web')
    return mount(root, { adapter: makeInMemoryAdapter(), storeId: 'react-bench', title: 'Cairn (in memory)' })
  }
  if (impl === 'cairn-persisted') {
    const { makePersistedAdapter } = await import('@cairn/adapter-web')
    const { default: LiveStoreWorker } = await import('./livestore.worker.js?worker')
    const { default: LiveStoreSharedWorker } = await import('@cairn/adapter-web/shared-worker?sharedworker')
    const adapter = makePersistedAdapter({ storage: { type: 'opfs' }, worker: LiveStoreWorker, sharedWorker: LiveStoreSharedWorker, resetPersistence: true })
    return mount(root, { adapter, storeId: `react-bench-${Date.now()}`, title: 'Cairn (persisted, OPFS)' })
  }
  throw new Error(`unknown impl ${impl}`)
}

installBench(start())
