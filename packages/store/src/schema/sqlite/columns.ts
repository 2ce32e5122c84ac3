/**
 * Column constructors: `State.SQLite.text()`, `integer()`, `real()`, `blob()`, `boolean()`, `json()`,
 * `datetime()`, `datetimeInteger()`. Options are inferred as literals (`const`) so that
 * `{ nullable: true }` turns the app type into `T | null` and a default makes the column optional
 * on insert.
 */
import * as EffectSchema from 'effect/Schema'
import { requireOptions, SchemaError } from '../errors.js'
import { ColumnCodecIssue, makeColumnCodec } from './column-codecs.js'
import type {
  AnyColumn,
  CheckDefault,
  ColumnDefault,
  ColumnFor,
  ColumnKind,
  ColumnOptions,
  ColumnTypeOf,
  SqlType,
} from './column-def.js'

/** An object whose only own key is a string `sql`: a SQL default. */
export const isSqlDefault = (value: unknown): value is { readonly sql: string } => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const keys = Object.keys(value)
  return keys.length === 1 && keys[0] === 'sql' && typeof (value as { sql: unknown }).sql === 'string'
}

const normalizeDefault = (options: ColumnOptions<unknown>): ColumnDefault => {
  if (!('default' in options) || options.default === undefined) return { _tag: 'none' }
  const value = options.default
  if (typeof value === 'function') return { _tag: 'thunk', thunk: value as () => unknown }
  if (isSqlDefault(value)) return { _tag: 'sql', sql: value.sql }
  return { _tag: 'value', value }
}

const makeColumn = (kind: ColumnKind, sqlType: SqlType, options: ColumnOptions<unknown> = {}): AnyColumn => {
  requireOptions(options, `State.SQLite.${kind}`, '{ nullable?, default?, primaryKey?, schema?, ... }')
  const nullable = options.nullable === true
  const primaryKey = options.primaryKey === true
  const autoIncrement = options.autoIncrement === true
  const customSchema = options.schema as EffectSchema.Top | undefined
  if (customSchema !== undefined && !EffectSchema.isSchema(customSchema)) {
    throw new SchemaError(`The \`schema\` of a ${kind} column must be an Effect Schema (e.g. Schema.Struct({ ... })).`)
  }
  if (autoIncrement && !(primaryKey && sqlType === 'integer')) {
    throw new SchemaError(
      `autoIncrement is only allowed on an integer primary key column (State.SQLite.integer({ primaryKey: true, autoIncrement: true })).`,
    )
  }
  const defaultValue = normalizeDefault(options)
  const codec = makeColumnCodec(kind, nullable, customSchema)
  if (defaultValue._tag === 'value') {
    // Check value defaults now, so a wrong default fails when the schema is defined, not on insert.
    try {
      codec.encode(defaultValue.value)
    } catch (error) {
      const detail = error instanceof ColumnCodecIssue ? error.detail : String(error)
      throw new SchemaError(`Invalid default for a ${kind} column: ${detail}.`, { cause: error })
    }
  }
  let schema: EffectSchema.Top | undefined
  const column = {
    _tag: 'ColumnDefinition' as const,
    kind,
    sqlType,
    nullable,
    primaryKey,
    autoIncrement,
    default: defaultValue,
    insertOptional: nullable || defaultValue._tag !== 'none' || (primaryKey && sqlType === 'integer'),
    customSchema,
    encode: codec.encode,
    decode: codec.decode,
    // Built on first access: most apps never look at a column's Effect Schema.
    get schema() {
      return (schema ??= codec.makeSchema())
    },
    Type: undefined,
  }
  return column as unknown as AnyColumn
}

/** A text column; app type `string` (or the custom schema's type, whose encoded side is a string). */
export const text = <const O extends ColumnOptions<string> = {}>(
  options?: CheckDefault<O, ColumnTypeOf<O, string>>,
): ColumnFor<O, string, string> => makeColumn('text', 'text', options) as never

/**
 * An integer column; app type `number` (or the custom schema's type, e.g. `Schema.DateFromNumber`).
 * An integer primary key may be left out on insert: SQLite assigns it.
 */
export const integer = <const O extends ColumnOptions<number> = {}>(
  options?: CheckDefault<O, ColumnTypeOf<O, number>>,
): ColumnFor<O, number, number, true> => makeColumn('integer', 'integer', options) as never

/** A floating-point column; app type `number`. */
export const real = <const O extends ColumnOptions<number> = {}>(
  options?: CheckDefault<O, ColumnTypeOf<O, number>>,
): ColumnFor<O, number, number> => makeColumn('real', 'real', options) as never

/** A binary column; app type `Uint8Array`. */
export const blob = <const O extends ColumnOptions<Uint8Array> = {}>(
  options?: CheckDefault<O, ColumnTypeOf<O, Uint8Array>>,
): ColumnFor<O, Uint8Array, Uint8Array> => makeColumn('blob', 'blob', options) as never

/** A boolean stored as integer `0`/`1`; app type `boolean`. */
export const boolean = <const O extends ColumnOptions<boolean> = {}>(
  options?: CheckDefault<O, ColumnTypeOf<O, boolean>>,
): ColumnFor<O, boolean, number> => makeColumn('boolean', 'integer', options) as never

/**
 * A JSON value stored as text. With `schema`, values are checked against it and stored in its JSON
 * form (so Dates etc. inside survive); the app type is the schema's type, otherwise `unknown`.
 */
export const json = <const O extends ColumnOptions<any> = {}>(
  options?: CheckDefault<O, ColumnTypeOf<O, unknown>>,
): ColumnFor<O, unknown, string> => makeColumn('json', 'text', options) as never

/** A `Date` stored as ISO 8601 text (`2024-01-31T12:00:00.000Z`); reads SQLite's `CURRENT_TIMESTAMP` format too. */
export const datetime = <const O extends ColumnOptions<Date> = {}>(
  options?: CheckDefault<O, ColumnTypeOf<O, Date>>,
): ColumnFor<O, Date, string> => makeColumn('datetime', 'text', options) as never

/** A `Date` stored as integer milliseconds since the epoch. */
export const datetimeInteger = <const O extends ColumnOptions<Date> = {}>(
  options?: CheckDefault<O, ColumnTypeOf<O, Date>>,
): ColumnFor<O, Date, number> => makeColumn('datetimeInteger', 'integer', options) as never

/** Whether `value` is a column definition. */
export const isColumnDefinition = (value: unknown): value is AnyColumn =>
  typeof value === 'object' && value !== null && (value as { _tag?: unknown })._tag === 'ColumnDefinition'
