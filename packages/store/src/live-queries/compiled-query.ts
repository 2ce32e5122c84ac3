import * as Schema from 'effect/Schema'
import { isQueryBuilder, storeRead } from '../query-builder/internal.js'
import { SessionIdSymbol } from '../schema/internal.js'
import type { BindValue, BindValues, SqliteDb, SqliteRow } from '../sqlite/sqlite-db.js'
import { InvalidArgumentError, QueryError } from '../store/errors.js'

/** A raw SQL query as `queryDb` and `ctx.query` accept it. */
export interface RawSqlQuery<T = ReadonlyArray<SqliteRow>> {
  readonly query: string
  readonly bindValues?: BindValues
  /** Decodes the rows (an array of objects); required to get typed results. */
  readonly schema?: Schema.Codec<T, any, never, never>
}

/** A query reduced to what SQLite runs and how its rows become the result. */
export interface CompiledQuery {
  readonly sql: string
  readonly bindValues: ReadonlyArray<BindValue | typeof SessionIdSymbol> | BindValues
  readonly decode: (rows: SqliteRow[]) => unknown
}

const rawDecoders = new WeakMap<object, (rows: SqliteRow[]) => unknown>()

const decoderFor = (schema: Schema.Codec<unknown, any, never, never>): ((rows: SqliteRow[]) => unknown) => {
  let decode = rawDecoders.get(schema)
  if (decode === undefined) {
    const decodeSync = Schema.decodeUnknownSync(schema)
    decode = (rows) => decodeSync(rows)
    rawDecoders.set(schema, decode)
  }
  return decode
}

const identityRows = (rows: SqliteRow[]): unknown => rows

/** Whether `value` is a raw `{ query, bindValues?, schema? }` object. */
export const isRawSqlQuery = (value: unknown): value is RawSqlQuery<unknown> =>
  typeof value === 'object' && value !== null && typeof (value as { query?: unknown }).query === 'string'

/**
 * Turns a query builder or a raw query into SQL, bind values and a decoder. A builder select runs in
 * a total order (its ORDER BY, then rowid), the same one its live query keeps when it patches.
 */
export const toCompiledQuery = (input: unknown, label: string): CompiledQuery => {
  if (isQueryBuilder(input)) {
    const read = storeRead(input)
    return { sql: read.sql, bindValues: read.bindValues, decode: read.decode }
  }
  if (isRawSqlQuery(input)) {
    return {
      sql: input.query,
      bindValues: input.bindValues ?? [],
      decode: input.schema === undefined ? identityRows : decoderFor(input.schema),
    }
  }
  throw new InvalidArgumentError(
    `Query "${label}" is neither a query builder (e.g. tables.todos.where({...})) nor a raw query ` +
      `({ query: sql\`...\`, schema, bindValues }). Got: ${describeValue(input)}.`,
  )
}

const describeValue = (value: unknown): string =>
  value === null ? 'null' : typeof value === 'object' ? `an object with keys ${Object.keys(value).join(', ')}` : typeof value

/** Replaces `SessionIdSymbol` placeholders with the session's id. */
export const resolveBindValues = (
  bindValues: CompiledQuery['bindValues'],
  sessionId: string,
): BindValues => {
  if (!Array.isArray(bindValues)) return bindValues as BindValues
  let resolved: BindValue[] | undefined
  for (let i = 0; i < bindValues.length; i++) {
    if (bindValues[i] === SessionIdSymbol) {
      resolved ??= bindValues.slice() as BindValue[]
      resolved[i] = sessionId
    }
  }
  return resolved ?? (bindValues as BindValue[])
}

/** Runs a compiled read query, wrapping SQLite and decoding failures in a `QueryError`. */
export const runCompiledQuery = (db: SqliteDb, compiled: CompiledQuery, sessionId: string, label: string): unknown => {
  let rows: SqliteRow[]
  try {
    rows = db.select(compiled.sql, resolveBindValues(compiled.bindValues, sessionId))
  } catch (cause) {
    throw new QueryError(label, compiled.sql, cause)
  }
  try {
    return compiled.decode(rows)
  } catch (cause) {
    if (cause instanceof Error && '_tag' in cause && (cause as { _tag: unknown })._tag === 'RowNotFoundError') throw cause
    throw new QueryError(label, compiled.sql, cause)
  }
}
