/**
 * Compiling builder state to `{ sql, bindValues, kind, tableName, decode }`. Values are always bound
 * (`?`), identifiers always quoted. Column lists and row decoders are cached per table and shape.
 */
import { ColumnDecodeError } from '../schema/errors.js'
import { ColumnCodecIssue } from '../schema/sqlite/column-codecs.js'
import type { AnyColumn } from '../schema/sqlite/column-def.js'
import type { SqliteRow } from '../sqlite/sqlite-db.js'
import { BoundedMap } from '../utils/bounded-map.js'
import { QueryBuilderError, RowNotFoundError } from './errors.js'
import type { Assignments, BuilderState, OnConflictState } from './state.js'
import { cached, columnOf, MAX_SHAPES, quotedColumn, type TableInfo } from './table-info.js'
import { CompileSymbol, QueryBuilderTypeId } from './type-id.js'
import type { CompiledBindValue, CompiledQuery, QueryBuilder, RowInsert } from './types.js'

type RowDecoder = (row: SqliteRow) => Record<string, unknown>

/**
 * The cache key of a column list. Most queries select every column (`table.columnNames` itself), so
 * that case skips building a key from the names, which is a measurable part of compiling a point query.
 */
const shapeKey = (kind: string, table: TableInfo, columns: ReadonlyArray<string>): string =>
  columns === table.columnNames ? `${kind}*` : `${kind}:${columns.join('\u0000')}`

/** `"a", "b"` for the given columns, cached. */
export const columnList = (table: TableInfo, columns: ReadonlyArray<string>): string =>
  cached(table, shapeKey('list', table, columns), () => columns.map((name) => quotedColumn(table, name)).join(', '))

/** A decoder of rows with the given columns, cached. */
const rowDecoder = (table: TableInfo, columns: ReadonlyArray<string>): RowDecoder =>
  cached(table, shapeKey('row', table, columns), () => {
    const defs = columns.map((name) => columnOf(table, name))
    // Runs per row read: an indexed loop, which allocates nothing before V8 optimizes it.
    return (row: SqliteRow) => {
      const decoded: Record<string, unknown> = {}
      for (let index = 0; index < columns.length; index++) {
        const name = columns[index]!
        decoded[name] = decodeColumn(table, name, defs[index]!, row[name] ?? null)
      }
      return decoded
    }
  })

export const decodeColumn = (table: TableInfo, name: string, column: AnyColumn, value: SqliteRow[string]): unknown => {
  try {
    return column.decode(value)
  } catch (error) {
    if (error instanceof ColumnCodecIssue) throw new ColumnDecodeError(table.name, name, error.detail, { cause: error })
    throw error
  }
}

/** Appends `values` to `target`: an indexed loop, as everything compiling runs per event (see rowDecoder). */
const pushAll = (target: Array<CompiledBindValue>, values: ReadonlyArray<CompiledBindValue>): void => {
  for (let index = 0; index < values.length; index++) target.push(values[index]!)
}

/** Copies `values` into `target` from index `at`; returns the index after them. */
const copyInto = (target: Array<CompiledBindValue>, at: number, values: ReadonlyArray<CompiledBindValue>): number => {
  for (let index = 0; index < values.length; index++) target[at + index] = values[index]!
  return at + values.length
}

const NO_VALUES: ReadonlyArray<CompiledBindValue> = []

/** ` WHERE a AND b` (or nothing), pushing the conditions' bind values. */
export const appendWhere = (state: BuilderState, bindValues: Array<CompiledBindValue>): string => {
  if (state.where.length === 0) return ''
  let sql = ' WHERE '
  for (let i = 0; i < state.where.length; i++) {
    const fragment = state.where[i]!
    sql += i === 0 ? fragment.sql : ` AND ${fragment.sql}`
    pushAll(bindValues, fragment.bindValues)
  }
  return sql
}

const appendOrderBy = (state: BuilderState): string =>
  state.orderBy.length === 0
    ? ''
    : ` ORDER BY ${state.orderBy.map((o) => `${quotedColumn(state.table, o.column)} ${o.direction === 'desc' ? 'DESC' : 'ASC'}`).join(', ')}`

