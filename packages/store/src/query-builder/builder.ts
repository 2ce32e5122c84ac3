/**
 * The query builder implementation. Immutable: every method returns a new builder with a copied
 * state. Types come from `types.ts` (`QueryBuilder<...>`); at run time the same checks are made so
 * that untyped callers get a clear `QueryBuilderError` instead of broken SQL.
 */
import { describeValue } from '../schema/issues.js'
import type { AnySqliteTableDef } from '../schema/sqlite/table-def.js'
import { compileState } from './compile.js'
import { MissingRequiredColumnError, QueryBuilderError } from './errors.js'
import { type Assignments, type BuilderState, type FirstBehaviour, initialState, isPristine } from './state.js'
import { columnOf, insertColumns, type TableInfo } from './table-info.js'
import { CompileSymbol, QueryBuilderTypeId } from './type-id.js'
import type { CompiledBindValue, CompiledQuery, OrderDirection, TableQueryBuilder } from './types.js'
import { encodeValue } from './values.js'
import { whereFragments } from './where.js'

const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

const checkCount = (table: TableInfo, method: string, n: unknown): number => {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
    throw new QueryBuilderError(table.name, `${method} takes a non-negative integer, got ${describeValue(n)}.`)
  }
  return n
}

/** Which of `count` columns an insert includes, after leaving out column `index`. */
const leaveOut = (included: Array<boolean> | undefined, count: number, index: number): Array<boolean> => {
  const flags = included ?? new Array<boolean>(count).fill(true)
  flags[index] = false
  return flags
}

/** Encodes an insert row, applying defaults to left-out columns. */
const insertAssignments = (table: TableInfo, values: unknown): Assignments => {
  if (!isPlainObject(values)) throw new QueryBuilderError(table.name, `insert takes an object of column values, got ${describeValue(values)}.`)
  for (const key in values) columnOf(table, key)
  const { columnNames } = table
  // Only built when a column is left out: most inserts name or default every column.
  let included: Array<boolean> | undefined
  const bindValues: Array<CompiledBindValue> = []
  for (let index = 0; index < columnNames.length; index++) {
    const name = columnNames[index]!
    const value = values[name]
    const column = table.def.columns[name]!
    if (value !== undefined) {
      bindValues.push(encodeValue(table, name, value, column))
      continue
    }
    const fallback = column.default
    switch (fallback._tag) {
      case 'value':
        bindValues.push(encodeValue(table, name, fallback.value, column))
        break
      case 'thunk':
        // Evaluated per insert (ids, timestamps); materializers should not rely on this for determinism.
        bindValues.push(encodeValue(table, name, fallback.thunk(), column))
        break
      case 'sql':
        // Left out: SQLite evaluates the DDL default.
        included = leaveOut(included, columnNames.length, index)
        break
      case 'none':
        if (column.nullable) {
          bindValues.push(null)
        } else if (!(column.primaryKey && column.sqlType === 'integer')) {
          throw new MissingRequiredColumnError(table.name, name)
        } else {
          included = leaveOut(included, columnNames.length, index)
        }
    }
  }
  return { columns: included === undefined ? columnNames : insertColumns(table, included), bindValues }
}

/** Encodes `SET` values; `undefined` values are left out, as with object spread. */
const setAssignments = (table: TableInfo, method: string, values: unknown): Assignments => {
  if (!isPlainObject(values)) throw new QueryBuilderError(table.name, `${method} takes an object of column values, got ${describeValue(values)}.`)
  // Arrays sized up front (the key list becomes the column list): this runs per event, and an empty
  // array grows to room for 17 elements on its first push.
  const columns = Object.keys(values)
  const bindValues = new Array<CompiledBindValue>(columns.length)
  let count = 0
  for (let index = 0; index < columns.length; index++) {
    const name = columns[index]!
    const column = columnOf(table, name)
    const value = values[name]
    if (value === undefined) continue
    columns[count] = name
    bindValues[count++] = encodeValue(table, name, value, column)
  }
  if (count === 0) throw new QueryBuilderError(table.name, `${method} needs at least one column value to set.`)
  columns.length = count
  bindValues.length = count
  return { columns, bindValues }
}

type MutableState = { -readonly [K in keyof BuilderState]: BuilderState[K] }

