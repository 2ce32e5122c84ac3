import { ROOT_SEQ_NUM, type SeqNum } from '../eventlog/seq-num.js'
import type { LiveStoreSchema } from '../schema/internal.js'
import { tableDdl } from '../schema/internal.js'
import type { SqliteDb } from '../sqlite/sqlite-db.js'

/**
 * Cairn's own tables in the state database. The head records how far the state has materialized
 * and is written in the same transaction as the state changes, so a half-done rebuild is never
 * mistaken for a finished one. Undo segments hold the changesets that undo runs of materialized
 * events (for rebase; see UndoLog).
 */
const META_DDL = [
  `CREATE TABLE IF NOT EXISTS __cairn_head (
    id INTEGER PRIMARY KEY CHECK (id = 0),
    seqNumGlobal INTEGER NOT NULL,
    seqNumClient INTEGER NOT NULL,
    seqNumRebaseGeneration INTEGER NOT NULL
  )`,
  `INSERT OR IGNORE INTO __cairn_head VALUES (0, 0, 0, 0)`,
  `CREATE TABLE IF NOT EXISTS __cairn_undo (
    upToGlobal INTEGER NOT NULL,
    upToClient INTEGER NOT NULL,
    upToRebaseGeneration INTEGER NOT NULL,
    afterGlobal INTEGER NOT NULL,
    afterClient INTEGER NOT NULL,
    afterRebaseGeneration INTEGER NOT NULL,
    changeset BLOB NOT NULL,
    PRIMARY KEY (upToGlobal, upToClient)
  ) WITHOUT ROWID`,
]

/**
 * Version of the layout of Cairn's own tables in persisted databases. Part of the state database's
 * file name (with the state hash), so a layout change rebuilds the state from the eventlog.
 */
export const STORAGE_FORMAT_VERSION = 1

/** Tables of Cairn's own that app queries never see and rebase never rolls back. */
export const isMetaTable = (name: string): boolean => name.startsWith('__cairn_')

/** Creates the schema's tables and indexes and Cairn's meta tables, in one transaction. */
export const initializeStateDb = (db: SqliteDb, schema: LiveStoreSchema): void => {
  db.execute('BEGIN')
  try {
    for (const table of schema.tables.values()) for (const statement of tableDdl(table)) db.execute(statement)
    for (const statement of META_DDL) db.execute(statement)
    db.execute('COMMIT')
  } catch (error) {
    db.execute('ROLLBACK')
    throw error
  }
}

/** The last event materialized into this state database. */
export const readStateHead = (db: SqliteDb): SeqNum => {
  const row = db.select<{ g: number; c: number; r: number }>(
    'SELECT seqNumGlobal AS g, seqNumClient AS c, seqNumRebaseGeneration AS r FROM __cairn_head WHERE id = 0',
  )[0]
  return row === undefined ? ROOT_SEQ_NUM : { global: row.g, client: row.c, rebaseGeneration: row.r }
}

/** Records the head; call inside the transaction that materialized up to it. */
export const writeStateHead = (db: SqliteDb, head: SeqNum): void => {
  db.execute(
    'UPDATE __cairn_head SET seqNumGlobal = ?, seqNumClient = ?, seqNumRebaseGeneration = ? WHERE id = 0',
    [head.global, head.client, head.rebaseGeneration],
  )
}

/** The changeset that undoes the events after `after` up to and including `upTo`. */
export interface UndoSegment {
  readonly after: SeqNum
  readonly upTo: SeqNum
  readonly changeset: Uint8Array
}

/** Keeps an undo segment. */
export const writeUndoSegment = (db: SqliteDb, segment: UndoSegment): void => {
  const { after, upTo } = segment
  db.execute('INSERT OR REPLACE INTO __cairn_undo VALUES (?, ?, ?, ?, ?, ?, ?)', [
    upTo.global,
    upTo.client,
    upTo.rebaseGeneration,
    after.global,
    after.client,
    after.rebaseGeneration,
    segment.changeset,
  ])
}

interface UndoRow {
  [column: string]: number | Uint8Array
  upToGlobal: number
  upToClient: number
  upToRebaseGeneration: number
  afterGlobal: number
  afterClient: number
  afterRebaseGeneration: number
  changeset: Uint8Array
}

/** Where each undo segment starts and ends, oldest first (without reading the changesets). */
export const readUndoBounds = (db: SqliteDb): { after: SeqNum; upTo: SeqNum }[] =>
  db
    .select<{ ag: number; ac: number; ar: number; ug: number; uc: number; ur: number }>(
      `SELECT afterGlobal AS ag, afterClient AS ac, afterRebaseGeneration AS ar, upToGlobal AS ug, upToClient AS uc,
         upToRebaseGeneration AS ur FROM __cairn_undo ORDER BY upToGlobal, upToClient`,
    )
    .map((row) => ({
      after: { global: row.ag, client: row.ac, rebaseGeneration: row.ar },
      upTo: { global: row.ug, client: row.uc, rebaseGeneration: row.ur },
    }))

/** Every undo segment, oldest first. */
export const readUndoSegments = (db: SqliteDb): UndoSegment[] =>
  db.select<UndoRow>('SELECT * FROM __cairn_undo ORDER BY upToGlobal, upToClient').map((row) => ({
    after: { global: row.afterGlobal, client: row.afterClient, rebaseGeneration: row.afterRebaseGeneration },
    upTo: { global: row.upToGlobal, client: row.upToClient, rebaseGeneration: row.upToRebaseGeneration },
    changeset: row.changeset,
  }))

/** Where the oldest undo segment starts, `undefined` when there is none. */
export const oldestUndoPoint = (db: SqliteDb): SeqNum | undefined => {
  const row = db.select<{ g: number; c: number; r: number }>(
    `SELECT afterGlobal AS g, afterClient AS c, afterRebaseGeneration AS r FROM __cairn_undo
     ORDER BY upToGlobal, upToClient LIMIT 1`,
  )[0]
  return row === undefined ? undefined : { global: row.g, client: row.c, rebaseGeneration: row.r }
}
