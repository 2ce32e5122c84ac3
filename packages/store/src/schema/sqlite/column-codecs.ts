/**
 * Codecs between app values and SQLite values, per column kind. Built-in kinds are hand-written:
 * they run on every insert/update/where on the commit hot path, where Effect Schema's general
 * machinery would cost several times more. Custom schemas go through Effect Schema, compiled once.
 */
import * as EffectSchema from 'effect/Schema'
import * as SchemaGetter from 'effect/SchemaGetter'
import type { BindValue } from '../../sqlite/sqlite-db.js'
import { DateFromNumber } from '../effect-schema.js'
import { describeValue, issuesOf } from '../issues.js'
import { formatPath } from '../errors.js'
import { plainCodecOf } from '../plain-struct-codec.js'
import type { ColumnKind } from './column-def.js'

/**
 * A value does not fit a column. Carries only the detail: callers that know the table and column
 * (the query builder, row decoding) rethrow it as `InvalidColumnValueError` / `ColumnDecodeError`.
 */
export class ColumnCodecIssue extends Error {
  constructor(
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(detail, options)
    this.name = 'ColumnCodecIssue'
  }
}

const fail = (detail: string, cause?: unknown): never => {
  throw new ColumnCodecIssue(detail, cause === undefined ? undefined : { cause })
}

const expected = (what: string, value: unknown): never => fail(`expected ${what}, got ${describeValue(value)}`)

const isValidDate = (value: unknown): value is Date => value instanceof Date && !Number.isNaN(value.getTime())

// SQLite's CURRENT_TIMESTAMP / datetime() give 'YYYY-MM-DD HH:MM:SS' in UTC without a zone;
// `new Date` would read that as local time, so mark it as UTC first.
const sqliteDatetime = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/

/** Parses a datetime stored as text (ISO 8601, or SQLite's `CURRENT_TIMESTAMP` format, taken as UTC). */
export const parseDatetimeText = (text: string): Date => {
  const date = new Date(sqliteDatetime.test(text) ? `${text.replace(' ', 'T')}Z` : text)
  if (Number.isNaN(date.getTime())) fail(`expected an ISO 8601 datetime, got ${describeValue(text)}`)
  return date
}

const toNumber = (value: BindValue): number => (typeof value === 'bigint' ? Number(value) : (value as number))

/** A built-in codec: app base value ⇄ SQLite value. */
interface BaseCodec {
  readonly encode: (value: unknown) => BindValue
  readonly decode: (value: BindValue) => unknown
}

const baseCodecs: { readonly [K in ColumnKind]: BaseCodec } = {
  text: {
    encode: (value) => (typeof value === 'string' ? value : expected('a string', value)),
    decode: (value) => value,
  },
  integer: {
    encode: (value) => (typeof value === 'number' && Number.isInteger(value) ? value : expected('an integer number', value)),
    decode: toNumber,
  },
  real: {
    encode: (value) => (typeof value === 'number' && !Number.isNaN(value) ? value : expected('a number', value)),
    decode: toNumber,
  },
  blob: {
    encode: (value) => (value instanceof Uint8Array ? value : expected('a Uint8Array', value)),
    decode: (value) => value,
  },
  boolean: {
    encode: (value) => (value === true ? 1 : value === false ? 0 : expected('a boolean', value)),
    decode: (value) => (value === 1 ? true : value === 0 ? false : toNumber(value) !== 0),
  },
  json: {
    encode: (value) => {
      const text = typeof value === 'function' || typeof value === 'symbol' ? undefined : JSON.stringify(value)
      return text === undefined ? expected('a JSON value', value) : text
    },
    decode: (value) => {
      try {
        return JSON.parse(value as string)
      } catch (cause) {
        return fail(`expected JSON text, got ${describeValue(value)}`, cause)
      }
    },
  },
  datetime: {
    encode: (value) => (isValidDate(value) ? value.toISOString() : expected('a valid Date', value)),
    decode: (value) => parseDatetimeText(value as string),
  },
  datetimeInteger: {
    encode: (value) => (isValidDate(value) ? value.getTime() : expected('a valid Date', value)),
    decode: (value) => new Date(toNumber(value)),
  },
}

