import {
  initializeEventlogDb,
  initializeStateDb,
  makeLocalLeader,
  randomId,
  type AdapterArgs,
  type ClientSession,
  type SqliteDbFactory,
} from '@cairn/store/adapter'

/**
 * A session whose state and eventlog live in memory only: fast, isolated per store, gone when the
 * process exits.
 */
export const makeInMemorySession = (sqlite: SqliteDbFactory, args: AdapterArgs): ClientSession => {
  const stateDb = sqlite.openInMemory()
  const eventlogDb = sqlite.openInMemory()
  initializeStateDb(stateDb, args.schema)
  initializeEventlogDb(eventlogDb)
  const leader = makeLocalLeader({
    eventlogDb,
    onHardReset: async () => {
      eventlogDb.close()
    },
    onError: (error) => {
      console.error(`[cairn] store "${args.storeId}": writing to the in-memory eventlog failed:`, error)
    },
  })
  return { sqliteDb: stateDb, clientId: randomId(6), sessionId: randomId(6), leader, storageMode: 'in-memory' }
}
