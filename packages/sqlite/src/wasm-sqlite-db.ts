import type { BindValue, BindValues, RowChangeTracker, SqliteDb, SqliteDbFactory, SqliteRow, SqliteSession } from '@cairn/store'
import { bindParameters } from './bind.js'
import { applyChangeset, invertChangeset } from './changeset.js'
import { copyDatabase } from './backup.js'
import { exportFromFile } from './export-file.js'
import {
  SQLITE_CANTOPEN,
  SQLITE_DONE,
  SQLITE_MISUSE,
  SQLITE_NOTADB,
  SQLITE_OK,
  SQLITE_OPEN_CREATE,
  SQLITE_OPEN_READWRITE,
  SQLITE_ROW,
} from './constants.js'
import { DatabaseLockedError } from './database-locked-error.js'
import { sqliteFailure } from './failure.js'
import type { FileVfs } from './file-vfs.js'
import { prepareStatement, type PreparedStatement } from './prepare.js'
import { readRow, readValues } from './read-row.js'
import { WasmRowChangeTracker } from './row-change-tracker.js'
import type { SqliteRuntime } from './runtime.js'
import { openOpfsPool, type OpfsPool, type OpfsPoolOptions } from './opfs-pool.js'
import { exportDatabase, importDatabase } from './serialize.js'
import { WasmSqliteSession } from './session.js'
import { SqliteError } from './sqlite-error.js'
import { StatementCache } from './statement-cache.js'

const STATEMENT_CACHE_SIZE = 256

/** Options of `openFile`. */
export interface OpenFileOptions {
  /** Create the file (an empty database) if it does not exist. Default `true`. */
  readonly create?: boolean
  /**
   * `'full'` (default, `PRAGMA synchronous=FULL`): every commit is synced to disk before it returns,
   * so it survives a crash of the process and of the machine. `'normal'`: the write-ahead log is
   * synced only when it is checkpointed, so commits are faster and survive the process crashing, but
   * the last ones may be lost on power loss.
   */
  readonly synchronous?: 'full' | 'normal'
}

/** Opens databases, in memory or (with a file VFS, i.e. in Node) in files, on one wasm module. */
export class WasmSqliteDbFactory implements SqliteDbFactory {
  readonly #runtime: SqliteRuntime
  readonly #installFileVfs: ((runtime: SqliteRuntime) => FileVfs) | undefined

  /** `installFileVfs` provides the VFS of `openFile`; without one, `openFile` throws. */
  constructor(runtime: SqliteRuntime, installFileVfs?: (runtime: SqliteRuntime) => FileVfs) {
    this.#runtime = runtime
    this.#installFileVfs = installFileVfs
  }

  /** A fresh, empty `:memory:` database. */
  openInMemory(): SqliteDb {
    return new WasmSqliteDb(this.#runtime, openMemoryConnection(this.#runtime), undefined)
  }

  /**
   * Takes the OPFS directory `options.directory` for databases in the browser's Origin Private File
   * System (only in a dedicated worker). Rejects with a SqliteError when OPFS is unavailable there
   * or another worker holds the directory.
   */
  openOpfsPool(options: OpfsPoolOptions): Promise<OpfsPool> {
    const runtime = this.#runtime
    return openOpfsPool(runtime.module.glue, (path, vfsName, create) => {
      const vfs: FileVfs = { name: vfsName, resolve: (p) => p, takeOpenFailure: () => undefined }
      const flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0)
      return new WasmSqliteDb(runtime, openConnection(runtime, path, flags, vfs), path)
    }, options)
  }