/**
 * A copy of `state` for the next builder to change. Spelled out rather than spread: every state then
 * has one shape, and a point query or a materializer's write chains several builders per call. The
 * callers set their fields on the copy, which keeps every access to a state monomorphic (a generic
 * `patch` object of a different shape per method made reading it megamorphic).
 */
const copyState = (state: BuilderState): MutableState => ({
  table: state.table,
  kind: state.kind,
  columns: state.columns,
  pluck: state.pluck,
  where: state.where,
  orderBy: state.orderBy,
  limit: state.limit,
  offset: state.offset,
  first: state.first,
  assignments: state.assignments,
  onConflict: state.onConflict,
  returning: state.returning,
})

/** A query builder. Use through the `QueryBuilder` type; instances come from tables. */
export class QueryBuilderImpl {
  declare readonly [QueryBuilderTypeId]: typeof QueryBuilderTypeId
  // Declared only and set in the constructor: emitted as class fields, they would make every
  // construction run V8's field initializer, and a materializer builds two builders per event.
  /** @internal */
  declare readonly _state: BuilderState
  declare private _compiled: CompiledQuery | undefined

  constructor(state: BuilderState) {
    this._state = state
    this._compiled = undefined
  }

  /** The definition of the table this query reads or writes. */
  get sqliteDef(): AnySqliteTableDef {
    return this._state.table.def
  }

  private fail(detail: string): never {
    throw new QueryBuilderError(this._state.table.name, detail)
  }

  private isRead(): boolean {
    return this._state.kind === 'select' && this._state.first === undefined
  }

  select(...columns: ReadonlyArray<string>): QueryBuilderImpl {
    if (!this.isRead() || this._state.columns !== undefined) this.fail('select() is only available once, on a read query.')
    if (columns.length === 0) this.fail('select() needs at least one column.')
    for (const name of columns) columnOf(this._state.table, name)
    const next = copyState(this._state)
    next.columns = columns
    next.pluck = columns.length === 1
    return new QueryBuilderImpl(next)
  }

  where(...args: ReadonlyArray<unknown>): QueryBuilderImpl {
    const { kind, first } = this._state
    const allowed = (kind === 'select' && first === undefined) || kind === 'count' || kind === 'update' || kind === 'delete'
    if (!allowed) this.fail(`where() is not available after ${kind === 'insert' ? 'insert()' : 'first()'}.`)
    const fragments = whereFragments(this._state.table, args)
    const next = copyState(this._state)
    next.where = next.where.length === 0 ? fragments : next.where.concat(fragments)
    return new QueryBuilderImpl(next)
  }

  orderBy(columnOrSpecs: unknown, direction?: OrderDirection): QueryBuilderImpl {
    if (!this.isRead()) this.fail('orderBy() is only available on read queries.')
    const specs: ReadonlyArray<{ col: unknown; direction?: unknown }> = Array.isArray(columnOrSpecs)
      ? columnOrSpecs
      : [{ col: columnOrSpecs, direction: direction ?? 'asc' }]
    const orderBy = specs.map((spec) => {
      const column = spec.col as string
      columnOf(this._state.table, column)
      const dir = spec.direction ?? 'asc'
      if (dir !== 'asc' && dir !== 'desc') this.fail(`orderBy direction must be 'asc' or 'desc', got ${describeValue(dir)}.`)
      return { column, direction: dir as OrderDirection }
    })
    const next = copyState(this._state)
    next.orderBy = [...next.orderBy, ...orderBy]
    return new QueryBuilderImpl(next)
  }

  limit(n: number): QueryBuilderImpl {
    if (!this.isRead()) this.fail('limit() is only available on read queries.')
    const next = copyState(this._state)
    next.limit = checkCount(next.table, 'limit', n)
    return new QueryBuilderImpl(next)
  }

  offset(n: number): QueryBuilderImpl {
    if (!this.isRead()) this.fail('offset() is only available on read queries.')
    const next = copyState(this._state)
    next.offset = checkCount(next.table, 'offset', n)
    return new QueryBuilderImpl(next)
  }

  count(): QueryBuilderImpl {
    if (!this.isRead() || this._state.columns !== undefined) this.fail('count() is only available on a read query without select().')
    const next = copyState(this._state)
    next.kind = 'count'
    return new QueryBuilderImpl(next)
  }

