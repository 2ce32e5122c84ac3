// A session that comes back under the same id (a reloaded tab) to a leader that lives on, after
// the leader refused pushes of its earlier life: its commits must still be written.
import { loadSqlite } from '@cairn/sqlite'
import { createStorePromise } from '@cairn/store'
import { consoleLeaderLog, initializeEventlogDb, initializeStateDb, makeLeader, readEvents, ROOT_SEQ_NUM, type Adapter } from '@cairn/store/adapter'
import { expect, test } from 'vitest'
import { events, schema } from './fixtures.js'

test('a session back under the same id after refused pushes gets its commits written', async () => {
  const sqlite = await loadSqlite()
  const eventlogDb = sqlite.openInMemory()
  initializeEventlogDb(eventlogDb)
  const leader = makeLeader({ schema, storeId: 'epochs', eventlogDb, onUnknownEvent: () => {}, log: consoleLeaderLog, deleteStorage: async () => {} })
  const stray = (global: number) => ({
    name: 'v1.TodoCreated',
    args: { id: `stray-${global}`, text: '' },
    seqNum: { global, client: 0, rebaseGeneration: 0 },
    parentSeqNum: { global: global - 1, client: 0, rebaseGeneration: 0 },
    clientId: leader.clientId,
    sessionId: 'tab',
    timestamp: 1,
  })
  // The session's earlier life: rebased a few times; its last push at epoch 5 was refused (its parent is not the head).
  leader.push([stray(7)], 5)
  await leader.flush()
  expect(readEvents(eventlogDb)).toEqual([])

  const adapter: Adapter = async () => {
    const sqliteDb = sqlite.openInMemory()
    initializeStateDb(sqliteDb, schema)
    return { sqliteDb, clientId: leader.clientId, sessionId: 'tab', leader, storageMode: 'in-memory', recentEvents: [] }
  }
  const store = await createStorePromise({ schema, adapter, storeId: 'epochs' })
  store.commit(events.todoCreated({ id: 'after-reload', text: 'kept' }))
  await store.flush()
  const written = readEvents(eventlogDb)
  expect(written.map((event) => [event.name, event.sessionId, event.parentSeqNum])).toEqual([['v1.TodoCreated', 'tab', ROOT_SEQ_NUM]])
  await store.shutdown()
})
