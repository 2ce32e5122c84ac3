import type { QueryBuilder } from '../query-builder/internal.js'
import { compileQuery, incrementalRead, isQueryBuilder, storeRead } from '../query-builder/internal.js'
import type { SqliteRow } from '../sqlite/sqlite-db.js'
import { BoundedMap } from '../utils/bounded-map.js'
import { deepEqual } from '../utils/deep-equal.js'
import { isRawSqlQuery, runCompiledQuery, toCompiledQuery, type CompiledQuery, type RawSqlQuery } from './compiled-query.js'
import { makeIncrementalNode } from './incremental-query.js'
import type { Getter } from '../reactive/graph.js'
import { QueryError } from '../store/errors.js'
import {
  keyFromDeps,
  makeLiveQueryDef,
  textId,
  type GetLiveQuery,
  type LiveQueryDef,
  type QueryRuntime,
} from './live-query-def.js'

/** What `queryDb` accepts as a query: a query builder or a raw SQL query. */
export type DbQueryInput = QueryBuilder<any> | RawSqlQuery<any>

/** The result type of a query input. */
export type DbQueryResult<Q> =
  Q extends QueryBuilder<infer R>
    ? R
    : Q extends { readonly schema: { readonly Type: infer T } }
      ? T
      : Q extends RawSqlQuery<any>
        ? ReadonlyArray<SqliteRow>
        : never

/** Options of `queryDb`. */
export interface QueryDbOptions<TResult, TMapped> {
  /** Names the query in errors and devtools. */
  readonly label?: string
  /**
   * Values the query depends on that are not reactive (e.g. a component prop). Definitions with equal
   * `deps` share one node, so a definition rebuilt on every render is computed once: for a function
   * query, those with the same label and function source; for a query builder or raw query, those
   * with the same SQL and bind values.
   */
  readonly deps?: unknown
  /** Transforms the decoded result; runs only when the result changed. */
  readonly map?: (result: TResult) => TMapped
}

let queryCount = 0

const labels = new BoundedMap<string, string>(1000)

/**
 * The default label: the SQL's start. Remembered per SQL text, since a point query's def is built per
 * call and its SQL (cached per shape) is usually the same string, found without hashing it again.
 */
const labelOf = (compiled: CompiledQuery): string => {
  let label = labels.get(compiled.sql)
  if (label === undefined) {
    label = compiled.sql.slice(0, 80)
    labels.set(compiled.sql, label)
  }
  return label
}

/**
 * A reactive SQL query. It re-runs only when a table it reads is written, and its subscribers hear
 * about it only when the result changed.
 *
 * @example
 * const todos$ = queryDb(tables.todos.where({ completed: false }), { label: 'todos$' })
 * const visible$ = queryDb((get) => tables.todos.where(get(filter$)), { label: 'visible$' })
 */
