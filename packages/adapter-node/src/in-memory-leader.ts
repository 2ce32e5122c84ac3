import { initializeEventlogDb, makeLeader, type AdapterArgs, type Leader, type LeaderLog, type SqliteDbFactory, type SyncOptions } from '@cairn/store/adapter'

/**
 * A leader whose eventlog lives in memory only: fast, isolated per store, gone when the store shuts
 * down. The session starts from a fresh state (and gets the backend's events through the leader).
 */
export const openInMemoryLeader = (sqlite: SqliteDbFactory, args: AdapterArgs, log: LeaderLog, sync: SyncOptions | undefined): Leader => {
  const eventlogDb = sqlite.openInMemory()
  initializeEventlogDb(eventlogDb)
  return makeLeader({
    schema: args.schema,
    storeId: args.storeId,
    eventlogDb,
    onUnknownEvent: () => {},
    log,
    deleteStorage: async () => {},
    sync,
    syncPayload: args.syncPayload,
  })
}
