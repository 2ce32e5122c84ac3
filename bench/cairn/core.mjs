// Core-store scenarios — Cairn side.
// Usage: node --expose-gc bench/cairn/core.mjs --scenario <name>
// Prints one JSON object on stdout; progress goes to stderr.
import { emitResult } from '../lib/stdout-guard.mjs' // must stay the first import
import { packageVersion } from '../lib/pkg-version.mjs'
import { runScenarioMain } from '../lib/core-scenarios.mjs'
import { substrateFloor } from '../lib/substrate-floor.mjs'

void emitResult

const loadSide = async () => {
  const { createStorePromise, queryDb } = await import('@cairn/store')
  const { makeAdapter } = await import('@cairn/adapter-node')
  const { schema, events, todos } = await import('./schema.mjs')
  const version = packageVersion('@cairn/store', import.meta.url)
  return {
    side: 'cairn',
    label: `Cairn ${version}`,
    createStore: (storeId) =>
      createStorePromise({ schema, adapter: makeAdapter({ storage: { type: 'in-memory' } }), storeId }),
    queryDb,
    events,
    todos,
    importScript: new URL('./import-time.mjs', import.meta.url),
  }
}

// Cairn only: what SQLite-in-wasm and effect/Schema alone cost for the goals' work.
const cairnOnly = {
  substrateFloor: async () =>
    substrateFloor({
      loadSqlite: (await import('@cairn/sqlite')).loadSqlite,
      importScript: new URL('./import-effect-schema.mjs', import.meta.url),
      commitScript: new URL('./commit-floor.mjs', import.meta.url),
    }),
}

await runScenarioMain('cairn', loadSide, cairnOnly)
