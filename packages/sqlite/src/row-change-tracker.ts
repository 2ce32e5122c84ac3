import type { ColumnAssignment, RowChanges, RowChangeTracker, SqliteRow } from '@cairn/store'
import type { PreparedStatement } from './prepare.js'
import type { SqliteRuntime } from './runtime.js'
import { changesRowsUnreported, type TableTraits } from './unreported-changes.js'

const ROWID_NAMES = ['rowid', '_rowid_', 'oid']
const NO_CHANGES: RowChanges = Object.freeze({
  untrackedAll: false,
  untracked: new Set<string>(),
  rowids: new Map<string, ReadonlySet<number>>(),
  assigned: new Map<string, ReadonlyMap<number, ColumnAssignment | null>>(),
})
/** The update hook's operation code of an UPDATE. */
const SQLITE_UPDATE = 23

/**
 * The update hook of one connection, collecting the rowids each table's changed rows had, plus the
 * tables changed in ways the hook does not report (decided per statement before it runs, see
 * `changesRowsUnreported`). The owning connection tells it about statements, schema changes and
 * whole-database operations; closing the connection closes it.
 */
export class WasmRowChangeTracker implements RowChangeTracker {
  readonly #runtime: SqliteRuntime
  readonly #db: number
  readonly #select: (sql: string, bindValues: readonly string[]) => SqliteRow[]
  readonly #callback: number
  /** Table names by the C string pointer the hook passes; valid until the schema changes. */
  readonly #names = new Map<number, string>()
  readonly #traits = new Map<string, TableTraits | undefined>()
  readonly #unreported = new WeakMap<PreparedStatement, boolean>()
  #rowids = new Map<string, Set<number>>()
  #untracked = new Set<string>()
  #untrackedAll = false
  /** Per table, rows whose every change was an expected assignment (merged), or null once one was not. */
  #assigned = new Map<string, Map<number, ColumnAssignment | null>>()
  /** Announced for the next statement, if its SQL is `#expectedSql` (fields rather than an object: one per update). */
  #expectedSql: string | undefined
  #expectedTable = ''
  #expected: ColumnAssignment | undefined
  /** The assignment of the statement running now, when it is what was announced and fully reported, and its table. */
  #running: ColumnAssignment | undefined
  #runningTable = ''

  /** `select` runs a read on the same connection (to learn how its tables are defined). */
  constructor(runtime: SqliteRuntime, db: number, select: (sql: string, bindValues: readonly string[]) => SqliteRow[]) {
    this.#runtime = runtime
    this.#db = db
    this.#select = select
    // (context, operation, database name, table name, rowid). The hook runs once per changed row:
    // the int64 rowid comes as a number (converted in wasm), not as a bigint to allocate and compare.
    this.#callback = runtime.module.installFunction(
      'v(pippj)',
      (_context: number, op: number, _database: number, table: number, rowid: number) => this.#changed(op, table, rowid),
      { int64AsNumber: true },
    )
    runtime.raw.sqlite3_update_hook(db, this.#callback, 0)
  }

