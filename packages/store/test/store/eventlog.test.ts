import { loadSqlite } from '@cairn/sqlite'
import { readChangeset, readEvents, type SqliteDb } from '@cairn/store/adapter'
import { afterEach, describe, expect, it } from 'vitest'
import { events, makeStore, tables } from './fixtures.js'

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

  it("inverting a commit's changeset restores the previous state exactly", async () => {
    store = await makeStore()
    store.commit(
      events.todoCreated({ id: 'a', text: 'A' }),
      events.todoCreated({ id: 'b', text: 'B' }),
      events.todoCompleted({ id: 'b' }),
    )
    const before = await openCopy(store._dev.exportDb())
    const expected = dumpTodos(before)

    store.commit(events.todoClearedCompleted({ deletedAt: new Date() }))
    store.commit(events.todoCreated({ id: 'c', text: 'C' }))
    const after = await openCopy(store._dev.exportDb())
    expect(dumpTodos(after)).not.toEqual(expected)

    for (const seqNum of [{ global: 5, client: 0, rebaseGeneration: 0 }, { global: 4, client: 0, rebaseGeneration: 0 }]) {
      const changeset = readChangeset(after, seqNum)
      expect(changeset).toBeInstanceOf(Uint8Array)
      after.applyChangeset(after.invertChangeset(changeset!))
    }
    expect(dumpTodos(after)).toEqual(expected)
    expect(store.query(tables.todos.count())).toBe(3)
  })
})
