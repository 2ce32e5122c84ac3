// The next leader writes what a leader tab's page left unwritten: on a real leader and eventlog (in memory, Node).
import { loadSqlite } from '@cairn/sqlite'
import { consoleLeaderLog, initializeEventlogDb, makeLeader, readEvents, ROOT_SEQ_NUM, type EncodedEvent, type SeqNum } from '@cairn/store/adapter'
import { describe, expect, test } from 'vitest'
import { restoreUnwritten } from '../src/worker/restore-unwritten.js'
import { schema } from './app/schema.js'

const openLeader = async () => {
  const eventlogDb = (await loadSqlite()).openInMemory()
  initializeEventlogDb(eventlogDb)
  const leader = makeLeader({ schema, storeId: 'restore', eventlogDb, onUnknownEvent: () => {}, log: consoleLeaderLog, deleteStorage: async () => {} })
  return { leader, eventlogDb }
}

/** `ids.length` todoCreated events of `sessionId`, chained after `parent`. */
const created = (parent: SeqNum, sessionId: string, ids: readonly string[]): EncodedEvent[] =>
  ids.map((id, index) => ({
    name: 'v1.TodoCreated',
    args: { id, text: id, createdAt: 1 },
    seqNum: { global: parent.global + index + 1, client: 0, rebaseGeneration: parent.rebaseGeneration },
    parentSeqNum: index === 0 ? parent : { global: parent.global + index, client: 0, rebaseGeneration: parent.rebaseGeneration },
    clientId: 'client',
    sessionId,
    timestamp: 1,
  }))

const idsOf = (events: readonly EncodedEvent[]): string[] => events.map((event) => (event.args as { id: string }).id)

describe('restoreUnwritten', () => {
  test('writes the unwritten events where they were, and nothing twice', async () => {
    const { leader, eventlogDb } = await openLeader()
    const first = created(ROOT_SEQ_NUM, 'gone', ['a', 'b'])
    leader.push(first, 0)
    await leader.flush()
    // The page had pushed a, b (written) and c, d (not written) when it went away.
    const unwritten = [[...first, ...created(first[1]!.seqNum, 'gone', ['c', 'd'])]]
    expect(await restoreUnwritten(leader, eventlogDb, unwritten)).toBe(2)
    expect(idsOf(readEvents(eventlogDb))).toEqual(['a', 'b', 'c', 'd'])
    expect(readEvents(eventlogDb).map((event) => event.seqNum.global)).toEqual([1, 2, 3, 4])
    expect(await restoreUnwritten(leader, eventlogDb, unwritten)).toBe(0)
    expect(idsOf(readEvents(eventlogDb))).toEqual(['a', 'b', 'c', 'd'])
    await leader.shutdown()
  })

  test('rebases them on top of events that came first, and the same session pushes on afterwards', async () => {
    const { leader, eventlogDb } = await openLeader()
    leader.push(created(ROOT_SEQ_NUM, 'other', ['x']), 0)
    await leader.flush()
    const unwritten = [created(ROOT_SEQ_NUM, 'gone', ['c', 'd'])]
    expect(await restoreUnwritten(leader, eventlogDb, unwritten)).toBe(2)
    const stored = readEvents(eventlogDb)
    expect(idsOf(stored)).toEqual(['x', 'c', 'd'])
    expect(stored.map((event) => event.seqNum.global)).toEqual([1, 2, 3])
    expect(stored[1]!.parentSeqNum).toEqual(stored[0]!.seqNum)
    expect(stored[1]!.seqNum.rebaseGeneration).toBe(1)
    // The reloaded page is the same session, starting again at epoch 0: the restore did not bar it.
    leader.push(created(stored[2]!.seqNum, 'gone', ['e']), 0)
    await leader.flush()
    expect(idsOf(readEvents(eventlogDb))).toEqual(['x', 'c', 'd', 'e'])
    await leader.shutdown()
  })
})
