import { loadSqlite } from '@cairn/sqlite'
import { initializeEventlogDb, initializeStateDb, makeLocalLeader, randomId, type Adapter, type AdapterArgs, type ClientSession } from '@cairn/store/adapter'
import { InvalidAdapterOptionsError } from './errors.js'

/** Options of `makeInMemoryAdapter` (none yet). */
export type InMemoryAdapterOptions = Record<string, never>

/**
 * An adapter that keeps the store in this tab's memory only: no worker, no OPFS, nothing shared with
 * other tabs, everything gone on reload. Useful for tests, demos and throwaway state.
 *
 * @example
 * const store = await createStorePromise({ schema, adapter: makeInMemoryAdapter(), storeId: 'scratch' })
 */
export const makeInMemoryAdapter = (options: InMemoryAdapterOptions = {}): Adapter => {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidAdapterOptionsError('makeInMemoryAdapter takes an options object (or nothing), e.g. makeInMemoryAdapter().')
  }
  return (args) => makeInMemorySession(args)
}

/** A session whose leader and eventlog live in this thread's memory. */
export const makeInMemorySession = async (args: AdapterArgs, sessionId: string = randomId(6)): Promise<ClientSession> => {
  const sqlite = await loadSqlite()
  const eventlogDb = sqlite.openInMemory()
  initializeEventlogDb(eventlogDb)
  const sqliteDb = sqlite.openInMemory()
  initializeStateDb(sqliteDb, args.schema)
  const leader = makeLocalLeader({
    eventlogDb,
    onHardReset: async () => eventlogDb.close(),
    onError: (error) => console.error(`[cairn] store "${args.storeId}": writing to the in-memory eventlog failed:`, error),
  })
  return { sqliteDb, clientId: randomId(6), sessionId, leader, storageMode: 'in-memory' }
}