/** LIMIT/OFFSET, bound. SQLite needs a LIMIT before OFFSET: `LIMIT -1` means no limit. */
export const appendLimit = (limit: number | undefined, offset: number | undefined, bindValues: Array<CompiledBindValue>): string => {
  if (limit === undefined && offset === undefined) return ''
  bindValues.push(limit ?? -1)
  if (offset === undefined) return ' LIMIT ?'
  bindValues.push(offset)
  return ' LIMIT ? OFFSET ?'
}

const appendReturning = (state: BuilderState): string =>
  state.returning === undefined ? '' : ` RETURNING ${columnList(state.table, state.returning)}`

/** Decodes one row of a select: the row object, or the value of a plucked column (`select('col')`). */
export const selectedRowDecoder = (state: BuilderState): ((row: SqliteRow) => unknown) => {
  const { table } = state
  const columns = state.columns ?? table.columnNames
  const decodeRow = rowDecoder(table, columns)
  const pluckColumn = state.pluck ? columns[0] : undefined
  return pluckColumn === undefined
    ? decodeRow
    : (row: SqliteRow): unknown => decodeColumn(table, pluckColumn, columnOf(table, pluckColumn), row[pluckColumn] ?? null)
}

/**
 * The SQL of a select, cached per table by its shape (columns, conditions, order, which of LIMIT and
 * OFFSET it binds): a point query built per call then yields the same string each time, which the
 * store's keys and caches look up without hashing it again.
 */
const selectSql = (state: BuilderState, limit: number | undefined): string => {
  const { table } = state
  let key = state.columns === undefined ? 'select*' : `select:${state.columns.join('\u0000')}`
  for (let i = 0; i < state.where.length; i++) key += `\u0001${state.where[i]!.sql}`
  for (let i = 0; i < state.orderBy.length; i++) key += `\u0002${state.orderBy[i]!.column}\u0000${state.orderBy[i]!.direction}`
  if (limit !== undefined || state.offset !== undefined) key += state.offset === undefined ? '\u0003limit' : '\u0003offset'
  return cached(table, key, () => {
    const columns = state.columns ?? table.columnNames
    return `SELECT ${columnList(table, columns)} FROM ${table.quotedName}${appendWhere(state, [])}${appendOrderBy(state)}${appendLimit(limit, state.offset, [])}`
  })
}

/** The bind values of a select's conditions, LIMIT and OFFSET, in the order of its SQL. */
const selectBindValues = (state: BuilderState, limit: number | undefined): Array<CompiledBindValue> => {
  const bindValues: Array<CompiledBindValue> = []
  for (let i = 0; i < state.where.length; i++) pushAll(bindValues, state.where[i]!.bindValues)
  appendLimit(limit, state.offset, bindValues)
  return bindValues
}

const compileSelect = (state: BuilderState): CompiledQuery => {
  const { table } = state
  const limit = state.first === undefined ? state.limit : Math.min(state.limit ?? 1, 1)
  const sql = selectSql(state, limit)
  const bindValues = selectBindValues(state, limit)

  const decodeOne = selectedRowDecoder(state)
  const first = state.first
  let decode: (rows: ReadonlyArray<SqliteRow>) => unknown
  if (first === undefined) {
    decode = (rows) => rows.map(decodeOne)
  } else {
    decode = (rows) => {
      const row = rows[0]
      if (row !== undefined) return decodeOne(row)
      if (first.behaviour === 'error') throw new RowNotFoundError(table.name, sql)
      return first.behaviour === 'fallback' ? first.fallback() : undefined
    }
  }
  return { sql, bindValues, kind: 'read', tableName: table.name, returnsRows: true, decode, rowInsert: undefined, assigned: undefined }
}

