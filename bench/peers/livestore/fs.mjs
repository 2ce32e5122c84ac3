// fs-storage scenarios (persisted Node store) — LiveStore 0.4.0 side (black-box peer).
// Usage: node --expose-gc bench/peers/livestore/fs.mjs --scenario <name>
// Prints one JSON object on stdout; progress goes to stderr.
import { emitResult } from '../../lib/stdout-guard.mjs' // must stay the first import
import { fileURLToPath } from 'node:url'
import { packageVersion } from '../../lib/pkg-version.mjs'
import { runFsMain } from '../../lib/fs-scenarios.mjs'

void emitResult

/**
 * LiveStore documents no flush: the closest public signal is the sync status, whose `isSynced`
 * is true once the leader thread (which writes the eventlog file) has confirmed every event of
 * the session (a SIGKILL right after that loses nothing, checked by hand). One long-lived
 * store.subscribeSyncStatus() per store wakes the waiters: in 0.4.0 a subscription made after
 * an earlier one was unsubscribed did not see later changes, and polling syncStatus() on
 * setImmediate competes with the leader for the (single) thread.
 */
const syncWaiters = new WeakMap() // store → waiters resolved on the next synced status

const waitSynced = (store) => {
  let waiters = syncWaiters.get(store)
  if (waiters === undefined) {
    waiters = []
    syncWaiters.set(store, waiters)
    store.subscribeSyncStatus((status) => {
      if (status.isSynced) for (const resolve of waiters.splice(0)) resolve()
    })
  }
  if (store.syncStatus().isSynced) return Promise.resolve()
  return new Promise((resolve) => waiters.push(resolve))
}

await runFsMain('livestore', async () => {
  const { createStorePromise, queryDb } = await import('@livestore/livestore')
  const { makeAdapter } = await import('@livestore/adapter-node')
  const v1 = await import('./schema.mjs')
  const { v2 } = v1
  const version = packageVersion('@livestore/livestore', import.meta.url)
  return {
    side: 'livestore',
    label: `LiveStore ${version}`,
    createStorePromise,
    queryDb,
    schemas: { v1, v2 },
    makeAdapter: (baseDirectory) => makeAdapter({ storage: { type: 'fs', baseDirectory } }),
    waitDurable: waitSynced,
    durability:
      'no flush API: waits until store.syncStatus().isSynced (the leader thread, which writes eventlog@6.db, confirmed every event)',
    shutdown: (store) => store.shutdownPromise(),
    script: fileURLToPath(import.meta.url),
    // LiveStore 0.4.0 needs milliseconds per event on fs storage (and its single commits grow with
    // N): cap the 10k-commit loop and the filling of the 100k store by time, and rebuild once.
    limits: { commitBudgetMs: 120_000, populateBudgetMs: 60_000, rebuildRuns: 1, phaseTimeoutMs: 240_000 },
  }
})