/** Effect Schema of a built-in kind's stored value → base app value (for `table.schema`). */
const baseSchemas: { readonly [K in Exclude<ColumnKind, 'json'>]: () => EffectSchema.Top } = {
  text: () => EffectSchema.String,
  integer: () => EffectSchema.Number,
  real: () => EffectSchema.Number,
  blob: () => EffectSchema.Uint8Array,
  boolean: () => EffectSchema.BooleanFromBit,
  datetime: () =>
    EffectSchema.String.pipe(
      EffectSchema.decodeTo(EffectSchema.Date, {
        decode: SchemaGetter.transform(parseDatetimeText),
        encode: SchemaGetter.transform((date: Date) => date.toISOString()),
      }),
    ),
  datetimeInteger: () => DateFromNumber,
}

/** Wraps a compiled Effect Schema function so failures become a `ColumnCodecIssue` with the path. */
const viaSchema = (run: (value: unknown) => unknown, what: string) => (value: unknown): unknown => {
  try {
    return run(value)
  } catch (cause) {
    const detail = issuesOf(cause, value)
      .map((issue) => (issue.path.length === 0 ? issue.message : `${formatPath(issue.path)}: ${issue.message}`))
      .join('; ')
    return fail(`${what}: ${detail}`, cause)
  }
}

/** Builds a function on first call, so defining a schema costs nothing until the column is used. */
const lazy = <F extends (value: any) => unknown>(make: () => F): F => {
  let compiled: F | undefined
  return ((value: unknown) => (compiled ??= make())(value)) as F
}

/** The complete codec of a column: null handling, the base codec and an optional custom schema. */
export interface ColumnCodec {
  readonly encode: (value: unknown) => BindValue
  readonly decode: (value: BindValue) => unknown
  /** Builds the Effect Schema of stored value → app value. */
  readonly makeSchema: () => EffectSchema.Top
}

/** Makes the codec of a column of `kind`, `nullable` or not, with an optional custom schema. */
export const makeColumnCodec = (kind: ColumnKind, nullable: boolean, customSchema: EffectSchema.Top | undefined): ColumnCodec => {
  // Column options only accept synchronous codecs (no services), see `ColumnOptions.schema`.
  const custom = customSchema as EffectSchema.Codec<unknown, unknown, never, never> | undefined
  const base = baseCodecs[kind]
  let encodeValue = base.encode
  let decodeValue = base.decode
  if (custom !== undefined && kind === 'json') {
    // JSON columns store the schema's JSON form, so Dates etc. inside the value survive.
    const json = EffectSchema.toCodecJson(custom)
    const toJson = lazy(() => viaSchema(EffectSchema.encodeUnknownSync(json), 'does not match the column schema'))
    const fromJson = lazy(() => viaSchema(EffectSchema.decodeUnknownSync(json), 'stored JSON does not match the column schema'))
    // A plain struct (strings, numbers, booleans, literals, nulls) is its own JSON form: checked
    // field by field instead of through Effect's parser, which costs several times more per row.
    const plain = plainCodecOf(custom)
    encodeValue = (value) => {
      const copied = plain()?.copy(value)
      return copied === undefined ? base.encode(toJson(value)) : JSON.stringify(copied)
    }
    decodeValue = (value) => (typeof value === 'string' ? plain()?.parse(value) : undefined) ?? fromJson(base.decode(value))
  } else if (custom !== undefined) {
    const toBase = lazy(() => viaSchema(EffectSchema.encodeUnknownSync(custom), 'does not match the column schema'))
    const fromBase = lazy(() => viaSchema(EffectSchema.decodeUnknownSync(custom), 'stored value does not match the column schema'))
    encodeValue = (value) => base.encode(toBase(value))
    decodeValue = (value) => fromBase(base.decode(value))
  }

  // A nullable column stores app `null` as SQL NULL. A non-nullable JSON column may still hold the
  // JSON value `null` (as the text 'null') when its schema allows it.
  const nullToSql = nullable || kind !== 'json'
  const encode = (value: unknown): BindValue => {
    if (value === null && nullToSql) return nullable ? null : fail('null is not allowed: the column is not nullable')
    if (value === undefined) return fail('undefined is not a storable value (use null for nullable columns)')
    return encodeValue(value)
  }
  const decode = (value: BindValue): unknown => (value === null && nullToSql ? null : decodeValue(value))

  const makeSchema = (): EffectSchema.Top => {
    let schema: EffectSchema.Top
    if (kind === 'json') {
      schema = EffectSchema.fromJsonString(EffectSchema.toCodecJson(custom ?? EffectSchema.Unknown))
    } else {
      schema = baseSchemas[kind]()
      if (custom !== undefined) schema = schema.pipe(EffectSchema.decodeTo(custom as never)) as EffectSchema.Top
    }
    return nullable ? EffectSchema.NullOr(schema) : schema
  }

  return { encode, decode, makeSchema }
}
