import { ROOT_SEQ_NUM, type SeqNum } from '../eventlog/seq-num.js'
import type { LiveStoreSchema } from '../schema/internal.js'
import { tableDdl } from '../schema/internal.js'
import type { SqliteDb } from '../sqlite/sqlite-db.js'

/**
 * Cairn's own tables in the state database. The head records how far the state has materialized
 * and is written in the same transaction as the state changes, so a half-done rebuild is never
 * mistaken for a finished one. Changesets undo each materialized event (for rebase).
 */
const META_DDL = [
  `CREATE TABLE IF NOT EXISTS __cairn_head (
    id INTEGER PRIMARY KEY CHECK (id = 0),
    seqNumGlobal INTEGER NOT NULL,
    seqNumClient INTEGER NOT NULL,
    seqNumRebaseGeneration INTEGER NOT NULL
  )`,
  `INSERT OR IGNORE INTO __cairn_head VALUES (0, 0, 0, 0)`,
  `CREATE TABLE IF NOT EXISTS __cairn_changeset (
    seqNumGlobal INTEGER NOT NULL,
    seqNumClient INTEGER NOT NULL,
    seqNumRebaseGeneration INTEGER NOT NULL,
    changeset BLOB NOT NULL,
    PRIMARY KEY (seqNumGlobal, seqNumClient)
  ) WITHOUT ROWID`,
]

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

/** Keeps the changeset that undoes the event at `seqNum`. */
export const writeChangeset = (db: SqliteDb, seqNum: SeqNum, changeset: Uint8Array): void => {
  db.execute(
    'INSERT OR REPLACE INTO __cairn_changeset VALUES (?, ?, ?, ?)',
    [seqNum.global, seqNum.client, seqNum.rebaseGeneration, changeset],
  )
}

/** The changeset recorded for the event at `seqNum`, if any. */
export const readChangeset = (db: SqliteDb, seqNum: SeqNum): Uint8Array | undefined =>
  db.select<{ changeset: Uint8Array }>(
    'SELECT changeset FROM __cairn_changeset WHERE seqNumGlobal = ? AND seqNumClient = ?',
    [seqNum.global, seqNum.client],
  )[0]?.changeset
