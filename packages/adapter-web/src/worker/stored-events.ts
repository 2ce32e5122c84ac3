import { compareSeqNum, eventlogHead, type EncodedEvent, type SeqNum, type SqliteDb } from '@cairn/store/adapter'

/**
 * The events the eventlog does not hold yet, from a batch that may have been written before in part
 * or in full (re-sent to a new leader, or restored after a page went away): its stored prefix is dropped.
 */
export const dropStored = (eventlogDb: SqliteDb, events: readonly EncodedEvent[]): readonly EncodedEvent[] => {
  const head = eventlogHead(eventlogDb)
  let stored = 0
  while (stored < events.length && compareSeqNum(events[stored]!.seqNum, head) <= 0 && isStored(eventlogDb, events[stored]!)) stored++
  return stored === 0 ? events : events.slice(stored)
}

/** Whether the eventlog holds this very event (same place, generation and session). */
const isStored = (eventlogDb: SqliteDb, event: EncodedEvent): boolean => holdsEvent(eventlogDb, event.seqNum, event.sessionId)

/** Whether the eventlog holds, at `seqNum`'s place and generation, an event of the session `sessionId`. */
export const holdsEvent = (eventlogDb: SqliteDb, seqNum: SeqNum, sessionId: string): boolean => {
  const row = eventlogDb.select<{ sessionId: string; g: number }>(
    'SELECT sessionId, seqNumRebaseGeneration AS g FROM eventlog WHERE seqNumGlobal = ? AND seqNumClient = ?',
    [seqNum.global, seqNum.client],
  )[0]
  return row?.sessionId === sessionId && row.g === seqNum.rebaseGeneration
}
