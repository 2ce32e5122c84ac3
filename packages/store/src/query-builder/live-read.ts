/**
 * How the store runs builder reads. Rows of a select come in a total order: the query's ORDER BY
 * terms, then the rowid (alone when the query has no ORDER BY), so equal sort keys and unordered
 * queries give the same order on every run, and a live query can patch its result instead of
 * re-reading it (see `live-queries/incremental-query.ts`). The builder's own SQL (`compileQuery`,
 * `toString`) stays as written; only what the store executes carries the tie-break.
 */
import { appendLimit, appendWhere, columnList, compileQuery, decodeColumn, selectedRowDecoder } from './compile.js'
import { QueryBuilderImpl } from './builder.js'
import type { BuilderState } from './state.js'
import { cached, columnOf, quotedColumn, type TableInfo } from './table-info.js'
import type { BindValue, ColumnAssignment, SqliteRow } from '../sqlite/sqlite-db.js'
import type { CompiledBindValue, QueryBuilder } from './types.js'

/** The column holding each row's rowid in the store's reads of a select. */
export const ROWID_COLUMN = '__cairn_rowid'
const HIDDEN_PREFIX = '__cairn_'
/** The column holding the raw value of the query's `index`-th ORDER BY term. */
export const sortKeyColumn = (index: number): string => `${HIDDEN_PREFIX}key${index}`

/** The most rowids one patch statement reads. */
export const MAX_PATCH_ROWIDS = 64
/** Rowids bound by one patch statement; sizes are rounded up to these so few statements are prepared. */
const PATCH_SIZES: ReadonlyArray<number> = [1, 8, MAX_PATCH_ROWIDS]

/** What the store executes for a builder read. */
export interface StoreRead {
  readonly sql: string
  readonly bindValues: ReadonlyArray<CompiledBindValue>
  /** Rows of `sql` → the query's result (hidden columns are ignored). */
  readonly decode: (rows: ReadonlyArray<SqliteRow>) => unknown
  /**
   * What tells results of equal SQL and bind values apart (`first()` and `limit(1)` share both):
   * undefined when nothing can, because `first()` has a fallback function.
   */
  readonly resultShape: string | undefined
}

/**
 * A read a live query can patch with the rows changed since it last ran. Its rows carry the rowid
 * (in `rowidColumn`) and, for selects, the raw sort keys (in `keyColumns`).
 */
export interface IncrementalRead {
  readonly table: string
  readonly kind: 'count' | 'rows'
  /** The column of its rows holding the rowid: the table's INTEGER PRIMARY KEY when selected, else `ROWID_COLUMN`. */
  readonly rowidColumn: string
  /** Per ORDER BY term, the column of its rows holding the raw sort key: the ordered column when selected. */
  readonly keyColumns: ReadonlyArray<string>
  /** Reads the whole result: a count reads the matching rowids; a select, its rows in order. */
  readonly sql: string
  readonly bindValues: ReadonlyArray<CompiledBindValue>
  /**
   * `sql` restricted to rowids bound after `whereBindValues`, without order or limit: for `size`
   * rowids, a statement taking `rowids` of them (at least `size`; pad with null, which matches no row).
   */
  patchStatement(size: number): { readonly sql: string; readonly rowids: number }
  /** `sql` restricted to the rowids from one bound value to another (`rowid BETWEEN ? AND ?`), bound after `whereBindValues`. */
  readonly patchRangeStatement: string
  readonly whereBindValues: ReadonlyArray<CompiledBindValue>
  /** Per ORDER BY term: 1 ascending, -1 descending. The rowid, ascending, breaks ties. */
  readonly directions: ReadonlyArray<1 | -1>
  /** The most rows the result holds (`limit`, 1 for `first()`), undefined when unbounded. */
  readonly limit: number | undefined
  /** Decodes one row into its element of the result. */
  readonly decodeRow: (row: SqliteRow) => unknown
  /** The columns that decide whether a row is in the result and where: those of its WHERE and ORDER BY. */
  readonly conditionColumns: ReadonlySet<string>
  /**
   * A row's element of the result after `assignment` set some of its columns, from its element
   * before (the assignment sets none of `conditionColumns`); `UNKNOWN_ELEMENT` when only reading the
   * row can tell.
   */
  readonly assign: (element: unknown, assignment: ColumnAssignment) => unknown
  /** The result from the decoded rows, in order (an array, or `first()`'s row / fallback / error). */
  readonly finish: (values: ReadonlyArray<unknown>) => unknown
}