const compileCount = (state: BuilderState): CompiledQuery => {
  const { table } = state
  const bindValues: Array<CompiledBindValue> = []
  const where = appendWhere(state, bindValues)
  let sql: string
  if (state.limit === undefined && state.offset === undefined) {
    sql = `SELECT COUNT(*) AS "count" FROM ${table.quotedName}${where}`
  } else {
    // Counting a window of rows needs the window as a subquery.
    const limit = appendLimit(state.limit, state.offset, bindValues)
    sql = `SELECT COUNT(*) AS "count" FROM (SELECT 1 FROM ${table.quotedName}${where}${appendOrderBy(state)}${limit})`
  }
  const decode = (rows: ReadonlyArray<SqliteRow>): number => Number(rows[0]?.['count'] ?? 0)
  return { sql, bindValues, kind: 'read', tableName: table.name, returnsRows: true, decode, rowInsert: undefined, assigned: undefined }
}

const assignmentList = (table: TableInfo, assignments: Assignments, bindValues: Array<CompiledBindValue>): string => {
  for (const value of assignments.bindValues) bindValues.push(value)
  return assignments.columns.map((name) => `${quotedColumn(table, name)} = ?`).join(', ')
}

const compileOnConflict = (state: BuilderState, inserted: ReadonlyArray<string>, bindValues: Array<CompiledBindValue>): string => {
  const conflict = state.onConflict
  if (conflict === undefined) return ''
  const { table } = state
  const target = ` ON CONFLICT (${columnList(table, conflict.target)})`
  if (conflict.action === 'ignore') return `${target} DO NOTHING`
  if (conflict.action === 'update') return `${target} DO UPDATE SET ${assignmentList(table, conflict.assignments!, bindValues)}`
  // 'replace': overwrite the existing row's columns with the new row's values (`excluded`).
  const updated = inserted.filter((name) => !conflict.target.includes(name))
  if (updated.length === 0) return `${target} DO NOTHING`
  return `${target} DO UPDATE SET ${updated.map((name) => `${quotedColumn(table, name)} = excluded.${quotedColumn(table, name)}`).join(', ')}`
}

const noResult = (): undefined => undefined

/** An insert's SQL and, when it binds only its row, its shape for multi-row statements. */
interface InsertStatement {
  readonly sql: string
  readonly rowInsert: RowInsert | undefined
}

/**
 * Insert statements by column list (the canonical arrays of `insertColumns`) and conflict clause,
 * so a materializer inserting one row per event does not rebuild the same SQL per event.
 */
const insertStatements = new WeakMap<ReadonlyArray<string>, Map<string, InsertStatement>>()

const conflictKey = (conflict: OnConflictState | undefined): string =>
  conflict === undefined
    ? ''
    : `${conflict.action}\u0001${conflict.target.join('\u0000')}\u0001${conflict.assignments?.columns.join('\u0000') ?? ''}`

const insertStatement = (state: BuilderState): InsertStatement => {
  const { table, onConflict } = state
  const columns = state.assignments!.columns
  let byConflict = insertStatements.get(columns)
  if (byConflict === undefined) {
    byConflict = new Map()
    insertStatements.set(columns, byConflict)
  }
  const key = conflictKey(onConflict)
  let statement = byConflict.get(key)
  if (statement === undefined) {
    // The clause's own bind values are collected again per compile; here only its text matters.
    const tail = compileOnConflict(state, columns, [])
    if (columns.length === 0) {
      statement = { sql: `INSERT INTO ${table.quotedName} DEFAULT VALUES${tail}`, rowInsert: undefined }
    } else {
      const head = `INSERT INTO ${table.quotedName} (${columnList(table, columns)}) VALUES `
      const row = `(${columns.map(() => '?').join(', ')})`
      const sql = head + row + tail
      // ON CONFLICT DO UPDATE SET col = ? binds the clause's values once per statement, not per row.
      const rowInsert = onConflict?.action === 'update' ? undefined : { sql, head, row, tail, width: columns.length }
      statement = { sql, rowInsert }
    }
    byConflict.set(key, statement)
  }
  return statement
}

/** A cache key of a list of strings, without joining the common single one. */
const listKey = (items: ReadonlyArray<string>): string => (items.length === 1 ? items[0]! : items.join('\u0000'))

/**
 * The SQL of an update or delete (without RETURNING), cached per table by assigned columns and
 * conditions, so that a materializer updating one row per event does not rebuild it per event, and
 * the statement cache finds the same string again.
 */