  first(options?: { behaviour?: string; fallback?: () => unknown }): QueryBuilderImpl {
    if (!this.isRead()) this.fail('first() is only available once, on a read query.')
    let first: FirstBehaviour
    if (options === undefined || options.behaviour === 'undefined') first = { behaviour: 'undefined' }
    else if (options.behaviour === 'error') first = { behaviour: 'error' }
    else if (typeof options.fallback === 'function' && (options.behaviour === undefined || options.behaviour === 'fallback')) {
      first = { behaviour: 'fallback', fallback: options.fallback }
    } else {
      this.fail(`first() takes { behaviour: 'undefined' | 'error' } or { fallback: () => value }, got ${describeValue(options)}.`)
    }
    const next = copyState(this._state)
    next.first = first
    return new QueryBuilderImpl(next)
  }

  insert(values: unknown): QueryBuilderImpl {
    if (!isPristine(this._state)) this.fail('insert() must be called on the table itself (e.g. tables.todos.insert({...})).')
    const next = copyState(this._state)
    next.assignments = insertAssignments(next.table, values)
    next.kind = 'insert'
    return new QueryBuilderImpl(next)
  }

  update(values: unknown): QueryBuilderImpl {
    if (!isPristine(this._state)) this.fail('update() must be called on the table itself, then .where(...).')
    const next = copyState(this._state)
    next.assignments = setAssignments(next.table, 'update', values)
    next.kind = 'update'
    return new QueryBuilderImpl(next)
  }

  delete(): QueryBuilderImpl {
    if (!isPristine(this._state)) this.fail('delete() must be called on the table itself, then .where(...).')
    const next = copyState(this._state)
    next.kind = 'delete'
    return new QueryBuilderImpl(next)
  }

  onConflict(target: unknown, action: unknown, values?: unknown): QueryBuilderImpl {
    const { table } = this._state
    if (this._state.kind !== 'insert' || this._state.onConflict !== undefined) this.fail('onConflict() is only available once, after insert().')
    const columns = (Array.isArray(target) ? target : [target]) as ReadonlyArray<string>
    if (columns.length === 0) this.fail('onConflict() needs at least one target column.')
    for (const name of columns) columnOf(table, name)
    if (action !== 'ignore' && action !== 'replace' && action !== 'update') {
      this.fail(`onConflict action must be 'ignore', 'replace' or 'update', got ${describeValue(action)}.`)
    }
    const assignments = action === 'update' ? setAssignments(table, "onConflict(..., 'update', values)", values) : undefined
    const next = copyState(this._state)
    next.onConflict = { target: columns, action, assignments }
    return new QueryBuilderImpl(next)
  }

  returning(...columns: ReadonlyArray<string>): QueryBuilderImpl {
    const { kind } = this._state
    if ((kind !== 'insert' && kind !== 'update' && kind !== 'delete') || this._state.returning !== undefined) {
      this.fail('returning() is only available once, after insert(), update() or delete().')
    }
    if (columns.length === 0) this.fail('returning() needs at least one column.')
    for (const name of columns) columnOf(this._state.table, name)
    const next = copyState(this._state)
    next.returning = columns
    return new QueryBuilderImpl(next)
  }

  [CompileSymbol](): CompiledQuery {
    return (this._compiled ??= compileState(this._state))
  }

  /** The SQL and its bind values, for debugging. */
  asSql(): { readonly sql: string; readonly bindValues: ReadonlyArray<CompiledBindValue> } {
    const { sql, bindValues } = this[CompileSymbol]()
    return { sql, bindValues }
  }

  /** The SQL with its bind values, for debugging. */
  toString(): string {
    const { sql, bindValues } = this.asSql()
    if (bindValues.length === 0) return sql
    const shown = bindValues.map((value) =>
      typeof value === 'symbol' ? 'SessionIdSymbol' : value instanceof Uint8Array ? `<${value.length} bytes>` : typeof value === 'bigint' ? `${value}n` : JSON.stringify(value),
    )
    return `${sql} -- bindValues: [${shown.join(', ')}]`
  }
}

// On the prototype: a field would be defined on every builder, and a query chains several.
Object.defineProperty(QueryBuilderImpl.prototype, QueryBuilderTypeId, { value: QueryBuilderTypeId })

/** A builder on the whole table, typed from its definition. */
export const makeTableQueryBuilder = <TDef extends AnySqliteTableDef>(table: TableInfo): TableQueryBuilder<TDef> =>
  new QueryBuilderImpl(initialState(table)) as unknown as TableQueryBuilder<TDef>