/** What `IncrementalRead.assign` answers when it cannot tell an element without reading its row. */
export const UNKNOWN_ELEMENT: unique symbol = Symbol('cairn/UnknownElement')

const stateOf = (builder: QueryBuilder<unknown>): BuilderState | undefined =>
  builder instanceof QueryBuilderImpl ? builder._state : undefined

/** The number of LIMIT / OFFSET values a select binds after its conditions'. */
const boundWindowValues = (state: BuilderState, limit: number | undefined): number =>
  limit === undefined && state.offset === undefined ? 0 : state.offset === undefined ? 1 : 2

const windowLimit = (state: BuilderState): number | undefined =>
  state.first === undefined ? state.limit : Math.min(state.limit ?? 1, 1)

/**
 * The store's read of a builder query. Runs on every `store.query`, so it only joins cached
 * fragments: a select gets the hidden columns and the rowid tie-break; anything else runs as compiled.
 */
export const storeRead = (builder: QueryBuilder<unknown>): StoreRead => {
  const compiled = compileQuery(builder)
  const state = stateOf(builder)
  const first = state?.first
  const resultShape = first === undefined ? '' : first.behaviour === 'fallback' ? undefined : first.behaviour === 'error' ? 'first:error' : 'first:undefined'
  const rowid = state === undefined ? undefined : rowidName(state.table)
  let sql = compiled.sql
  if (state?.kind === 'select' && rowid !== undefined) {
    // Keyed by the builder's SQL (cached per shape, so usually the same string): the store's SQL follows from it.
    const known = state.table.storeReads.get(compiled.sql)
    if (known === undefined) {
      const { head, order } = selectFragments(state, rowid)
      sql = head + appendWhere(state, []) + order + appendLimit(windowLimit(state), state.offset, [])
      state.table.storeReads.set(compiled.sql, sql)
    } else {
      sql = known
    }
  }
  return { sql, bindValues: compiled.bindValues, decode: compiled.decode, resultShape }
}

/**
 * How a live query can patch the result of `builder`, or undefined when it cannot: not a single
 * rowid table's select or count, a select with an offset or `limit(0)`, a count of a window.
 */
export const incrementalRead = (builder: QueryBuilder<unknown>): IncrementalRead | undefined => {
  const state = stateOf(builder)
  const rowid = state === undefined ? undefined : rowidName(state.table)
  if (state === undefined || rowid === undefined) return undefined
  const compiled = compileQuery(builder)
  const { table } = state
  if (state.kind === 'count') {
    if (state.limit !== undefined || state.offset !== undefined) return undefined
    const head = `SELECT ${rowid} AS "${ROWID_COLUMN}" FROM ${table.quotedName}`
    return {
      table: table.name,
      kind: 'count',
      rowidColumn: ROWID_COLUMN,
      keyColumns: [],
      sql: head + appendWhere(state, []),
      bindValues: compiled.bindValues,
      ...patchReads(state, rowid, head),
      whereBindValues: compiled.bindValues,
      directions: [],
      limit: undefined,
      decodeRow: countsOnly,
      conditionColumns: conditionColumns(state),
      assign: countsOnly,
      finish: (values) => values.length,
    }
  }
  const limit = windowLimit(state)
  if (state.kind !== 'select' || state.offset !== undefined || limit === 0) return undefined
  const { head, rowidColumn, keyColumns } = selectFragments(state, rowid)
  const decode = compiled.decode
  const terms = orderingTerms(state)
  return {
    table: table.name,
    kind: 'rows',
    rowidColumn,
    keyColumns: keyColumns.slice(0, terms),
    sql: storeRead(builder).sql,
    // The window's values are bound last, after the conditions', as in the builder's SQL.
    bindValues: compiled.bindValues,
    ...patchReads(state, rowid, head),
    whereBindValues: compiled.bindValues.slice(0, compiled.bindValues.length - boundWindowValues(state, limit)),
    directions: state.orderBy.slice(0, terms).map((term) => (term.direction === 'desc' ? -1 : 1)),
    limit,
    decodeRow: selectedRowDecoder(state),
    conditionColumns: conditionColumns(state),
    assign: assigner(state),
    finish: state.first === undefined ? (values) => values : (values) => (values.length > 0 ? values[0] : decode([])),
  }
}

