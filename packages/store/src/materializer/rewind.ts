import { compareSeqNum, ROOT_SEQ_NUM, type SeqNum } from '../eventlog/seq-num.js'
import type { LiveStoreSchema } from '../schema/internal.js'
import type { SqliteDb } from '../sqlite/sqlite-db.js'
import { readStateHead, readUndoBounds, readUndoSegments, writeStateHead } from './state-db.js'

/**
 * Rolls a state database back to `to`, or a little before it. Undo segments are whole runs of
 * events, so the segments that end after `to` are inverted newest first, down to the state before
 * the oldest of them (its `after` ≤ `to`), which is returned. The caller then re-materializes the
 * events between that point and `to` (recording a new undo segment), and whatever comes next.
 *
 * When the segments do not reach back from the state's head to `to` (they were pruned, recording
 * started later, or events were materialized without recording after them), the schema's tables
 * are emptied and the state is rebuilt from the root instead.
 *
 * Runs in one transaction; the caller must have cut (closed) its open undo segment first.
 *
 * @returns where the state now stands.
 */
export const rollBackState = (db: SqliteDb, schema: LiveStoreSchema, to: SeqNum): SeqNum => {
  const chained = undoChain(readStateHead(db), readUndoSegments(db), to)
  const covered = compareSeqNum(chained.reached, to) <= 0
  const reached = covered ? chained.reached : ROOT_SEQ_NUM
  db.execute('BEGIN')
  try {
    if (covered) {
      for (const segment of chained.segments) db.applyChangeset(db.invertChangeset(segment.changeset))
      db.execute('DELETE FROM __cairn_undo WHERE (upToGlobal, upToClient) > (?, ?)', [to.global, to.client])
    } else {
      for (const table of schema.tables.keys()) db.execute(`DELETE FROM "${table.replaceAll('"', '""')}"`)
      db.execute('DELETE FROM __cairn_undo')
    }
    writeStateHead(db, reached)
    db.execute('COMMIT')
    return reached
  } catch (error) {
    db.execute('ROLLBACK')
    throw error
  }
}

/**
 * The earliest point `rollBackState` can reach without rebuilding: the state's head, or the start
 * of the unbroken run of undo segments that ends there.
 */
export const undoReach = (db: SqliteDb): SeqNum => undoChain(readStateHead(db), readUndoBounds(db), ROOT_SEQ_NUM).reached

type UndoBounds = { readonly after: SeqNum; readonly upTo: SeqNum }

/**
 * Follows undo segments (given oldest first) back from `head` while it is after `to`. Each must end
 * where the next newer one starts: a gap holds changes no segment recorded, which nothing can undo.
 */
const undoChain = <Segment extends UndoBounds>(
  head: SeqNum,
  oldestFirst: readonly Segment[],
  to: SeqNum,
): { readonly reached: SeqNum; readonly segments: Segment[] } => {
  let reached = head
  const chain: Segment[] = []
  for (let index = oldestFirst.length - 1; index >= 0; index--) {
    const segment = oldestFirst[index]!
    if (compareSeqNum(reached, to) <= 0 || segment.upTo.global !== reached.global || segment.upTo.client !== reached.client) break
    chain.push(segment)
    reached = segment.after
  }
  return { reached, segments: chain }
}

/** Deletes undo segments that end at or before `confirmed`: the state never goes back past it. */
export const pruneUndoSegments = (db: SqliteDb, confirmed: SeqNum): void => {
  db.execute('DELETE FROM __cairn_undo WHERE (upToGlobal, upToClient) <= (?, ?)', [confirmed.global, confirmed.client])
}