export function queryDb<Q extends DbQueryInput, TMapped = DbQueryResult<Q>>(
  query: Q | ((get: GetLiveQuery) => Q),
  options?: QueryDbOptions<DbQueryResult<Q>, TMapped>,
): LiveQueryDef<TMapped>
export function queryDb(
  query: DbQueryInput | ((get: GetLiveQuery) => DbQueryInput),
  options: QueryDbOptions<unknown, unknown> = {},
): LiveQueryDef<unknown> {
  const map = options.map
  if (typeof query === 'function') {
    const label = options.label ?? `queryDb${++queryCount}`
    const fn = query
    const def = makeLiveQueryDef<unknown>({
      kind: 'db',
      label,
      key: options.deps === undefined ? undefined : keyFromDeps('db', label, fn, options.deps),
      makeNode: (runtime) =>
        runtime.graph.makeThunk(
          (get) => {
            const input = fn((dep) => runtime.read(get, dep))
            const compiled = toCompiledQuery(input, label)
            dependOnTables(runtime, compiled, label, get)
            const result = runCompiledQuery(runtime.db, compiled, runtime.sessionId, label)
            return map === undefined ? result : map(result)
          },
          { label, equal: deepEqual },
        ),
    })
    return def.key === undefined ? Object.assign(def, { key: def }) : def
  }

  // A static query is compiled once; its SQL (as written) and bind values identify it.
  const written = isQueryBuilder(query) ? compileQuery(query) : undefined
  const read = isQueryBuilder(query) ? storeRead(query) : undefined
  const compiled = read ?? toCompiledQuery(query, options.label ?? 'queryDb')
  const label = options.label ?? labelOf(written ?? compiled)
  // What the query is: its whole SQL, its values and how its rows are decoded (undefined: a
  // `first()` fallback function, which no string can stand for).
  const shape = read !== undefined ? read.resultShape : isRawSqlQuery(query) && query.schema !== undefined ? `schema:${schemaId(query.schema)}` : ''
  const identity = (): string => `${textId(compiled.sql)}|${bindValuesKey(compiled.bindValues)}|${shape ?? 'first:fallback'}`
  const key =
    options.deps !== undefined
      ? keyFromDeps('db', identity(), map ?? Object, options.deps)
      : map === undefined && read !== undefined && shape !== undefined
        ? `db|${identity()}`
        : undefined
  const compute = (runtime: QueryRuntime): unknown => {
    const result = runCompiledQuery(runtime.db, compiled, runtime.sessionId, label)
    return map === undefined ? result : map(result)
  }
  const def = makeLiveQueryDef<unknown>({
    kind: 'db',
    label,
    key,
    makeNode: (runtime) => {
      // Builder reads of one table patch their result after commits instead of re-reading it.
      const incremental = isQueryBuilder(query) ? incrementalRead(query) : undefined
      if (incremental !== undefined) return makeIncrementalNode(runtime, incremental, compiled.sql, label, map as ((result: unknown) => unknown) | undefined)
      return runtime.graph.makeThunk(
        (get) => {
          dependOnTables(runtime, compiled, label, get)
          return compute(runtime)
        },
        { label, equal: deepEqual },
      )
    },
    compute,
  })
  return def.key === undefined ? Object.assign(def, { key: def }) : def
}

/** Makes the running node depend on every table the SQL reads, as SQLite reports them. */
const dependOnTables = (runtime: QueryRuntime, compiled: CompiledQuery, label: string, get: Getter): void => {
  let tables: ReadonlySet<string>
  try {
    tables = runtime.db.tablesRead(compiled.sql)
  } catch (cause) {
    throw new QueryError(label, compiled.sql, cause)
  }
  for (const table of tables) get(runtime.tableRef(table))
}

const schemaIds = new WeakMap<object, number>()
let nextSchemaId = 0

/** A number per schema object: raw queries decoding with different schemas are different queries. */
const schemaId = (schema: object): number => {
  let id = schemaIds.get(schema)
  if (id === undefined) {
    id = nextSchemaId++
    schemaIds.set(schema, id)
  }
  return id
}

/**
 * Bind values as a key: JSON, except that bigints and `SessionIdSymbol` are told apart from
 * strings. Plain strings and numbers skip `JSON.stringify` with a replacer, which costs more than
 * the point query it keys.
 */
const bindValuesKey = (values: unknown): string => {
  if (!Array.isArray(values)) return JSON.stringify(values, bindValueReplacer)
  let key = '['
  for (let index = 0; index < values.length; index++) {
    const value: unknown = values[index]
    if (index > 0) key += ','
    key += typeof value === 'string' || typeof value === 'number' || value === null ? JSON.stringify(value) : JSON.stringify(value, bindValueReplacer)
  }
  return `${key}]`
}

const bindValueReplacer = (_key: string, value: unknown): unknown =>
  typeof value === 'bigint' ? `${value}n` : typeof value === 'symbol' ? value.toString() : value
