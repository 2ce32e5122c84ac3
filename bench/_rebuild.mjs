import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
const { createStorePromise } = await import('@cairn/store')
const { makeAdapter } = await import('@cairn/adapter-node')
const { schema, events } = await import('/work/main/bench/cairn/schema.mjs')
const { schema: schema2 } = await import('/work/main/bench/cairn/schema-v2.mjs')
const N = +(process.argv[2] ?? 100000)
const base = process.argv[3] ?? fs.mkdtempSync(path.join(os.tmpdir(), 'rb-'))
if (!process.argv[3]) {
  const s = await createStorePromise({ schema, adapter: makeAdapter({ storage: { type: 'fs', baseDirectory: base } }), storeId: 's' })
  for (let i = 0; i < N; i += 5000) s.commit(...Array.from({ length: 5000 }, (_, j) => events.todoCreated({ id: `t${i + j}`, text: `todo ${i + j}` })))
  await s.shutdown()
  console.log(base)
  process.exit(0)
}
const t0 = performance.now()
let tm
const s = await createStorePromise({ schema: process.argv[4] === 'reopen' ? schema : schema2, adapter: makeAdapter({ storage: { type: 'fs', baseDirectory: base } }), storeId: 's', onBootStatus: (st) => { if (st.stage === 'migrating' && tm === undefined) tm = performance.now() } })
const t1 = performance.now()
console.log('boot ms', (t1 - t0).toFixed(0), 'migrating started at', tm ? (tm - t0).toFixed(0) : '-', 'events/s', (N / ((t1 - t0) / 1000)).toFixed(0))
await s.shutdown()