interface SelectFragments {
  /** `SELECT <rowid>, <columns>, <sort keys> FROM t`, with the hidden columns the selected ones do not already hold. */
  readonly head: string
  /** ` ORDER BY <terms>, rowid`. */
  readonly order: string
  readonly rowidColumn: string
  readonly keyColumns: ReadonlyArray<string>
}

/**
 * The fragments of a select, cached per table by selected columns and ORDER BY terms. A selected
 * column already holds the raw value of an ORDER BY term on it, and a selected INTEGER PRIMARY KEY
 * holds the rowid: those are not read twice (every column read is a few calls into wasm per row).
 */
const selectFragments = (state: BuilderState, rowid: string): SelectFragments => {
  const { table } = state
  const terms = state.orderBy.map((term) => `${term.column}\u0000${term.direction}`).join('\u0001')
  return cached(table, `live:${state.columns?.join('\u0000') ?? '*'}\u0002${terms}`, () => {
    const columns = state.columns ?? table.columnNames
    const alias = rowidAlias(table)
    const rowidColumn = alias !== undefined && columns.includes(alias) ? alias : ROWID_COLUMN
    const hidden = rowidColumn === ROWID_COLUMN ? [`${rowid} AS "${ROWID_COLUMN}"`] : []
    const keyColumns = state.orderBy.map((term, index) => {
      if (columns.includes(term.column)) return term.column
      hidden.push(`${quotedColumn(table, term.column)} AS "${sortKeyColumn(index)}"`)
      return sortKeyColumn(index)
    })
    const head = `SELECT ${[...hidden, columnList(table, columns)].join(', ')} FROM ${table.quotedName}`
    const order = [...state.orderBy.map((term) => `${quotedColumn(table, term.column)} ${term.direction === 'desc' ? 'DESC' : 'ASC'}`), rowid]
    return { head, order: ` ORDER BY ${order.join(', ')}`, rowidColumn, keyColumns }
  })
}

/**
 * The table's column that is an alias of the rowid, if any: a single-column primary key of type
 * INTEGER, which is how the table's DDL (`schema/sqlite/ddl.ts`) declares it (never DESC, never
 * WITHOUT ROWID), so SQLite stores it as the rowid itself (https://sqlite.org/lang_createtable.html#rowid).
 */
const rowidAlias = (table: TableInfo): string | undefined => {
  const { primaryKey, columns } = table.def
  const key = primaryKey.length === 1 ? primaryKey[0]! : undefined
  return key !== undefined && columns[key]?.sqlType === 'integer' ? key : undefined
}

const countsOnly = (): undefined => undefined

/**
 * How many leading ORDER BY terms decide the order, the rowid breaking ties after them: none after
 * one on the rowid alias, which is unique, and not that one either when ascending, as the tie-break
 * is. `orderBy('id')` on an INTEGER PRIMARY KEY then keeps no sort keys per row.
 */
const orderingTerms = (state: BuilderState): number => {
  const alias = rowidAlias(state.table)
  for (let index = 0; index < state.orderBy.length; index++) {
    const term = state.orderBy[index]!
    if (term.column === alias) return term.direction === 'desc' ? index + 1 : index
  }
  return state.orderBy.length
}

const conditionColumns = (state: BuilderState): ReadonlySet<string> =>
  new Set([...state.where.map((fragment) => fragment.column), ...state.orderBy.map((term) => term.column)])

