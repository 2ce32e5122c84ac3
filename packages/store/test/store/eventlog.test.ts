import { loadSqlite } from '@cairn/sqlite'
import { createStorePromise } from '@cairn/store'
import {
  consoleLeaderLog,
  initializeEventlogDb,
  initializeStateDb,
  makeLeader,
  readEvents,
  readUndoSegments,
  type Adapter,
  type SqliteDb,
} from '@cairn/store/adapter'
import { afterEach, describe, expect, it } from 'vitest'
import { events, makeRewindableStore, makeStore, schema, tables } from './fixtures.js'

const openCopy = async (bytes: Uint8Array): Promise<SqliteDb> => {
  const db = (await loadSqlite()).openInMemory()
  db.import(bytes)
  return db
}

const dumpTodos = (db: SqliteDb) => db.select('SELECT * FROM todos ORDER BY id')

let store: Awaited<ReturnType<typeof makeStore>> | undefined
afterEach(async () => {
  await store?.shutdown()
  store = undefined
})

describe('eventlog', () => {
  it('records every commit with sequence numbers, parents, ids and encoded args', async () => {
    store = await makeStore()
    const deletedAt = new Date('2026-05-06T07:08:09.010Z')
    store.commit(events.todoCreated({ id: 'a', text: 'A' }))
    store.commit(tables.uiState.set({ filter: 'completed' }))
    store.commit(events.todoDeleted({ id: 'a', deletedAt }))
    const log = readEvents(await openCopy(await store._dev.exportEventlogDb()))
    expect(log.map((e) => [e.name, e.seqNum, e.parentSeqNum])).toEqual([
      ['v1.TodoCreated', { global: 1, client: 0, rebaseGeneration: 0 }, { global: 0, client: 0, rebaseGeneration: 0 }],
      ['uiStateSet', { global: 1, client: 1, rebaseGeneration: 0 }, { global: 1, client: 0, rebaseGeneration: 0 }],
      ['v1.TodoDeleted', { global: 2, client: 0, rebaseGeneration: 0 }, { global: 1, client: 1, rebaseGeneration: 0 }],
    ])
    expect(new Set(log.map((e) => e.clientId))).toEqual(new Set([store.clientId]))
    expect(log[1]?.args).toEqual({ id: store.sessionId, value: { filter: 'completed' } })
    expect(log[2]?.args).toEqual({ id: 'a', deletedAt: deletedAt.toISOString() })
  })

  it('an undo segment, inverted, restores the state before the commits it covers exactly', async () => {
    store = await makeRewindableStore()
    store.commit(
      events.todoCreated({ id: 'a', text: 'A' }),
      events.todoCreated({ id: 'b', text: 'B' }),
      events.todoCompleted({ id: 'b' }),
    )
    // Exporting closes the open segment: the commits above are one segment.
    const before = await openCopy(store._dev.exportDb())
    const expected = dumpTodos(before)

    // One segment spans commits in separate ticks until something closes it.
    store.commit(events.todoClearedCompleted({ deletedAt: new Date() }))
    await store.flush()
    store.commit(events.todoCreated({ id: 'c', text: 'C' }))
    store.commit(events.todoUncompleted({ id: 'b' }))
    const after = await openCopy(store._dev.exportDb())
    expect(dumpTodos(after)).not.toEqual(expected)

    // The first segment is gone: the leader holds its events, so the session never rolls back past them.
    const segments = readUndoSegments(after)
    expect(segments.map((s) => [s.after.global, s.upTo.global])).toEqual([[3, 6]])
    after.applyChangeset(after.invertChangeset(segments[0]!.changeset))
    expect(dumpTodos(after)).toEqual(expected)
    expect(store.query(tables.todos.count())).toBe(3)
  })

  it('a failed commit leaves no trace in the open undo segment', async () => {
    store = await makeRewindableStore()
    store.commit(events.todoCreated({ id: 'a', text: 'A' }))
    const expected = dumpTodos(await openCopy(store._dev.exportDb()))
    store.commit(events.todoCreated({ id: 'b', text: 'B' }))
    // The same id again violates the primary key: the whole commit rolls back.
    expect(() => store!.commit(events.todoCompleted({ id: 'b' }), events.todoCreated({ id: 'a', text: 'again' }))).toThrow()
    store.commit(events.todoCompleted({ id: 'a' }))
    const after = await openCopy(store._dev.exportDb())
    const last = readUndoSegments(after).at(-1)!
    expect([last.after.global, last.upTo.global]).toEqual([1, 3])
    after.applyChangeset(after.invertChangeset(last.changeset))
    expect(dumpTodos(after)).toEqual(expected)
  })

  it('closes the open undo segment after 1,000 events, and drops segments the leader holds', async () => {
    store = await makeRewindableStore()
    const batch = Array.from({ length: 1_000 }, (_, i) => events.todoCreated({ id: `t${i}`, text: `${i}` }))
    store.commit(...batch)
    await new Promise((resolve) => setTimeout(resolve, 0)) // the segment is closed after the committing task
    store.commit(events.todoCreated({ id: 'x', text: 'x' }))
    // Without the cut at 1,000 events the open segment would span 0…1,001.
    const db = await openCopy(store._dev.exportDb())
    expect(readUndoSegments(db).map((s) => [s.after.global, s.upTo.global])).toEqual([[1_000, 1_001]])
  })
})

