import { createStorePromise, queryDb } from '@cairn/store'
import { makeAdapter } from '@cairn/adapter-node'
import { schema, events, todos } from './schema.mjs'
const store = await createStorePromise({ schema, adapter: makeAdapter({ storage: { type: 'in-memory' } }), storeId: 'w' })
for (let i = 0; i < 10000; i += 100) store.commit(...Array.from({ length: 100 }, (_, k) => events.todoCreated({ id: `todo-${i + k}`, text: `t${(i + k) % 2000}` })))
const pkId = (i) => `todo-${(i * 7919) % 10000}`
const a = performance.now()
for (let k = 0; k < 200000; k++) { const id = pkId(k); store.query(queryDb(todos.where({ id }).first(), { deps: [id] })) }
console.log(((performance.now() - a) * 1000 / 200000).toFixed(2))
await store.shutdown()