/**
 * `IncrementalRead.assign` of a select: the assigned columns it selects are decoded from the
 * assigned values, as a read of the row would decode them. Column codecs bind each kind's SQLite
 * type, so SQLite stores a bound value as it is, but for the cases `storedValue` leaves to a read.
 */
const assigner = (state: BuilderState): IncrementalRead['assign'] => {
  const { table } = state
  const selected = new Set(state.columns ?? table.columnNames)
  const pluck = state.pluck ? state.columns![0]! : undefined
  return (element, assignment) => {
    const { columns, values } = assignment
    let result = element
    for (let index = 0; index < columns.length; index++) {
      const column = columns[index]!
      if (!selected.has(column)) continue
      const value = storedValue(values[index]!)
      if (value === UNKNOWN_ELEMENT) return UNKNOWN_ELEMENT
      let decoded: unknown
      try {
        decoded = decodeColumn(table, column, columnOf(table, column), value)
      } catch {
        // Reading the row reports the failure the way every read does.
        return UNKNOWN_ELEMENT
      }
      if (pluck !== undefined) {
        result = decoded
      } else {
        if (result === element) result = { ...(element as Record<string, unknown>) }
        ;(result as Record<string, unknown>)[column] = decoded
      }
    }
    return result
  }
}

/**
 * The value SQLite stores for a bound one, when it is the same JS value a read gives back: not for
 * NaN (stored as NULL), text with lone surrogates (stored as U+FFFD) and blobs (read as a copy).
 */
const storedValue = (value: BindValue): BindValue | typeof UNKNOWN_ELEMENT => {
  if (typeof value === 'number') return value === 0 ? 0 : Number.isNaN(value) ? UNKNOWN_ELEMENT : value
  if (typeof value === 'string') return isWellFormed(value) ? value : UNKNOWN_ELEMENT
  return value instanceof Uint8Array ? UNKNOWN_ELEMENT : value
}

const LONE_SURROGATE = /\p{Surrogate}/u
const isWellFormed: (text: string) => boolean =
  typeof (String.prototype as { isWellFormed?: unknown }).isWellFormed === 'function'
    ? (text) => (text as unknown as { isWellFormed(): boolean }).isWellFormed()
    : (text) => !LONE_SURROGATE.test(text)

/**
 * A name SQLite resolves to the rowid in this table: `rowid`, `_rowid_` or `oid` unless a column
 * takes it. Undefined when all three are taken, or a column could clash with the hidden columns.
 */
const rowidName = (table: TableInfo): string | undefined =>
  cached(table, 'live:rowid', () => {
    const names = new Set(table.columnNames.map((name) => name.toLowerCase()))
    if (table.columnNames.some((name) => name.toLowerCase().startsWith(HIDDEN_PREFIX))) return null
    return ['rowid', '_rowid_', 'oid'].find((name) => !names.has(name)) ?? null
  }) ?? undefined

/**
 * The patch reads of `head`: the query's conditions and `rowid IN (?, …)` for up to `size` rowids, or
 * `rowid BETWEEN ? AND ?` for a run of them.
 */
const patchReads = (state: BuilderState, rowid: string, head: string): Pick<IncrementalRead, 'patchStatement' | 'patchRangeStatement'> => {
  const conditions = state.where.length === 0 ? ' WHERE ' : ` WHERE (${state.where.map((fragment) => fragment.sql).join(' AND ')}) AND `
  const bySize = new Map<number, { readonly sql: string; readonly rowids: number }>()
  const patchStatement = (size: number): { readonly sql: string; readonly rowids: number } => {
    const rowids = PATCH_SIZES.find((candidate) => candidate >= size) ?? MAX_PATCH_ROWIDS
    let statement = bySize.get(rowids)
    if (statement === undefined) {
      const inList = rowids === 1 ? `${rowid} = ?` : `${rowid} IN (${Array.from({ length: rowids }, () => '?').join(', ')})`
      bySize.set(rowids, (statement = { sql: head + conditions + inList, rowids }))
    }
    return statement
  }
  return { patchStatement, patchRangeStatement: `${head}${conditions}${rowid} BETWEEN ? AND ?` }
}

