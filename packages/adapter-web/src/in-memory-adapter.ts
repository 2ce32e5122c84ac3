import { loadSqlite } from '@cairn/sqlite'
import {
  consoleLeaderLog,
  initializeEventlogDb,
  initializeStateDb,
  makeLeader,
  randomId,
  type Adapter,
  type AdapterArgs,
  type ClientSession,
  type SyncOptions,
} from '@cairn/store/adapter'
import { InvalidAdapterOptionsError } from './errors.js'

/** Options of `makeInMemoryAdapter`. */
export interface InMemoryAdapterOptions {
  /** Sync with a backend, e.g. `{ backend: makeWsSync({ url }) }` from `@cairn/sync-ws`. */
  readonly sync?: SyncOptions
}

/**
 * An adapter that keeps the store in this tab's memory only: no worker, no OPFS, nothing shared with
 * other tabs, everything gone on reload (with `sync`, the backend's events come back at the next
 * boot). Useful for tests, demos and throwaway state.
 *
 * @example
 * const store = await createStorePromise({ schema, adapter: makeInMemoryAdapter(), storeId: 'scratch' })
 */
export const makeInMemoryAdapter = (options: InMemoryAdapterOptions = {}): Adapter => {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidAdapterOptionsError('makeInMemoryAdapter takes an options object (or nothing), e.g. makeInMemoryAdapter().')
  }
  return (args) => makeInMemorySession(args, options.sync)
}

/** A session whose leader and eventlog live in this thread's memory. */
export const makeInMemorySession = async (
  args: AdapterArgs,
  sync: SyncOptions | undefined,
  sessionId: string = randomId(6),
): Promise<ClientSession> => {
  const sqlite = await loadSqlite()
  const eventlogDb = sqlite.openInMemory()
  initializeEventlogDb(eventlogDb)
  const leader = makeLeader({
    schema: args.schema,
    storeId: args.storeId,
    eventlogDb,
    onUnknownEvent: () => {},
    log: consoleLeaderLog,
    deleteStorage: async () => {},
    sync,
    syncPayload: args.syncPayload,
    // Nothing to make durable: rendering a commit need not wait for the eventlog write.
    writeTiming: 'task',
  })
  const sqliteDb = sqlite.openInMemory()
  try {
    await leader.initialSync((done, total) => args.onBootStatus({ stage: 'syncing', progress: { done, total } }))
    initializeStateDb(sqliteDb, args.schema)
  } catch (error) {
    sqliteDb.close()
    await leader.shutdown().catch(() => {})
    throw error
  }
  return { sqliteDb, clientId: leader.clientId, sessionId, leader, storageMode: 'in-memory', recentEvents: [], neverRewound: sync === undefined }
}