const updateOrDeleteSql = (state: BuilderState): string => {
  const { table, kind } = state
  // Keyed by strings that already exist (column names, the conditions' cached SQL): nothing is
  // built or hashed per call in the common one-column, one-condition update.
  const assignmentsKey = kind === 'update' ? listKey(state.assignments!.columns) : ''
  const whereKey = state.where.length === 0 ? '' : state.where.length === 1 ? state.where[0]!.sql : listKey(state.where.map((fragment) => fragment.sql))
  const byKind = kind === 'update' ? table.updateSql : table.deleteSql
  let byWhere = byKind.get(assignmentsKey)
  if (byWhere === undefined) byKind.set(assignmentsKey, (byWhere = new BoundedMap(MAX_SHAPES)))
  let sql = byWhere.get(whereKey)
  if (sql === undefined) {
    const head =
      kind === 'update' ? `UPDATE ${table.quotedName} SET ${assignmentList(table, state.assignments!, [])}` : `DELETE FROM ${table.quotedName}`
    sql = head + appendWhere(state, [])
    byWhere.set(whereKey, sql)
  }
  return sql
}

const compileWrite = (state: BuilderState): CompiledQuery => {
  const { table } = state
  let bindValues: Array<CompiledBindValue>
  let sql: string
  let rowInsert: RowInsert | undefined
  if (state.kind === 'insert') {
    const assignments = state.assignments!
    // The common insert binds exactly its row values: share the (immutable) array instead of copying.
    if (state.onConflict?.action === 'update') {
      bindValues = []
      pushAll(bindValues, assignments.bindValues)
      pushAll(bindValues, state.onConflict.assignments!.bindValues)
    } else {
      bindValues = assignments.bindValues as Array<CompiledBindValue>
    }
    const statement = insertStatement(state)
    sql = statement.sql
    if (state.returning === undefined) rowInsert = statement.rowInsert
  } else {
    // Sized up front: this runs per event a materializer writes.
    const assigned = state.kind === 'update' ? state.assignments!.bindValues : NO_VALUES
    let count = assigned.length
    for (let index = 0; index < state.where.length; index++) count += state.where[index]!.bindValues.length
    bindValues = new Array<CompiledBindValue>(count)
    let at = copyInto(bindValues, 0, assigned)
    for (let index = 0; index < state.where.length; index++) at = copyInto(bindValues, at, state.where[index]!.bindValues)
    sql = updateOrDeleteSql(state)
  }
  if (state.returning !== undefined) sql += appendReturning(state)
  const returning = state.returning
  const decode =
    returning === undefined
      ? noResult
      : (() => {
          const decodeRow = rowDecoder(table, returning)
          return (rows: ReadonlyArray<SqliteRow>) => rows.map(decodeRow)
        })()
  // Every compiled query has one shape: the write queue reads them all in the same place.
  const assigned = state.kind === 'update' ? state.assignments!.columns : undefined
  return { sql, bindValues, kind: 'write', tableName: table.name, returnsRows: returning !== undefined, decode, rowInsert, assigned }
}

/** Compiles builder state. */
export const compileState = (state: BuilderState): CompiledQuery =>
  state.kind === 'select' ? compileSelect(state) : state.kind === 'count' ? compileCount(state) : compileWrite(state)

/** Whether `value` is a query builder (a table, `table.query`, or anything chained from them). */
export const isQueryBuilder = (value: unknown): value is QueryBuilder<unknown> =>
  typeof value === 'object' && value !== null && (value as { [QueryBuilderTypeId]?: unknown })[QueryBuilderTypeId] === QueryBuilderTypeId

/**
 * Compiles a query builder to SQL, bind values and a decoder of its rows. Cached per builder.
 * `bindValues` may contain `SessionIdSymbol`: the caller replaces it with the session id.
 */
export const compileQuery = <TResult>(builder: QueryBuilder<TResult>): CompiledQuery<TResult> => {
  if (!isQueryBuilder(builder)) throw new QueryBuilderError('?', 'compileQuery expects a query builder (e.g. tables.todos.where({...})).')
  return builder[CompileSymbol]()
}
