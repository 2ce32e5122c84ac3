// A session's pushes to a leader that other sessions share (the tabs of a web app): every commit is
// written, also when the leader drops a push because another session came first, and when the
// session comes back under the same id (a reloaded tab) after such drops in its earlier life.
import { loadSqlite } from '@cairn/sqlite'
import { createStorePromise } from '@cairn/store'
import { consoleLeaderLog, initializeEventlogDb, initializeStateDb, makeLeader, readEvents, ROOT_SEQ_NUM, type Adapter, type LeaderThread } from '@cairn/store/adapter'
import { expect, test } from 'vitest'
import { events, schema, tables } from './fixtures.js'

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

test('flush waits for a push the leader dropped (another session came first) to be rebased and written', async () => {
  const sqlite = await loadSqlite()
  const eventlogDb = sqlite.openInMemory()
  initializeEventlogDb(eventlogDb)
  const leader = makeLeader({ schema, storeId: 'two-sessions', eventlogDb, onUnknownEvent: () => {}, log: consoleLeaderLog, deleteStorage: async () => {} })
  // Each session reaches the leader as a tab reaches its worker: every message a task later, in order.
  const later = (work: () => void): void => void setImmediate(work)
  const overPort: LeaderThread = {
    ...leader,
    push: (events, epoch) => later(() => leader.push(events, epoch)),
    subscribe: (listener) => leader.subscribe((message) => later(() => listener(message))),
    flush: () => new Promise((resolve, reject) => later(() => leader.flush().then(() => later(resolve), (error: unknown) => later(() => reject(error))))),
  }
  const sessionOn = (sessionId: string): Adapter => async () => {
    const sqliteDb = sqlite.openInMemory()
    initializeStateDb(sqliteDb, schema)
    return { sqliteDb, clientId: leader.clientId, sessionId, leader: overPort, storageMode: 'in-memory', recentEvents: [] }
  }
  const first = await createStorePromise({ schema, adapter: sessionOn('first'), storeId: 'two-sessions' })
  const second = await createStorePromise({ schema, adapter: sessionOn('second'), storeId: 'two-sessions' })
  // Both build on the empty log in the same tick: the leader takes the first push and drops the second.
  first.commit(events.todoCreated({ id: 'a', text: 'first' }))
  second.commit(events.todoCreated({ id: 'b', text: 'second' }))
  await second.flush()
  expect(readEvents(eventlogDb).map((event) => [event.sessionId, event.seqNum.global])).toEqual([
    ['first', 1],
    ['second', 2],
  ])
  expect(second.query(tables.todos.orderBy('id', 'asc').select('id'))).toEqual(['a', 'b'])
  await first.shutdown()
  await second.shutdown()
})
