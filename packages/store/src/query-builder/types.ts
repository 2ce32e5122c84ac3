/**
 * The query builder's types. A builder's type carries its result (`TResult`), its table, and the
 * methods no longer available (`TWithout`): e.g. after `count()` only `where` remains, after
 * `insert()` only `onConflict` and `returning`. Column names, value types and operator value types
 * are checked against the table, so typos are compile errors.
 */
import type { SessionIdSymbol } from '../schema/session-id.js'
import type {
  AnySqliteTableDef,
  ColumnName,
  ColumnType,
  InsertValues,
  RowOf,
  UpdateValues,
} from '../schema/sqlite/table-def.js'
import type { BindValue, SqliteRow } from '../sqlite/sqlite-db.js'
import type { CompileSymbol, QueryBuilderTypeId } from './type-id.js'

/** Names of the chainable builder methods. */
export type QueryBuilderMethod =
  | 'select'
  | 'where'
  | 'orderBy'
  | 'limit'
  | 'offset'
  | 'count'
  | 'first'
  | 'insert'
  | 'update'
  | 'delete'
  | 'onConflict'
  | 'returning'

type WriteStart = 'insert' | 'update' | 'delete' | 'onConflict'

/**
 * Comparison operators of `where`; case does not matter at run time (`'like'` = `'LIKE'`). They
 * follow SQL: a NULL column matches no comparison with a value (`!=` included); compare with `null`
 * (`=`/`!=`) for IS NULL / IS NOT NULL. `IN []` matches nothing, `NOT IN []` everything.
 */
export type WhereOp =
  | '='
  | '=='
  | '!='
  | '<'
  | '>'
  | '<='
  | '>='
  | 'LIKE'
  | 'like'
  | 'NOT LIKE'
  | 'not like'
  | 'IN'
  | 'in'
  | 'NOT IN'
  | 'not in'

/** The value an operator takes for a column of type `T`: a list for IN, a pattern string for LIKE. */
export type WhereOpValue<T, Op extends WhereOp> = Op extends 'IN' | 'in' | 'NOT IN' | 'not in'
  ? ReadonlyArray<T>
  : Op extends 'LIKE' | 'like' | 'NOT LIKE' | 'not like'
    ? string
    : T

/** `{ op, value }` for a column of type `T`. */
export type WhereOpCondition<T> = { [Op in WhereOp]: { readonly op: Op; readonly value: WhereOpValue<T, Op> } }[WhereOp]

/**
 * What a column may be compared with in `where({ col: ... })`: a value (`null` → IS NULL) or
 * `{ op, value }`. A plain object with exactly an `op` (a known operator) and `value` is always read
 * as a condition, also on JSON columns.
 */
export type WhereValue<T> = T | WhereOpCondition<T>

/** The object form of `where`: every given column must match (AND). `{}` matches every row. */
export type WhereConditions<TDef extends AnySqliteTableDef> = {
  readonly [K in ColumnName<TDef>]?: WhereValue<ColumnType<TDef, K>>
}

/** Sort direction of `orderBy`. */
export type OrderDirection = 'asc' | 'desc'

/** One sort key of `orderBy([...])`. */
export interface OrderBySpec<K extends string = string> {
  readonly col: K
  readonly direction: OrderDirection
}

/** What to do when an insert hits a uniqueness conflict on the target columns. */
export type OnConflictAction = 'ignore' | 'replace' | 'update'

/** Options of `first()`: `behaviour` picks what happens when no row matches. */
export type FirstOptions<F = never> =
  | { readonly behaviour: 'undefined' }
  | { readonly behaviour: 'error' }
  | { readonly behaviour?: 'fallback'; readonly fallback: () => F }

/** Elements of an array result (what `first()` returns one of). */
export type ElementOf<T> = T extends ReadonlyArray<infer E> ? E : never

/** A bind value as compiled queries carry it: `SessionIdSymbol` stands for the session id until the store runs the query. */
export type CompiledBindValue = BindValue | SessionIdSymbol

/**
 * A compiled query: what SQLite runs and how its rows become the builder's result. `bindValues` may
 * contain `SessionIdSymbol` (client documents with a per-session id): replace it with the session
 * id before running.
 */
