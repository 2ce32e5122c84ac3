// The smallest useful Cairn web app, for the bundle-size benchmark: a persisted store, one
// subscription, one commit.
import { makePersistedAdapter } from '@cairn/adapter-web'
import LiveStoreSharedWorker from '@cairn/adapter-web/shared-worker?sharedworker'
import { createStorePromise } from '@cairn/store'
import LiveStoreWorker from './livestore.worker?worker'
import { events, schema, tables } from './schema.js'

const adapter = makePersistedAdapter({ storage: { type: 'opfs' }, worker: LiveStoreWorker, sharedWorker: LiveStoreSharedWorker })
const store = await createStorePromise({ schema, adapter, storeId: 'todos' })
store.subscribe(tables.todos, (todos) => {
  document.body.textContent = todos.map((todo) => todo.text).join(', ')
})
store.commit(events.todoCreated({ id: crypto.randomUUID(), text: 'Buy milk' }))
