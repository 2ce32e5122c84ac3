import type { SqliteDb } from '../sqlite/sqlite-db.js'
import type { EncodedEvent, StoredEvent } from './event.js'
import { compareSeqNum, ROOT_SEQ_NUM, type SeqNum } from './seq-num.js'

/**
 * The eventlog database: every event of this client, in order. It is the source of truth; the
 * state database can always be rebuilt from it.
 */
const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS eventlog (
    seqNumGlobal INTEGER NOT NULL,
    seqNumClient INTEGER NOT NULL,
    seqNumRebaseGeneration INTEGER NOT NULL,
    parentSeqNumGlobal INTEGER NOT NULL,
    parentSeqNumClient INTEGER NOT NULL,
    parentSeqNumRebaseGeneration INTEGER NOT NULL,
    name TEXT NOT NULL,
    argsJson TEXT NOT NULL,
    clientId TEXT NOT NULL,
    sessionId TEXT NOT NULL,
    timestamp INTEGER NOT NULL,
    PRIMARY KEY (seqNumGlobal, seqNumClient)
  ) WITHOUT ROWID`,
  `CREATE TABLE IF NOT EXISTS eventlog_meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) WITHOUT ROWID`,
  // Client-only events are few; this lets countEventsAfter count them without reading every row.
  `CREATE INDEX IF NOT EXISTS eventlog_client_only ON eventlog (seqNumGlobal, seqNumClient) WHERE seqNumClient > 0`,
]

const INSERT_INTO = `INSERT INTO eventlog (seqNumGlobal, seqNumClient, seqNumRebaseGeneration, parentSeqNumGlobal,
  parentSeqNumClient, parentSeqNumRebaseGeneration, name, argsJson, clientId, sessionId, timestamp) VALUES `
const ROW = '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'

/**
 * Rows per INSERT statement: one SQLite call per row costs more than the row itself, and 64 rows of
 * 11 values stay far below SQLite's limit of bound values per statement.
 */
const ROWS_PER_INSERT = 64
const insertSql = Array.from({ length: ROWS_PER_INSERT + 1 }, (_, rows) => INSERT_INTO + Array(rows).fill(ROW).join(', '))

/** The columns events are read with, in the order of `EventValues`. */
const EVENT_COLUMNS = `seqNumGlobal, seqNumClient, seqNumRebaseGeneration, parentSeqNumGlobal, parentSeqNumClient,
  parentSeqNumRebaseGeneration, name, argsJson, clientId, sessionId, timestamp`

/** An event row as `selectValues` returns it (no object per row: a replay reads every event). */
type EventValues = [
  seqNumGlobal: number,
  seqNumClient: number,
  seqNumRebaseGeneration: number,
  parentSeqNumGlobal: number,
  parentSeqNumClient: number,
  parentSeqNumRebaseGeneration: number,
  name: string,
  argsJson: string,
  clientId: string,
  sessionId: string,
  timestamp: number,
]

const selectEvents = (db: SqliteDb, where: string, bindValues: (string | number)[]): EventValues[] =>
  db.selectValues(`SELECT ${EVENT_COLUMNS} FROM eventlog ${where}`, bindValues) as EventValues[]

/** Creates the eventlog tables if they are missing. */
export const initializeEventlogDb = (db: SqliteDb): void => {
  for (const statement of SCHEMA) db.execute(statement)
}

/** Appends events (already in order) in one transaction. */
export const appendEvents = (db: SqliteDb, events: readonly EncodedEvent[]): void => {
  if (events.length === 0) return
  inTransaction(db, () => insertEvents(db, events))
}

/** Inserts events inside the caller's transaction. */
export const insertEvents = (db: SqliteDb, events: readonly EncodedEvent[]): void => {
  for (let start = 0; start < events.length; start += ROWS_PER_INSERT) {
    const end = Math.min(events.length, start + ROWS_PER_INSERT)
    const values: (string | number)[] = []
    for (let index = start; index < end; index++) {
      const event = events[index]!
      values.push(
        event.seqNum.global,
        event.seqNum.client,
        event.seqNum.rebaseGeneration,
        event.parentSeqNum.global,
        event.parentSeqNum.client,
        event.parentSeqNum.rebaseGeneration,
        event.name,
        JSON.stringify(event.args),
        event.clientId,
        event.sessionId,
        event.timestamp,
      )
    }
    db.execute(insertSql[end - start]!, values)
  }
}

/** Deletes the events after `after`, inside the caller's transaction (rebase rewrites them). */
export const deleteEventsAfter = (db: SqliteDb, after: SeqNum): void => {
  db.execute('DELETE FROM eventlog WHERE (seqNumGlobal, seqNumClient) > (?, ?)', [after.global, after.client])
}

/** Runs `work` in a transaction, rolled back if it throws. */
export const inTransaction = <T>(db: SqliteDb, work: () => T): T => {
  db.execute('BEGIN')
  try {
    const result = work()
    db.execute('COMMIT')
    return result
  } catch (error) {
    db.execute('ROLLBACK')
    throw error
  }
}

/** A value kept with the eventlog (client id, sync heads), or `undefined`. */
export const readEventlogMeta = (db: SqliteDb, key: string): string | undefined =>
  db.select<{ value: string }>('SELECT value FROM eventlog_meta WHERE key = ?', [key])[0]?.value

/** Writes a value kept with the eventlog (inside the caller's transaction, if any). */
export const writeEventlogMeta = (db: SqliteDb, key: string, value: string): void => {
  db.execute('INSERT OR REPLACE INTO eventlog_meta (key, value) VALUES (?, ?)', [key, value])
}

/** Events after `after` (all when omitted), in log order; at most `limit` of them. */
export const readEvents = (db: SqliteDb, after: SeqNum = ROOT_SEQ_NUM, limit = -1): EncodedEvent[] =>
  readRowsAfter(db, after, limit).map(toEncodedEvent)

/**
 * Like `readEvents`, with the arguments left as JSON text: a replay decodes them itself (for most
 * events without building the parsed object first).
 */
export const readStoredEvents = (db: SqliteDb, after: SeqNum, limit: number): StoredEvent[] =>
  readRowsAfter(db, after, limit).map(toStoredEvent)

const readRowsAfter = (db: SqliteDb, after: SeqNum, limit: number): EventValues[] => {
  // `seqNumGlobal >= ?` seeks in the primary key and costs half of a row-value comparison per row;
  // the few rows of `after.global` at or before `after.client` are dropped here.
  const rows = selectEvents(db, 'WHERE seqNumGlobal >= ? ORDER BY seqNumGlobal, seqNumClient LIMIT ?', [
    after.global,
    limit < 0 ? -1 : limit + after.client + 1,
  ])
  let skip = 0
  while (skip < rows.length && rows[skip]![0] === after.global && rows[skip]![1] <= after.client) skip++
  const end = limit < 0 ? rows.length : Math.min(rows.length, skip + limit)
  return skip === 0 && end === rows.length ? rows : rows.slice(skip, end)
}

/** Events after `after` up to and including `upTo`, in log order (what a rollback must replay). */
export const readEventsBetween = (db: SqliteDb, after: SeqNum, upTo: SeqNum): EncodedEvent[] =>
  selectEvents(
    db,
    `WHERE (seqNumGlobal, seqNumClient) > (?, ?) AND (seqNumGlobal, seqNumClient) <= (?, ?)
     ORDER BY seqNumGlobal, seqNumClient`,
    [after.global, after.client, upTo.global, upTo.client],
  ).map(toEncodedEvent)

/**
 * How many events come after `after`. Synced events are numbered without gaps (one per global
 * number), so they are counted from the head; only client-only events are counted row by row.
 */
export const countEventsAfter = (db: SqliteDb, after: SeqNum): number => {
  const head = eventlogHead(db)
  // Nothing after the last event (every boot of an up-to-date state): the count below is not needed,
  // and its statement, prepared cold, is a noticeable part of a reopen.
  if (compareSeqNum(head, after) <= 0) return 0
  const synced = Math.max(0, head.global - after.global)
  const clientOnly =
    db.select<{ n: number }>(
      `SELECT count(*) AS n FROM eventlog
       WHERE seqNumClient > 0 AND (seqNumGlobal > ? OR (seqNumGlobal = ? AND seqNumClient > ?))`,
      [after.global, after.global, after.client],
    )[0]?.n ?? 0
  return synced + clientOnly
}

const seqNumOf = (row: EventValues): SeqNum => ({ global: row[0], client: row[1], rebaseGeneration: row[2] })

const parentSeqNumOf = (row: EventValues): SeqNum => ({ global: row[3], client: row[4], rebaseGeneration: row[5] })

/** A row with its arguments left as JSON text (replay decodes them straight from it). */
const toStoredEvent = (row: EventValues): StoredEvent => ({
  name: row[6],
  argsJson: row[7],
  seqNum: seqNumOf(row),
  parentSeqNum: parentSeqNumOf(row),
  clientId: row[8],
  sessionId: row[9],
  timestamp: row[10],
})

const toEncodedEvent = (row: EventValues): EncodedEvent => ({
  name: row[6],
  args: JSON.parse(row[7]) as unknown,
  seqNum: seqNumOf(row),
  parentSeqNum: parentSeqNumOf(row),
  clientId: row[8],
  sessionId: row[9],
  timestamp: row[10],
})

/** The last event's sequence number, or the root when the log is empty. */
export const eventlogHead = (db: SqliteDb): SeqNum => {
  const row = selectEvents(db, 'ORDER BY seqNumGlobal DESC, seqNumClient DESC LIMIT 1', [])[0]
  return row === undefined ? ROOT_SEQ_NUM : seqNumOf(row)
}

/** How many events the eventlog holds and its head, for `syncState` debugging views. */
export const eventlogStats = (db: SqliteDb): { readonly localHead: SeqNum; readonly eventCount: number } => ({
  localHead: eventlogHead(db),
  eventCount: db.select<{ n: number }>('SELECT count(*) AS n FROM eventlog')[0]?.n ?? 0,
})
