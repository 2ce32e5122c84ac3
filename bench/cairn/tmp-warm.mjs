import { createStorePromise } from '@cairn/store'
import { makeAdapter } from '@cairn/adapter-node'
import { schema, events } from './schema.mjs'
const store = await createStorePromise({ schema, adapter: makeAdapter({ storage: { type: 'in-memory' } }), storeId: 'w' })
const N = Number(process.argv[2] ?? 1000)
const t0 = performance.now()
for (let i = 0; i < N; i++) store.commit(events.todoCreated({ id: `todo-${i}`, text: `todo ${i}` }))
console.log('us/commit', ((performance.now() - t0) * 1000 / N).toFixed(1))
await store.shutdown()
