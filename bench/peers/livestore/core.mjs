// Core-store scenarios — LiveStore 0.4.0 side (black-box peer).
// Usage: node --expose-gc bench/peers/livestore/core.mjs --scenario <name>
// Prints one JSON object on stdout; progress goes to stderr.
import { emitResult } from '../../lib/stdout-guard.mjs' // must stay the first import
import { packageVersion } from '../../lib/pkg-version.mjs'
import { runScenarioMain } from '../../lib/core-scenarios.mjs'

void emitResult

await runScenarioMain('livestore', async () => {
  const { createStorePromise, queryDb } = await import('@livestore/livestore')
  const { makeAdapter } = await import('@livestore/adapter-node')
  const { schema, events, todos } = await import('./schema.mjs')
  const version = packageVersion('@livestore/livestore', import.meta.url)
  return {
    side: 'livestore',
    label: `LiveStore ${version}`,
    createStore: (storeId) =>
      createStorePromise({ schema, adapter: makeAdapter({ storage: { type: 'in-memory' } }), storeId }),
    queryDb,
    events,
    todos,
    importScript: new URL('./import-time.mjs', import.meta.url),
    // LiveStore 0.4.0 needs several ms per event (incl. deferred work): 100k events would take
    // minutes, so rss100k stops at its 10k checkpoint, and commit→subscriber times 500 commits
    // per query instead of 1,000, to keep the whole peer run under 5 minutes.
    limits: { rssEvents: 10_000, subWarmup: 20, subIterations: 500 },
  }
})
