import { createStorePromise, queryDb } from '@cairn/store'
import { makeAdapter } from '@cairn/adapter-node'
import { schema, events, todos } from './schema.mjs'
const store = await createStorePromise({ schema, adapter: makeAdapter({ storage: { type: 'in-memory' } }), storeId: 'w' })
for (let i = 0; i < 10000; i += 100) store.commit(...Array.from({ length: 100 }, (_, k) => events.todoCreated({ id: `todo-${i + k}`, text: `t${(i + k) % 2000}` })))
function t(name, n, fn){ for(let i=0;i<500;i++) fn(i+5000); const a=performance.now(); for(let i=0;i<n;i++) fn(i); console.log(name, ((performance.now()-a)*1000/n).toFixed(2),'us') }
const pkId = (i) => `todo-${(i * 7919) % 10000}`
for (let r = 0; r < 2; r++) {
t('pkQueryDb', 4500, (k) => { const id = pkId(k); return store.query(queryDb(todos.where({ id }).first(), { deps: [id] })) })
t('pkBuilder', 4500, (k) => store.query(todos.where({ id: pkId(k) }).first()))
t('builder only', 4500, (k) => todos.where({ id: pkId(k) }).first())
t('queryDb only', 4500, (k) => { const id = pkId(k); return queryDb(todos.where({ id }).first(), { deps: [id] }) })
}
await store.shutdown()