describe('a session its leader never rewinds', () => {
  it('records no undo information, whatever it commits', async () => {
    const { makeAdapter } = await import('@cairn/adapter-node')
    const { createStorePromise } = await import('@cairn/store')
    const { schema } = await import('./fixtures.js')
    // A Node store without a sync backend: its session is the leader's only one.
    store = await createStorePromise({ schema, adapter: makeAdapter({ storage: { type: 'in-memory' } }), storeId: 'no-undo' })
    store.commit(...Array.from({ length: 1_500 }, (_, i) => events.todoCreated({ id: `t${i}`, text: `${i}` })))
    store.commit(events.todoDeleted({ id: 't0', deletedAt: new Date(0) }))
    await new Promise((resolve) => setTimeout(resolve, 0))
    const db = await openCopy(store._dev.exportDb())
    expect(readUndoSegments(db)).toEqual([])
    expect(db.select('SELECT count(*) AS n FROM todos')).toEqual([{ n: 1_500 }])
    expect(store.query(tables.todos.where({ id: 't0' }).first())?.deletedAt).toEqual(new Date(0))
  })
})

describe('readEvents', () => {
  it('reads after any position, client-only numbers included, with a limit', async () => {
    const { appendEvents, initializeEventlogDb } = await import('@cairn/store/adapter')
    const db = (await loadSqlite()).openInMemory()
    initializeEventlogDb(db)
    const numbers: Array<[number, number]> = [[1, 0], [1, 1], [1, 2], [2, 0], [2, 1], [3, 0]]
    let parent = { global: 0, client: 0, rebaseGeneration: 0 }
    appendEvents(
      db,
      numbers.map(([global, client]) => {
        const seqNum = { global, client, rebaseGeneration: 0 }
        const event = { name: `e${global}.${client}`, args: {}, seqNum, parentSeqNum: parent, clientId: 'c', sessionId: 's', timestamp: 0 }
        parent = seqNum
        return event
      }),
    )
    const after = (global: number, client: number, limit?: number) =>
      readEvents(db, { global, client, rebaseGeneration: 0 }, limit).map((e) => e.name)
    expect(after(0, 0)).toEqual(['e1.0', 'e1.1', 'e1.2', 'e2.0', 'e2.1', 'e3.0'])
    expect(after(1, 1)).toEqual(['e1.2', 'e2.0', 'e2.1', 'e3.0'])
    expect(after(1, 1, 2)).toEqual(['e1.2', 'e2.0'])
    expect(after(2, 0, 1)).toEqual(['e2.1'])
    expect(after(1, 2, 10)).toEqual(['e2.0', 'e2.1', 'e3.0'])
    expect(after(3, 0)).toEqual([])
    const { countEventsAfter } = await import('@cairn/store/adapter')
    for (const [global, client] of [[0, 0], [1, 0], [1, 1], [1, 2], [2, 0], [2, 1], [3, 0]] as const) {
      expect(countEventsAfter(db, { global, client, rebaseGeneration: 0 }), `after e${global}.${client}`).toBe(after(global, client).length)
    }
    expect(db.select("EXPLAIN QUERY PLAN SELECT count(*) FROM eventlog WHERE seqNumClient > 0 AND (seqNumGlobal > 1 OR (seqNumGlobal = 1 AND seqNumClient > 0))").map((row) => row.detail).join()).toContain('eventlog_client_only')
  })
})

describe('commits in a loop that never yields', () => {
  it('are written while the loop runs, a bounded number at a time, all of them in order', async () => {
    const sqlite = await loadSqlite()
    const eventlogDb = sqlite.openInMemory()
    initializeEventlogDb(eventlogDb)
    const leader = makeLeader({ schema, storeId: 'loop', eventlogDb, onUnknownEvent: () => {}, log: consoleLeaderLog, deleteStorage: async () => {}, writeTiming: 'task' })
    const adapter: Adapter = async () => {
      const sqliteDb = sqlite.openInMemory()
      initializeStateDb(sqliteDb, schema)
      return { sqliteDb, clientId: leader.clientId, sessionId: 'loop', leader, storageMode: 'in-memory', recentEvents: [] }
    }
    store = await createStorePromise({ schema, adapter, storeId: 'loop' })
    const commits = 1_000
    let mostUnwritten = 0
    for (let i = 0; i < commits; i++) {
      store.commit(events.todoCreated({ id: `todo-${i}`, text: `${i}` }))
      mostUnwritten = Math.max(mostUnwritten, i + 1 - countEvents(eventlogDb))
    }
    // Without a bound, all 1,000 would wait for the loop to end (the leader writes a task later).
    expect(countEvents(eventlogDb)).toBeGreaterThan(0)
    expect(mostUnwritten).toBeLessThanOrEqual(256)
    await store.flush()
    const written = readEvents(eventlogDb)
    expect(written.map((event) => event.args)).toEqual(Array.from({ length: commits }, (_, i) => ({ id: `todo-${i}`, text: `${i}` })))
    expect(written.map((event) => event.seqNum.global)).toEqual(Array.from({ length: commits }, (_, i) => i + 1))
    expect(store.query(tables.todos.count())).toBe(commits)
  })
})

const countEvents = (db: SqliteDb): number => Number(db.select('SELECT COUNT(*) AS n FROM eventlog')[0]!['n'])
