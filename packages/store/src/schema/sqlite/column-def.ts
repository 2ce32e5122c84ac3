/**
 * What a column is: its SQL storage, its app-side type, constraints, default, and the codec between
 * the two. Constructors live in `columns.ts`; the codecs in `column-codecs.ts`.
 */
import type * as EffectSchema from 'effect/Schema'
import type { BindValue } from '../../sqlite/sqlite-db.js'

/** SQLite storage class of a column, as written in `CREATE TABLE`. */
export type SqlType = 'text' | 'integer' | 'real' | 'blob'

/** Which column constructor made the column; decides how app values are stored. */
export type ColumnKind = 'text' | 'integer' | 'real' | 'blob' | 'boolean' | 'json' | 'datetime' | 'datetimeInteger'

/** A default given as SQL, written into the table's DDL (`DEFAULT (CURRENT_TIMESTAMP)`). */
export interface SqlDefault {
  readonly sql: string
}

/**
 * A column default as given to a column constructor: a value (`null` only for nullable columns), a
 * thunk evaluated on every insert (`() => crypto.randomUUID()`), or SQL (`{ sql: 'CURRENT_TIMESTAMP' }`).
 * An object whose only key is a string `sql` always means SQL, even for JSON columns.
 */
export type ColumnDefaultInput<T> = T | (() => T) | SqlDefault

/** A column's default, normalized. */
export type ColumnDefault =
  | { readonly _tag: 'none' }
  | { readonly _tag: 'value'; readonly value: unknown }
  | { readonly _tag: 'thunk'; readonly thunk: () => unknown }
  | { readonly _tag: 'sql'; readonly sql: string }

/**
 * A column definition. `TType` is the app-side type (with `| null` when nullable), `TEncoded` the
 * value SQLite stores, `TInsertOptional` whether `insert` may omit the column (nullable, has a
 * default, or is an integer primary key SQLite assigns).
 */
export interface ColumnDefinition<TType = any, TEncoded extends BindValue = BindValue, TInsertOptional extends boolean = boolean> {
  readonly _tag: 'ColumnDefinition'
  readonly kind: ColumnKind
  readonly sqlType: SqlType
  readonly nullable: boolean
  readonly primaryKey: boolean
  readonly autoIncrement: boolean
  readonly default: ColumnDefault
  /** Whether an insert may leave this column out. */
  readonly insertOptional: TInsertOptional
  /** The custom schema given with `schema`, if any. */
  readonly customSchema: EffectSchema.Top | undefined
  /** Effect Schema of this column's value: decodes the stored SQLite value to the app value. */
  readonly schema: EffectSchema.Codec<TType, TEncoded, never, never>
  /** App value → SQLite value. Fast, hand-written for built-in types. Throws `ColumnCodecIssue`. */
  readonly encode: (value: TType) => TEncoded
  /** SQLite value → app value. Throws `ColumnCodecIssue`. */
  readonly decode: (value: BindValue) => TType
  /** Type-only: the app-side type. Undefined at run time. */
  readonly Type: TType
}

/** Any column definition. */
export type AnyColumn = ColumnDefinition<any, any, boolean>

/** Options shared by every column constructor. */
export interface ColumnOptions<TBase> {
  /** Allows `null` (the app type gains `| null`); otherwise the column is `NOT NULL`. Default `false`. */
  readonly nullable?: boolean
  /** Part of the primary key. Several primary-key columns make a composite key. */
  readonly primaryKey?: boolean
  /** `AUTOINCREMENT`; only for a single integer primary key. */
  readonly autoIncrement?: boolean
  /** Default for inserts that leave the column out: a value, `null`, a thunk, or `{ sql }`. */
  readonly default?: unknown
  /**
   * Custom schema for the column's values: its `Encoded` side must be the column's base type
   * (`TBase`, e.g. `number` for `integer`), its `Type` becomes the column's app type. For `json`
   * any schema works: values are stored through its JSON codec.
   */
  readonly schema?: EffectSchema.Codec<any, TBase, never, never>
}

/** The app-side type given the options (`schema` Type or the base type, `| null` if nullable). */
export type ColumnTypeOf<O, TBase> =
  | (O extends { readonly schema: infer S extends EffectSchema.Top } ? S['Type'] : TBase)
  | NullIfNullable<O>

/** `null` when the options may make the column nullable. */
export type NullIfNullable<O> = O extends { readonly nullable: infer N } ? (true extends N ? null : never) : never

/** The stored SQLite type given the options. */
export type ColumnEncodedOf<O, TStorage extends BindValue> = TStorage | NullIfNullable<O>

/** Whether an insert may leave the column out, given the options. */
export type InsertOptionalOf<O, TAutoKey extends boolean = false> = O extends { readonly nullable: infer N }
  ? true extends N
    ? true
    : DefaultOrKey<O, TAutoKey>
  : DefaultOrKey<O, TAutoKey>

type DefaultOrKey<O, TAutoKey extends boolean> = O extends { readonly default: unknown }
  ? true
  : TAutoKey extends true
    ? O extends { readonly primaryKey: true }
      ? true
      : false
    : false

/**
 * The options parameter type: `O` itself when its `default` fits the column type `T`, otherwise `O`
 * with `default` retyped to what fits, so a wrong default is a compile error on the `default`
 * property. (TypeScript still infers `O` through the conditional.)
 */
export type CheckDefault<O, T> = O extends { readonly default: infer D }
  ? [D] extends [ColumnDefaultInput<T>]
    ? O
    : Omit<O, 'default'> & { readonly default: ColumnDefaultInput<T> }
  : O

/** The column definition type the constructor returns for options `O`. */
export type ColumnFor<O, TBase, TStorage extends BindValue, TAutoKey extends boolean = false> = ColumnDefinition<
  ColumnTypeOf<O, TBase>,
  ColumnEncodedOf<O, TStorage>,
  InsertOptionalOf<O, TAutoKey>
>