export interface CompiledQuery<TResult = unknown> {
  readonly sql: string
  readonly bindValues: ReadonlyArray<CompiledBindValue>
  /** `read` runs with `select`; `write` changes the table (run with `select` if `returnsRows`). */
  readonly kind: 'read' | 'write'
  /** The table read or written. */
  readonly tableName: string
  /** Whether the statement returns rows (reads, writes with `returning`). */
  readonly returnsRows: boolean
  /** Rows → result (decoded rows, values, a count, one row...). Throws `RowNotFoundError` / `ColumnDecodeError`. */
  readonly decode: (rows: ReadonlyArray<SqliteRow>) => TResult
  /** Set on inserts that may share a multi-row statement with other inserts of the same shape. */
  readonly rowInsert?: RowInsert | undefined
  /** Set on updates: the columns the SET clause assigns, whose values are the first bind values. */
  readonly assigned?: ReadonlyArray<string> | undefined
}

/**
 * The shape of an insert that binds exactly its row's values (no RETURNING, no values in its
 * conflict clause): its SQL is `head + row + tail`, so inserts of the same shape (the same object,
 * cached per table, columns and conflict clause) can run as one `head + row, row, … + tail`.
 */
export interface RowInsert {
  /** The single-row statement: `head + row + tail`. */
  readonly sql: string
  readonly head: string
  readonly row: string
  readonly tail: string
  /** Bind values per row. */
  readonly width: number
}

/** What every query builder has, whatever methods remain. */
export interface QueryBuilderCore<TResult, TDef extends AnySqliteTableDef> {
  readonly [QueryBuilderTypeId]: typeof QueryBuilderTypeId
  /** The definition of the table this query reads or writes. */
  readonly sqliteDef: TDef
  /** Internal: compiles to SQL and a decoder (its `decode` also carries `TResult` in the type). Use `compileQuery(builder)`. */
  readonly [CompileSymbol]: () => CompiledQuery<TResult>
  /** The SQL and bind values, for debugging. */
  asSql(): { readonly sql: string; readonly bindValues: ReadonlyArray<CompiledBindValue> }
  /** The SQL with its bind values, for debugging. */
  toString(): string
}

type Row<TDef extends AnySqliteTableDef> = RowOf<TDef>
type Picked<TDef extends AnySqliteTableDef, K extends ColumnName<TDef>> = { readonly [P in K]: ColumnType<TDef, P> }

/** All chainable methods; `QueryBuilder` hides those in `TWithout`. */
export interface QueryBuilderMethods<TResult, TDef extends AnySqliteTableDef, TWithout extends QueryBuilderMethod> {
  /** Selects one column: the result is the array of its values. */
  select<K extends ColumnName<TDef>>(
    column: K,
  ): QueryBuilder<ReadonlyArray<ColumnType<TDef, K>>, TDef, TWithout | 'select' | 'count' | WriteStart | 'returning'>
  /** Selects several columns: the result is rows with only those columns. */
  select<K extends ColumnName<TDef>>(
    ...columns: readonly [K, K, ...Array<K>]
  ): QueryBuilder<ReadonlyArray<Picked<TDef, K>>, TDef, TWithout | 'select' | 'count' | WriteStart | 'returning'>

  /** Rows matching every given column (`null` → IS NULL, `{ op, value }` → comparison). Calls AND together. */
  where(conditions: WhereConditions<TDef>): QueryBuilder<TResult, TDef, TWithout | WriteStart>
  /** Rows whose column equals `value` (`null` → IS NULL). */
  where<K extends ColumnName<TDef>>(column: K, value: WhereValue<ColumnType<TDef, K>>): QueryBuilder<TResult, TDef, TWithout | WriteStart>
  /** Rows whose column compares with `value` by `op` (IN takes an array, LIKE a pattern). */
  where<K extends ColumnName<TDef>, Op extends WhereOp>(
    column: K,
    op: Op,
    value: WhereOpValue<ColumnType<TDef, K>, Op>,
  ): QueryBuilder<TResult, TDef, TWithout | WriteStart>

