import type { LiveStoreSchema } from '@cairn/store'
import { initializeStateDb, randomId, type ClientSession, type SqliteDbFactory } from '@cairn/store/adapter'
import type { OpenedLeader } from './open-leader.js'

/**
 * The session half of a Node client: an in-memory state database booted from the leader's state
 * bytes (or fresh), on which the store commits and queries synchronously. If the session cannot be
 * made, the leader is shut down (releasing its files) before the error is rethrown.
 */
export const makeSession = async (sqlite: SqliteDbFactory, opened: OpenedLeader, schema: LiveStoreSchema): Promise<ClientSession> => {
  const sqliteDb = sqlite.openInMemory()
  try {
    if (opened.state === undefined) initializeStateDb(sqliteDb, schema)
    else sqliteDb.import(opened.state)
  } catch (error) {
    sqliteDb.close()
    await opened.leader.shutdown().catch(() => {})
    throw error
  }
  return {
    sqliteDb,
    clientId: opened.clientId,
    sessionId: randomId(6),
    leader: opened.leader,
    storageMode: opened.storageMode,
    recentEvents: opened.recentEvents,
    neverRewound: opened.neverRewound,
  }
}
