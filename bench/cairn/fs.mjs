// fs-storage scenarios (persisted Node store) — Cairn side.
// Usage: node --expose-gc bench/cairn/fs.mjs --scenario <name>
// Prints one JSON object on stdout; progress goes to stderr.
import { emitResult } from '../lib/stdout-guard.mjs' // must stay the first import
import { fileURLToPath } from 'node:url'
import { packageVersion } from '../lib/pkg-version.mjs'
import { runFsMain } from '../lib/fs-scenarios.mjs'
import { rebuildFloor } from '../lib/rebuild-floor.mjs'

void emitResult

await runFsMain('cairn', async () => {
  const { createStorePromise, queryDb } = await import('@cairn/store')
  const { makeAdapter } = await import('@cairn/adapter-node')
  const v1 = await import('./schema.mjs')
  const { v2 } = v1
  const version = packageVersion('@cairn/store', import.meta.url)
  return {
    side: 'cairn',
    label: `Cairn ${version}`,
    createStorePromise,
    queryDb,
    schemas: { v1, v2 },
    makeAdapter: (baseDirectory) => makeAdapter({ storage: { type: 'fs', baseDirectory } }),
    waitDurable: (store) => store.flush(),
    durability: 'await store.flush() (resolves once every event committed so far is durable on disk)',
    shutdown: (store) => store.shutdown(),
    script: fileURLToPath(import.meta.url),
    rebuildFloor: async (options) => rebuildFloor({ ...options, loadSqlite: (await import('@cairn/sqlite')).loadSqlite }),
  }
})