  drain(): RowChanges {
    if (!this.#untrackedAll && this.#untracked.size === 0 && this.#rowids.size === 0) return NO_CHANGES
    const changes: RowChanges = { untrackedAll: this.#untrackedAll, untracked: this.#untracked, rowids: this.#rowids, assigned: this.#assigned }
    // Only collections that were used are replaced: a commit that changed one table allocates one map.
    if (this.#rowids.size > 0) this.#rowids = new Map()
    if (this.#untracked.size > 0) this.#untracked = new Set()
    if (this.#assigned.size > 0) this.#assigned = new Map()
    this.#untrackedAll = false
    return changes
  }

  expectAssignment(sql: string, table: string, assignment: ColumnAssignment): void {
    this.#expectedSql = sql
    this.#expectedTable = table
    this.#expected = assignment
  }

  /**
   * Call before running a statement that writes: marks its tables untracked if the hook may miss rows,
   * and takes the assignment announced for it (one announced for other SQL is dropped).
   */
  beforeWrite(statement: PreparedStatement): void {
    let unreported = this.#unreported.get(statement)
    if (unreported === undefined) {
      unreported = changesRowsUnreported(statement, (table) => this.#tableTraits(table))
      this.#unreported.set(statement, unreported)
    }
    if (unreported) for (const table of statement.access.written) this.#untracked.add(table)
    // Where the hook may miss rows (triggers, REPLACE, foreign-key actions...), rows may also hold
    // other values than the assigned ones.
    this.#running = this.#expectedSql === statement.sql && !unreported ? this.#expected : undefined
    this.#runningTable = this.#expectedTable
    this.#expectedSql = undefined
    this.#expected = undefined
  }

  /** Call after a statement that writes ran (or failed). */
  afterWrite(): void {
    this.#running = undefined
  }

  /** Every table may have changed without row reports (changeset, import, schema change). */
  untrackAll(): void {
    this.#untrackedAll = true
  }

  /** The schema changed: table name pointers and definitions may be stale. */
  schemaChanged(): void {
    this.#names.clear()
    this.#traits.clear()
    this.#untrackedAll = true
  }

  close(): void {
    this.#runtime.raw.sqlite3_update_hook(this.#db, 0, 0)
    this.#runtime.module.uninstallFunction(this.#callback)
  }

  #changed(op: number, tablePointer: number, rowid: number): void {
    let table = this.#names.get(tablePointer)
    if (table === undefined) {
      table = this.#runtime.memory.cstringAt(tablePointer)
      this.#names.set(tablePointer, table)
    }
    if (this.#untrackedAll || this.#untracked.has(table)) return
    if (!Number.isSafeInteger(rowid)) {
      // Rowids are numbers everywhere else; a rowid beyond them (rounded on the way here, so never
      // safe) is not worth a second representation.
      this.#untracked.add(table)
      this.#rowids.delete(table)
      return
    }
    let rowids = this.#rowids.get(table)
    if (rowids === undefined) this.#rowids.set(table, (rowids = new Set()))
    const running = this.#running
    if (running !== undefined && op === SQLITE_UPDATE && this.#runningTable === table) {
      let assigned = this.#assigned.get(table)
      if (assigned === undefined) this.#assigned.set(table, (assigned = new Map()))
      const before = assigned.get(rowid)
      // A row changed before in this collection is known only if every change was an assignment.
      if (before === undefined) assigned.set(rowid, rowids.has(rowid) ? null : running)
      else if (before !== null) assigned.set(rowid, mergeAssignments(before, running))
    } else if (this.#assigned.size > 0) {
      const assigned = this.#assigned.get(table)
      if (assigned?.has(rowid) === true) assigned.set(rowid, null)
    }
    rowids.add(rowid)
  }

  #tableTraits(table: string): TableTraits | undefined {
    if (this.#traits.has(table)) return this.#traits.get(table)
    const traits = this.#describe(table)
    this.#traits.set(table, traits)
    return traits
  }

  #describe(table: string): TableTraits | undefined {
    const definition = this.#select("SELECT sql FROM main.sqlite_schema WHERE type = 'table' AND name = ?", [table])[0]?.['sql']
    if (typeof definition !== 'string') return undefined
    const rowidColumns = new Set(ROWID_NAMES)
    for (const column of this.#select('SELECT name FROM pragma_table_info(?) WHERE pk > 0', [table])) {
      rowidColumns.add(String(column['name']).toLowerCase())
    }
    const referenced = this.#select(
      "SELECT 1 FROM main.sqlite_schema AS s, pragma_foreign_key_list(s.name) AS f WHERE s.type = 'table' AND f.\"table\" = ? COLLATE NOCASE LIMIT 1",
      [table],
    )
    return {
      unhooked: /\bwithout\s+rowid\b/i.test(definition) || /^\s*create\s+virtual\b/i.test(definition),
      referenced: referenced.length > 0,
      replaceInSchema: /\breplace\b/i.test(definition),
      rowidColumns,
    }
  }
}

/** `first` then `second`: the later value of a column set twice wins. */
const mergeAssignments = (first: ColumnAssignment, second: ColumnAssignment): ColumnAssignment => {
  const columns = second.columns.slice()
  const values = second.values.slice(0, columns.length)
  for (let index = 0; index < first.columns.length; index++) {
    const column = first.columns[index]!
    if (!columns.includes(column)) {
      columns.push(column)
      values.push(first.values[index]!)
    }
  }
  return { columns, values }
}
