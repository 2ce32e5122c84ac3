// The store's tables and multi-row INSERTs as plain SQL on @cairn/sqlite's raw connection, for the
// substrate floors (bench/lib/substrate-floor.mjs and the floor scripts in bench/cairn/).

/** The TodoMVC table as the bench schema defines it (schema v1; v2 adds `priority`). */
export const TODOS_TABLE = `CREATE TABLE todos (id TEXT PRIMARY KEY, text TEXT NOT NULL DEFAULT '', completed INTEGER NOT NULL DEFAULT 0, deletedAt INTEGER)`

/** The same with schema v2's extra column. */
export const TODOS_V2_TABLE = `CREATE TABLE todos (id TEXT PRIMARY KEY, text TEXT NOT NULL DEFAULT '', completed INTEGER NOT NULL DEFAULT 0, deletedAt INTEGER, priority INTEGER NOT NULL DEFAULT 0)`

/** The eventlog table as @cairn/store creates it. */
export const EVENTLOG_TABLE = `CREATE TABLE eventlog (seqNumGlobal INTEGER NOT NULL, seqNumClient INTEGER NOT NULL,
  seqNumRebaseGeneration INTEGER NOT NULL, parentSeqNumGlobal INTEGER NOT NULL, parentSeqNumClient INTEGER NOT NULL,
  parentSeqNumRebaseGeneration INTEGER NOT NULL, name TEXT NOT NULL, argsJson TEXT NOT NULL, clientId TEXT NOT NULL,
  sessionId TEXT NOT NULL, timestamp INTEGER NOT NULL, PRIMARY KEY (seqNumGlobal, seqNumClient)) WITHOUT ROWID`

/** Rows per multi-row INSERT, as in the store's write queue and eventlog. */
export const ROWS_PER_INSERT = 64

/** Inserts `count` rows of `width` values (`valuesOf(i)`) as multi-row INSERTs, in the caller's transaction. */
export const insertRowStatements = (db, table, width, count, valuesOf) => {
  const row = `(${Array(width).fill('?').join(', ')})`
  const sqlFor = (rows) => `INSERT INTO ${table} VALUES ${Array(rows).fill(row).join(', ')}`
  for (let start = 0; start < count; start += ROWS_PER_INSERT) {
    const rows = Math.min(ROWS_PER_INSERT, count - start)
    const values = []
    for (let i = start; i < start + rows; i++) for (const value of valuesOf(i)) values.push(value)
    db.execute(sqlFor(rows), values)
  }
}

/** `insertRowStatements` in one transaction of its own; returns the ms taken. */
export const insertRows = (db, table, width, count, valuesOf) => {
  const t0 = performance.now()
  db.execute('BEGIN')
  insertRowStatements(db, table, width, count, valuesOf)
  db.execute('COMMIT')
  return performance.now() - t0
}
