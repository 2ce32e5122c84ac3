/**
 * The SQLite contract the store is written against. `@cairn/sqlite` implements it on
 * `@sqlite.org/sqlite-wasm`; the store itself knows no SQLite build, so platforms can bring their own.
 */

/** A value SQLite can bind: numbers, text, 64-bit integers, blobs and null. */
export type BindValue = string | number | bigint | Uint8Array | null

/**
 * Values for a statement's parameters: a list for `?` placeholders, or a record for named ones
 * (`$name`, `:name`, `@name`; keys may be written with or without the prefix).
 */
export type BindValues = readonly BindValue[] | Readonly<Record<string, BindValue>>

/** A row as SQLite returns it: column name to SQLite value. */
export type SqliteRow = Record<string, BindValue>

/** Records every change made to the database while open, as a changeset (session extension). */
export interface SqliteSession {
  /** The changes recorded so far, in SQLite's changeset format (empty array when nothing changed). */
  changeset(): Uint8Array
  /** Stops recording and frees the session. Idempotent. */
  close(): void
}

/**
 * Rows changed since a `RowChangeTracker` was last drained. `rowids` holds, per table, the rowids of
 * inserted, updated and deleted rows; a table in `untracked` (or every table, with `untrackedAll`)
 * changed in a way SQLite does not report row by row (REPLACE conflict resolution, a rowid changed by
 * an UPDATE, WITHOUT ROWID and virtual tables, triggers, schema changes, changesets, imports).
 */
export interface RowChanges {
  readonly untrackedAll: boolean
  readonly untracked: ReadonlySet<string>
  readonly rowids: ReadonlyMap<string, ReadonlySet<number>>
  /**
   * Per table, what is known of the new values of changed rows (see `RowChangeTracker.expectAssignment`):
   * the columns set and their values when every change of the row was such an assignment, null when
   * it must be read. Rows absent here must be read too.
   */
  readonly assigned?: ReadonlyMap<string, ReadonlyMap<number, ColumnAssignment | null>>
}

/**
 * Columns an UPDATE set to bound values: `values[i]` is the value of `columns[i]` (`values` may go on
 * with the statement's other bound values, which are not part of the assignment).
 */
export interface ColumnAssignment {
  readonly columns: ReadonlyArray<string>
  readonly values: ReadonlyArray<BindValue>
}

/** Collects which rows of which tables statements change (`sqlite3_update_hook`). */
export interface RowChangeTracker {
  /**
   * The changes collected since the last call, which starts a new collection. Read them right away:
   * an empty set or map may be reused by the next collection (each table's set of rowids is not).
   */
  drain(): RowChanges
  /**
   * The next statement, if its SQL is `sql`, is an UPDATE of `table` whose SET clause assigns the
   * bound values of `assignment` and nothing else: the rows it changes then hold those values in
   * those columns, unless the tracker cannot vouch for it (triggers, REPLACE, ... as for rowids).
   * Optional: without it, live queries read every changed row back.
   */
  expectAssignment?(sql: string, table: string, assignment: ColumnAssignment): void
}

/** A synchronous SQLite connection. All methods throw `SqliteError` on failure. */
export interface SqliteDb {
  /** Runs a statement and discards rows it might return; returns the number of rows it changed. */
  execute(sql: string, bindValues?: BindValues): number
  /** Runs a statement and returns its rows as objects keyed by column name. */
  select<T extends SqliteRow = SqliteRow>(sql: string, bindValues?: BindValues): T[]
  /**
   * Runs a statement and returns its rows as arrays of values in column order: for reading many
   * rows, as it builds no object per row.
   */
  selectValues(sql: string, bindValues?: BindValues): BindValue[][]
  /** Tables a statement reads, as SQLite's authorizer reports them while preparing (cached per SQL). */
  tablesRead(sql: string): ReadonlySet<string>
  /** Tables a statement inserts into, updates or deletes from (cached per SQL). */
  tablesWritten(sql: string): ReadonlySet<string>
  /** Starts recording changes to `tables` (default: every table; rowid tables without a primary key included). */
  startSession(tables?: readonly string[]): SqliteSession
  /** The changeset that undoes `changeset`. */
  invertChangeset(changeset: Uint8Array): Uint8Array
  /** Applies a changeset; a conflict aborts the whole application and throws. */
  applyChangeset(changeset: Uint8Array): void
  /**
   * Starts collecting row changes of this connection (one tracker per connection: later calls return
   * the same one; closing the connection ends it). Optional: without it, every write of a table
   * counts as an unknown change of the whole table.
   */
  trackRowChanges?(): RowChangeTracker
  /** The whole database as SQLite file bytes. */
  export(): Uint8Array
  /** Replaces the whole database with SQLite file bytes (as produced by `export`). */
  import(bytes: Uint8Array): void
  /** Closes the connection and finalizes cached statements. Idempotent. */
  close(): void
}

/** Opens databases. An adapter hands one of these to the store. */
export interface SqliteDbFactory {
  /** A new, empty in-memory database. */
  openInMemory(): SqliteDb
  /**
   * Opens (by default creating) the database kept in the file at `path`, for this connection only:
   * while it is open, no other connection (in this or another process) can open the file. Platforms
   * without files (browsers) leave this out and bring their own persistent storage.
   *
   * Throws when the file is held by another connection, is not a database, or when `path` (or, with
   * `create: false`, the file) does not exist. Closing the database releases the file.
   *
   * @param options.create Create the file if it does not exist (default `true`).
   * @param options.synchronous When a commit is made durable: `'full'` (default) syncs the file on
   *   every commit, so a committed transaction survives power loss; `'normal'` syncs less often and
   *   commits faster: a commit survives the process crashing, but may be lost on power loss.
   */
  openFile?(
    path: string,
    options?: { readonly create?: boolean; readonly synchronous?: 'full' | 'normal' },
  ): SqliteDb
}
