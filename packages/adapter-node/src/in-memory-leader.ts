import { initializeEventlogDb, makeLocalLeader, randomId, type AdapterArgs, type SqliteDbFactory } from '@cairn/store/adapter'
import type { LeaderLog, OpenedLeader } from './open-leader.js'

/**
 * A leader whose eventlog lives in memory only: fast, isolated per store, gone when the store shuts
 * down. The session starts from a fresh state.
 */
export const openInMemoryLeader = (sqlite: SqliteDbFactory, args: AdapterArgs, log: LeaderLog): OpenedLeader => {
  const eventlogDb = sqlite.openInMemory()
  initializeEventlogDb(eventlogDb)
  const leader = makeLocalLeader({
    eventlogDb,
    onHardReset: async () => {
      eventlogDb.close()
    },
    onError: (error) => {
      log.error(`[cairn] store "${args.storeId}": writing to the in-memory eventlog failed:`, error)
    },
  })
  return { leader, clientId: randomId(6), storageMode: 'in-memory', state: undefined }
}