  /**
   * Opens the database file at `path` (creating it unless `create: false`), for this connection
   * only. It runs in WAL mode with exclusive locking, and a lock file next to it (`<path>.lock`) keeps
   * other processes out until `close()`.
   *
   * Throws a DatabaseLockedError when another connection (in this or another process) has the file
   * open, and a SqliteError when the directory or (with `create: false`) the file does not exist
   * (code SQLITE_CANTOPEN) or the file is not a database (SQLITE_NOTADB, the file is left unchanged).
   */
  openFile(path: string, options?: OpenFileOptions): SqliteDb {
    const runtime = this.#runtime
    if (this.#installFileVfs === undefined) {
      throw new SqliteError({
        problem: 'openFile is not available here: there is no file system VFS outside of Node',
        code: SQLITE_CANTOPEN,
        hint: 'Use openInMemory(), or a SqliteDbFactory made for this platform.',
      })
    }
    const vfs = this.#installFileVfs(runtime)
    const create = options?.create ?? true
    const absolute = vfs.resolve(path, create)
    const flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0)
    const db = new WasmSqliteDb(runtime, openConnection(runtime, absolute, flags, vfs), absolute, vfs)
    try {
      // Exclusive locking first: WAL then keeps its index in heap memory and needs no shared memory
      // (which the VFS does not provide). The journal_mode pragma is the first read of the file.
      db.execute('PRAGMA locking_mode = EXCLUSIVE')
      const mode = db.select<{ journal_mode: string }>('PRAGMA journal_mode = WAL')[0]?.journal_mode
      if (mode !== 'wal') {
        throw new SqliteError({
          problem: `Could not switch the database file ${absolute} to WAL mode (it stayed in ${mode} mode)`,
          code: SQLITE_CANTOPEN,
          hint: 'Check that the file and its directory are writable.',
        })
      }
      db.execute(`PRAGMA synchronous = ${options?.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`)
    } catch (error) {
      db.close()
      throw describeOpenFailure(error, absolute)
    }
    return db
  }
}

/** A new `:memory:` connection. */
function openMemoryConnection(runtime: SqliteRuntime): number {
  return openConnection(runtime, ':memory:', SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, undefined)
}

/** sqlite3_open_v2 with extended result codes on; throws a typed error on failure. */
function openConnection(runtime: SqliteRuntime, filename: string, flags: number, vfs: FileVfs | undefined): number {
  const { memory, raw } = runtime
  const slot = memory.outSlot(0)
  const path = memory.cString(filename)
  const vfsName = vfs === undefined ? 0 : memory.cString(vfs.name)
  let rc: number
  try {
    rc = raw.sqlite3_open_v2(path, slot, flags, vfsName)
  } finally {
    raw.sqlite3_free(path)
    if (vfsName !== 0) raw.sqlite3_free(vfsName)
  }
  const db = memory.int32At(slot)
  if (rc !== SQLITE_OK) {
    const vfsFailure = vfs?.takeOpenFailure(filename)
    const error =
      vfsFailure instanceof DatabaseLockedError
        ? vfsFailure
        : vfs === undefined
          ? sqliteFailure(runtime, db, rc, {
              what: 'Could not open an in-memory database',
              hint: 'SQLite only refuses this when the wasm heap is exhausted; close unused databases.',
            })
          : new SqliteError({
              problem: `Could not open the database file ${filename}: ${describeCause(vfsFailure) ?? memory.cstringAt(raw.sqlite3_errstr(rc))}`,
              code: rc,
              hint: 'Check that the file and its directory exist and are readable and writable by this process.',
            })
    raw.sqlite3_close_v2(db)
    throw error
  }
  raw.sqlite3_extended_result_codes(db, 1)
  return db
}

/** The message of a Node error, if `error` is one. */
function describeCause(error: unknown): string | undefined {
  return error instanceof Error ? error.message : undefined
}

/** Gives the failure of the first statements on a newly opened file a message about the file. */
function describeOpenFailure(error: unknown, path: string): unknown {
  if (!(error instanceof SqliteError)) return error
  if ((error.code & 0xff) === SQLITE_NOTADB) {
    return new SqliteError({
      problem: `The file ${path} is not a SQLite database (or it is encrypted or damaged)`,
      code: error.code,
      hint: 'The file was left unchanged. Pass the path of a SQLite database file, or a path where no file exists yet to create one.',
    })
  }
  return new SqliteError({
    problem: `Could not open the database file ${path}: ${error.message.split('\n')[0]}`,
    code: error.code,
    hint: 'Check that the file and its directory are readable and writable, and that the file is a SQLite database.',
  })
}