  /** Sorts by a column (default ascending). Calls add further sort keys. */
  orderBy<K extends ColumnName<TDef>>(column: K, direction?: OrderDirection): QueryBuilder<TResult, TDef, TWithout | WriteStart | 'returning'>
  /** Sorts by several columns. */
  orderBy<K extends ColumnName<TDef>>(
    specs: ReadonlyArray<OrderBySpec<K>>,
  ): QueryBuilder<TResult, TDef, TWithout | WriteStart | 'returning'>

  /** At most `n` rows. */
  limit(n: number): QueryBuilder<TResult, TDef, TWithout | WriteStart | 'returning'>
  /** Skips the first `n` rows. */
  offset(n: number): QueryBuilder<TResult, TDef, TWithout | WriteStart | 'returning'>

  /** The number of matching rows. */
  count(): QueryBuilder<number, TDef, Exclude<QueryBuilderMethod, 'where'>>

  /** The first matching row (or value, after `select('col')`), `undefined` when none. */
  first(): QueryBuilder<ElementOf<TResult> | undefined, TDef, QueryBuilderMethod>
  /** The first matching row; `behaviour: 'error'` throws `RowNotFoundError` when none. */
  first(options: { readonly behaviour: 'error' }): QueryBuilder<ElementOf<TResult>, TDef, QueryBuilderMethod>
  /** The first matching row, `undefined` when none. */
  first(options: { readonly behaviour: 'undefined' }): QueryBuilder<ElementOf<TResult> | undefined, TDef, QueryBuilderMethod>
  /** The first matching row, or `fallback()` when none. */
  first<F>(options: {
    readonly behaviour?: 'fallback'
    readonly fallback: () => F
  }): QueryBuilder<ElementOf<TResult> | F, TDef, QueryBuilderMethod>

  /** Inserts a row. Columns left out get their default (value, thunk or SQL), `null` if nullable. */
  insert(values: InsertValues<TDef>): QueryBuilder<void, TDef, Exclude<QueryBuilderMethod, 'onConflict' | 'returning'>>
  /** Updates matching rows (all rows without `where`). */
  update(values: UpdateValues<TDef>): QueryBuilder<void, TDef, Exclude<QueryBuilderMethod, 'where' | 'returning'>>
  /** Deletes matching rows (all rows without `where`). */
  delete(): QueryBuilder<void, TDef, Exclude<QueryBuilderMethod, 'where' | 'returning'>>

  /**
   * On a uniqueness conflict on `target`: `'ignore'` skips the row, `'replace'` overwrites the
   * existing row's inserted columns with the new values.
   */
  onConflict<K extends ColumnName<TDef>>(
    target: K | readonly [K, ...Array<K>],
    action: 'ignore' | 'replace',
  ): QueryBuilder<TResult, TDef, TWithout | 'onConflict'>
  /** On a uniqueness conflict on `target`, updates the existing row with `values` instead. */
  onConflict<K extends ColumnName<TDef>>(
    target: K | readonly [K, ...Array<K>],
    action: 'update',
    values: UpdateValues<TDef>,
  ): QueryBuilder<TResult, TDef, TWithout | 'onConflict'>

  /** Makes the write return the given columns of the rows it wrote. */
  returning<K extends ColumnName<TDef>>(
    ...columns: readonly [K, ...Array<K>]
  ): QueryBuilder<ReadonlyArray<Picked<TDef, K>>, TDef, TWithout | 'returning'>
}

/**
 * An immutable query on one table: every method returns a new builder. `QueryBuilder<T>` (other
 * parameters defaulted) is any builder whose result is `T`.
 */
export type QueryBuilder<
  TResult = unknown,
  TDef extends AnySqliteTableDef = any,
  TWithout extends QueryBuilderMethod = QueryBuilderMethod,
> = QueryBuilderCore<TResult, TDef> & Omit<QueryBuilderMethods<TResult, TDef, TWithout>, TWithout>

/** The result type of a query builder. */
export type QueryResult<Q> = Q extends QueryBuilderCore<infer R, any> ? R : never

/** A builder on the whole table, as `table.query` and the table itself are. */
export type TableQueryBuilder<TDef extends AnySqliteTableDef> = QueryBuilder<ReadonlyArray<Row<TDef>>, TDef, 'onConflict' | 'returning'>
