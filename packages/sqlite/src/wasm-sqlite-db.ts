import type { BindValues, SqliteDb, SqliteDbFactory, SqliteRow, SqliteSession } from '@cairn/store'
import { bindParameters } from './bind.js'
import { applyChangeset, invertChangeset } from './changeset.js'
import { SQLITE_DONE, SQLITE_MISUSE, SQLITE_OK, SQLITE_ROW } from './constants.js'
import { sqliteFailure } from './failure.js'
import { prepareStatement, type PreparedStatement } from './prepare.js'
import { readRow } from './read-row.js'
import type { SqliteRuntime } from './runtime.js'
import { exportDatabase, importDatabase } from './serialize.js'
import { WasmSqliteSession } from './session.js'
import { SqliteError } from './sqlite-error.js'
import { StatementCache } from './statement-cache.js'

const STATEMENT_CACHE_SIZE = 256

/** Opens in-memory databases on one initialised wasm module. */
export class WasmSqliteDbFactory implements SqliteDbFactory {
  readonly #runtime: SqliteRuntime

  constructor(runtime: SqliteRuntime) {
    this.#runtime = runtime
  }

  /** A fresh, empty `:memory:` database. */
  openInMemory(): SqliteDb {
    const runtime = this.#runtime
    const { capi, memory, raw } = runtime
    const slot = memory.outSlot(0)
    const rc = capi.sqlite3_open_v2(':memory:', slot, capi.SQLITE_OPEN_READWRITE | capi.SQLITE_OPEN_CREATE, 0)
    const db = memory.int32At(slot)
    if (rc !== SQLITE_OK) {
      const error = sqliteFailure(runtime, db, rc, {
        what: 'Could not open an in-memory database',
        hint: 'SQLite only refuses this when the wasm heap is exhausted; close unused databases.',
      })
      raw.sqlite3_close_v2(db)
      throw error
    }
    raw.sqlite3_extended_result_codes(db, 1)
    return new WasmSqliteDb(runtime, db)
  }
}

/** One sqlite3 connection behind the synchronous SqliteDb contract. */
class WasmSqliteDb implements SqliteDb {
  readonly #runtime: SqliteRuntime
  /** 0 once closed. */
  #db: number
  readonly #statements: StatementCache
  readonly #sessions = new Set<WasmSqliteSession>()
  /**
   * Whether the open transaction changed the schema. A rollback then restores the old schema, so
   * cached column names and table sets may be stale again.
   */
  #schemaUncommitted = false

  constructor(runtime: SqliteRuntime, db: number) {
    this.#runtime = runtime
    this.#db = db
    this.#statements = new StatementCache(STATEMENT_CACHE_SIZE, (statement) =>
      runtime.raw.sqlite3_finalize(statement.pointer),
    )
  }

  execute(sql: string, bindValues?: BindValues): number {
    const statement = this.#statement(sql)
    this.#run(statement, bindValues, undefined)
    return statement.access.changesRows ? this.#runtime.raw.sqlite3_changes(this.#db) : 0
  }

  select<T extends SqliteRow = SqliteRow>(sql: string, bindValues?: BindValues): T[] {
    const rows: SqliteRow[] = []
    this.#run(this.#statement(sql), bindValues, rows)
    return rows as T[]
  }

  tablesRead(sql: string): ReadonlySet<string> {
    return this.#statement(sql).access.read
  }

  tablesWritten(sql: string): ReadonlySet<string> {
    return this.#statement(sql).access.written
  }

  startSession(): SqliteSession {
    const session = new WasmSqliteSession(this.#runtime, this.#open(), (closed) => this.#sessions.delete(closed))
    this.#sessions.add(session)
    return session
  }

  invertChangeset(changeset: Uint8Array): Uint8Array {
    this.#open()
    return invertChangeset(this.#runtime, changeset)
  }

  applyChangeset(changeset: Uint8Array): void {
    applyChangeset(this.#runtime, this.#open(), changeset)
  }

  export(): Uint8Array {
    return exportDatabase(this.#runtime, this.#open())
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
    importDatabase(this.#runtime, db, bytes)
  }

  close(): void {
    if (this.#db === 0) return
    // SQLite requires sessions to be deleted before their connection closes.
    for (const session of this.#sessions) session.close()
    this.#statements.clear()
    this.#runtime.raw.sqlite3_close_v2(this.#db)
    this.#db = 0
  }

  #open(): number {
    if (this.#db === 0) {
      throw new SqliteError({
        problem: 'The database is closed',
        code: SQLITE_MISUSE,
        hint: 'Open a new database with openInMemory(); a closed SqliteDb cannot be used again.',
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

  /** Binds, steps to the end (collecting rows into `rows` if given) and always resets. */
  #run(statement: PreparedStatement, bindValues: BindValues | undefined, rows: SqliteRow[] | undefined): void {
    const runtime = this.#runtime
    const { raw } = runtime
    const db = this.#db
    const pointer = statement.pointer
    let failed = true
    let clearBindings = true
    try {
      clearBindings = bindParameters(runtime, db, statement, bindValues)
      let rc = raw.sqlite3_step(pointer)
      while (rc === SQLITE_ROW) {
        rows?.push(readRow(runtime, pointer, statement.columnNames))
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
    if (statement.access.changesSchema || statement.access.rollsBack || failed) this.#statements.clear()
    this.#schemaUncommitted = this.#runtime.raw.sqlite3_get_autocommit(this.#db) === 0
  }
}
