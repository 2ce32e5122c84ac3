import type { EncodedEvent } from '../eventlog/event.js'
import { compareSeqNum, ROOT_SEQ_NUM, type SeqNum } from '../eventlog/seq-num.js'
import type { LiveStoreSchema } from '../schema/internal.js'
import type { SqliteDb } from '../sqlite/sqlite-db.js'
import { materializeStoredEvent } from './replay.js'
import { readStateHead, writeStateHead } from './state-db.js'

/**
 * Rolls a state database back to `to`, or a little before it. Undo segments are whole runs of
 * events, so the segments that end after `to` are inverted newest first, down to the state before
 * the oldest of them (its `after` ≤ `to`), which is returned. The caller then re-materializes the
 * events between that point and `to` (recording a new undo segment), and whatever comes next.
 *
 * When the segments do not reach back to `to` (they were pruned, or recording started later), the
 * schema's tables are emptied and the state is rebuilt from the root instead.
 *
 * Runs in one transaction; the caller must have cut (closed) its open undo segment first.
 *
 * @returns where the state now stands.
 */
export const rollBackState = (db: SqliteDb, schema: LiveStoreSchema, to: SeqNum): SeqNum => {
  const segments = db.select<{ ug: number; uc: number; ag: number; ac: number; ar: number; changeset: Uint8Array }>(
    `SELECT upToGlobal AS ug, upToClient AS uc, afterGlobal AS ag, afterClient AS ac,
       afterRebaseGeneration AS ar, changeset FROM __cairn_undo ORDER BY upToGlobal DESC, upToClient DESC`,
  )
  const toUndo: typeof segments = []
  for (const segment of segments) {
    if (compareSeqNum({ global: segment.ug, client: segment.uc, rebaseGeneration: 0 }, to) <= 0) break
    toUndo.push(segment)
  }
  const oldest = toUndo.at(-1)
  const covered =
    oldest === undefined
      ? compareSeqNum(readStateHead(db), to) <= 0
      : compareSeqNum({ global: oldest.ag, client: oldest.ac, rebaseGeneration: 0 }, to) <= 0
  db.execute('BEGIN')
  try {
    let reached: SeqNum
    if (covered && oldest !== undefined) {
      for (const segment of toUndo) db.applyChangeset(db.invertChangeset(segment.changeset))
      db.execute('DELETE FROM __cairn_undo WHERE (upToGlobal, upToClient) > (?, ?)', [to.global, to.client])
      reached = { global: oldest.ag, client: oldest.ac, rebaseGeneration: oldest.ar }
    } else if (covered) {
      reached = readStateHead(db)
    } else {
      for (const table of schema.tables.keys()) db.execute(`DELETE FROM "${table.replaceAll('"', '""')}"`)
      db.execute('DELETE FROM __cairn_undo')
      reached = ROOT_SEQ_NUM
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
 * Materializes `events` (in order) into `db` in one transaction and records the last one as the
 * state's head. The caller owns undo recording around it.
 */
export const materializeStoredEvents = (
  db: SqliteDb,
  schema: LiveStoreSchema,
  events: readonly EncodedEvent[],
  onUnknownEvent: (event: EncodedEvent) => void,
  written: Set<string>,
): void => {
  const last = events.at(-1)
  if (last === undefined) return
  db.execute('BEGIN')
  try {
    for (const event of events) materializeStoredEvent(db, schema, event, onUnknownEvent, written)
    writeStateHead(db, last.seqNum)
    db.execute('COMMIT')
  } catch (error) {
    db.execute('ROLLBACK')
    throw error
  }
}

/** Deletes undo segments that end at or before `confirmed`: the state never goes back past it. */
export const pruneUndoSegments = (db: SqliteDb, confirmed: SeqNum): void => {
  db.execute('DELETE FROM __cairn_undo WHERE (upToGlobal, upToClient) <= (?, ?)', [confirmed.global, confirmed.client])
}
