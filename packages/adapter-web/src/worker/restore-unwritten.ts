import { eventlogHead, renumber, sameSeqNum, type EncodedEvent, type Leader, type SqliteDb } from '@cairn/store/adapter'
import { dropStored } from './stored-events.js'

/**
 * A push at this epoch is never refused for its epoch: the restored events are checked against the
 * head right before they are pushed instead, and a refusal would bar their session's later pushes.
 */
const RESTORE_EPOCH = Number.MAX_SAFE_INTEGER

/**
 * Writes the batches a previous leader tab had been sent but not written when its page went away
 * (its worker ends with the page). Events already in the eventlog are skipped; the others go on
 * top of the head, rebased when other events came first (e.g. pulled from the backend since).
 * Resolves to the number of events written.
 */
export const restoreUnwritten = async (leader: Leader, eventlogDb: SqliteDb, batches: readonly (readonly EncodedEvent[])[]): Promise<number> => {
  let restored = 0
  for (const batch of batches) {
    await leader.flush()
    const fresh = dropStored(eventlogDb, batch)
    if (fresh.length === 0) continue
    // From here to the push nothing else can reach the leader: its queue is empty and this is synchronous.
    const head = eventlogHead(eventlogDb)
    const placed = sameSeqNum(fresh[0]!.parentSeqNum, head) ? fresh : renumber(fresh, head)
    leader.push(placed, RESTORE_EPOCH)
    await leader.flush()
    restored += placed.length
  }
  return restored
}