/** One sqlite3 connection behind the synchronous SqliteDb contract. */
class WasmSqliteDb implements SqliteDb {
  readonly #runtime: SqliteRuntime
  /** 0 once closed. */
  #db: number
  /** The absolute path of the database file; undefined for an in-memory database. */
  readonly #path: string | undefined
  /** The VFS of the database file; undefined for an in-memory database. */
  readonly #vfs: FileVfs | undefined
  readonly #statements: StatementCache
  readonly #sessions = new Set<WasmSqliteSession>()
  #rowChanges: WasmRowChangeTracker | undefined
  /**
   * Whether the open transaction changed the schema. A rollback then restores the old schema, so
   * cached column names and table sets may be stale again.
   */
  #schemaUncommitted = false

  constructor(runtime: SqliteRuntime, db: number, path: string | undefined, vfs?: FileVfs) {
    this.#runtime = runtime
    this.#db = db
    this.#path = path
    this.#vfs = vfs
    this.#statements = new StatementCache(STATEMENT_CACHE_SIZE, (statement) =>
      runtime.raw.sqlite3_finalize(statement.pointer),
    )
  }

  execute(sql: string, bindValues?: BindValues): number {
    const statement = this.#statement(sql)
    this.#run(statement, bindValues, undefined, readRow)
    return statement.access.changesRows ? this.#runtime.raw.sqlite3_changes(this.#db) : 0
  }

  select<T extends SqliteRow = SqliteRow>(sql: string, bindValues?: BindValues): T[] {
    const rows: SqliteRow[] = []
    this.#run(this.#statement(sql), bindValues, rows, readRow)
    return rows as T[]
  }

  selectValues(sql: string, bindValues?: BindValues): BindValue[][] {
    const rows: BindValue[][] = []
    this.#run(this.#statement(sql), bindValues, rows, readValues)
    return rows
  }

  tablesRead(sql: string): ReadonlySet<string> {
    return this.#statement(sql).access.read
  }

  tablesWritten(sql: string): ReadonlySet<string> {
    return this.#statement(sql).access.written
  }

  startSession(tables?: readonly string[]): SqliteSession {
    const session = new WasmSqliteSession(this.#runtime, this.#open(), (closed) => this.#sessions.delete(closed), tables)
    this.#sessions.add(session)
    return session
  }

  trackRowChanges(): RowChangeTracker {
    this.#rowChanges ??= new WasmRowChangeTracker(this.#runtime, this.#open(), (sql, bindValues) => this.select(sql, bindValues))
    return this.#rowChanges
  }

  invertChangeset(changeset: Uint8Array): Uint8Array {
    this.#open()
    return invertChangeset(this.#runtime, changeset)
  }

  applyChangeset(changeset: Uint8Array): void {
    // Applying a changeset reports its rows only partly (conflict handling, REPLACE); treat it as unknown.
    this.#rowChanges?.untrackAll()
    applyChangeset(this.#runtime, this.#open(), changeset)
  }

  export(): Uint8Array {
    const db = this.#open()
    const readFile = this.#vfs?.readFile
    if (this.#path !== undefined && readFile !== undefined) {
      const bytes = exportFromFile({
        select: (sql) => this.select(sql),
        inTransaction: () => this.#runtime.raw.sqlite3_get_autocommit(db) === 0,
        path: this.#path,
        readFile,
      })
      if (bytes !== undefined) return bytes
    }
    return exportDatabase(this.#runtime, db)
  }

  import(bytes: Uint8Array): void {
    const db = this.#open()
    if (this.#sessions.size > 0) {
      throw new SqliteError({
        problem: `Cannot import while ${this.#sessions.size} session(s) are recording changes`,
        code: SQLITE_MISUSE,
        hint: 'Close every session before importing; a changeset cannot span the replacement of the whole database.',
      })
    }
    // Prepared statements belong to the schema being replaced.
    this.#statements.clear()
    this.#rowChanges?.schemaChanged()
    if (this.#path === undefined) importDatabase(this.#runtime, db, bytes)
    else this.#importIntoFile(db, bytes)
  }

  close(): void {
    if (this.#db === 0) return
    // SQLite requires sessions to be deleted before their connection closes.
    for (const session of this.#sessions) session.close()
    this.#rowChanges?.close()
    this.#rowChanges = undefined
    this.#statements.clear()
    this.#runtime.raw.sqlite3_close_v2(this.#db)
    this.#db = 0
  }

  /**
   * sqlite3_deserialize would swap the file for a memory buffer (later writes would never reach the
   * file), so the bytes are loaded into a scratch in-memory database and copied into the file with
   * the backup API: one write transaction, journaled and synced like any other commit. The file takes
   * the page size of the imported database.
   */
  #importIntoFile(db: number, bytes: Uint8Array): void {
    const runtime = this.#runtime
    if (runtime.raw.sqlite3_get_autocommit(db) === 0) {
      throw new SqliteError({
        problem: `Could not import into the database file ${this.#path}: a transaction is open`,
        code: SQLITE_MISUSE,
        hint: 'Import outside of a transaction. The database was left unchanged.',
      })
    }
    const source = new WasmSqliteDb(runtime, openMemoryConnection(runtime), undefined)
    try {
      source.import(bytes)
      // In WAL mode the backup cannot change the page size, and the imported database may have
      // another one; with a rollback journal it can, and the copy is just as atomic and durable.
      this.execute('PRAGMA journal_mode = DELETE')
      try {
        copyDatabase(runtime, source.#open(), db)
      } finally {
        this.execute('PRAGMA journal_mode = WAL')
      }
    } finally {
      source.close()
    }
  }

  #open(): number {
    if (this.#db === 0) {
      throw new SqliteError({
        problem: 'The database is closed',
        code: SQLITE_MISUSE,
        hint: 'Open the database again (openInMemory() or openFile()); a closed SqliteDb cannot be used again.',
      })
    }
    return this.#db
  }

  #statement(sql: string): PreparedStatement {
    const db = this.#open()
    let statement = this.#statements.get(sql)
    if (statement === undefined) {
      statement = prepareStatement(this.#runtime, db, sql)
      this.#statements.add(statement)
    }
    return statement
  }

  /** Binds, steps to the end (collecting rows read by `read` into `rows`, if given) and always resets. */
  #run<Row>(
    statement: PreparedStatement,
    bindValues: BindValues | undefined,
    rows: Row[] | undefined,
    read: (runtime: SqliteRuntime, statement: PreparedStatement) => Row,
  ): void {
    const runtime = this.#runtime
    const { raw } = runtime
    const db = this.#db
    const pointer = statement.pointer
    let failed = true
    let clearBindings = true
    const rowChanges = statement.access.written.size > 0 ? this.#rowChanges : undefined
    try {
      rowChanges?.beforeWrite(statement)
      clearBindings = bindParameters(runtime, db, statement, bindValues)
      let rc = raw.sqlite3_step(pointer)
      while (rc === SQLITE_ROW) {
        rows?.push(read(runtime, statement))
        rc = raw.sqlite3_step(pointer)
      }
      if (rc !== SQLITE_DONE) {
        throw sqliteFailure(runtime, db, rc, {
          what: 'The statement failed',
          sql: statement.sql,
          hint: 'Check the values bound to it against the schema and its constraints.',
        })
      }
      failed = false
    } finally {
      // A statement left mid-run would keep its read transaction open and make COMMIT fail.
      raw.sqlite3_reset(pointer)
      rowChanges?.afterWrite()
      if (clearBindings && statement.parameterNames.length > 0) raw.sqlite3_clear_bindings(pointer)
      if (statement.access.changesSchema || this.#schemaUncommitted) this.#afterSchemaChange(statement, failed)
    }
  }

  /**
   * Cached statements carry column names and table sets from when they were prepared; SQLite
   * re-prepares them after a schema change, but those would go stale. So any schema change (DDL,
   * or a rollback or failure while a schema change is uncommitted) empties the cache.
   */
  #afterSchemaChange(statement: PreparedStatement, failed: boolean): void {
    if (statement.access.changesSchema || statement.access.rollsBack || failed) {
      this.#statements.clear()
      this.#rowChanges?.schemaChanged()
    }
    this.#schemaUncommitted = this.#runtime.raw.sqlite3_get_autocommit(this.#db) === 0
  }
}
