/**
 * `State.SQLite.table({ name, columns, indexes })`. A table definition is itself a query builder on
 * the whole table (`store.query(tables.todos)`, `tables.todos.where(...)`), and also carries its
 * canonical definition (`sqliteDef`), the Effect Schema of its rows (`schema`) and `query`.
 */
import * as EffectSchema from 'effect/Schema'
import { makeTableQueryBuilder, QueryBuilderImpl } from '../../query-builder/builder.js'
import { initialState } from '../../query-builder/state.js'
import { makeTableInfo } from '../../query-builder/table-info.js'
import type { TableQueryBuilder } from '../../query-builder/types.js'
import { requireOptions, SchemaError } from '../errors.js'
import { isColumnDefinition } from './columns.js'
import type { AnySqliteTableDef, Columns, IndexDef, RowOf, SqliteTableDef } from './table-def.js'

const TableDefTypeId: unique symbol = Symbol.for('cairn/TableDef')

/** A stored row as SQLite returns it (before column decoding). */
export type EncodedRowOf<TDef extends AnySqliteTableDef> = {
  readonly [K in keyof TDef['columns'] & string]: TDef['columns'][K] extends { readonly encode: (value: any) => infer E } ? E : never
}

/** What a table definition has besides the query builder methods. */
export interface TableDefExtras<TDef extends AnySqliteTableDef> {
  readonly [TableDefTypeId]: typeof TableDefTypeId
  /** The canonical definition: name, columns, indexes, primary key. */
  readonly sqliteDef: TDef
  /** Effect Schema of a row: decodes a stored row to the app row (use in raw queries: `Schema.Array(table.schema)`). */
  readonly schema: EffectSchema.Codec<RowOf<TDef>, EncodedRowOf<TDef>, never, never>
  /** A query builder on the whole table (the table itself is one too). */
  readonly query: TableQueryBuilder<TDef>
  /** Type-only: the row type (`typeof tables.todos.Type`). Undefined at run time. */
  readonly Type: RowOf<TDef>
}

/**
 * A table definition: a query builder on the whole table plus its definition. `TDef` is the
 * canonical `SqliteTableDef` the types are inferred from.
 */
export type TableDef<TDef extends AnySqliteTableDef = AnySqliteTableDef> = TableQueryBuilder<TDef> & TableDefExtras<TDef>

/** Any table definition. */
export type AnyTableDef = TableDef<any>

/** Options of `State.SQLite.table`. */
export interface TableOptions<TName extends string, TColumns extends Columns> {
  /** Table name in SQLite. Names starting with `sqlite_` or `__cairn_` are reserved. */
  readonly name: TName
  /** Columns by name, in the order they appear in the table. */
  readonly columns: TColumns
  /** Indexes: `[{ name, columns, isUnique? }]`. */
  readonly indexes?: ReadonlyArray<IndexDef<keyof TColumns & string>>
}

const checkTable = (name: unknown, columns: unknown, indexes: ReadonlyArray<IndexDef>): ReadonlyArray<string> => {
  if (typeof name !== 'string' || name.length === 0) throw new SchemaError('A table needs a non-empty `name`.')
  const lower = name.toLowerCase()
  if (lower.startsWith('sqlite_') || lower.startsWith('__cairn_')) {
    throw new SchemaError(`Table name "${name}" is reserved (names starting with "sqlite_" or "__cairn_"); pick another name.`)
  }
  if (typeof columns !== 'object' || columns === null || Object.keys(columns).length === 0) {
    throw new SchemaError(`Table "${name}" needs at least one column.`)
  }
  const primaryKey: Array<string> = []
  for (const [columnName, column] of Object.entries(columns)) {
    if (!isColumnDefinition(column)) {
      throw new SchemaError(`Column "${name}"."${columnName}" is not a column definition; use State.SQLite.text(), integer(), ...`)
    }
    if (column.primaryKey) primaryKey.push(columnName)
  }
  const autoIncrement = Object.entries(columns as Columns).find(([, column]) => column.autoIncrement)
  if (autoIncrement !== undefined && primaryKey.length > 1) {
    throw new SchemaError(`Table "${name}": autoIncrement ("${autoIncrement[0]}") needs a single-column primary key.`)
  }
  if (!Array.isArray(indexes)) throw new SchemaError(`Table "${name}": \`indexes\` must be an array of { name, columns, isUnique? }.`)
  const indexNames = new Set<string>()
  for (const index of indexes as ReadonlyArray<Partial<IndexDef> | null>) {
    if (typeof index?.name !== 'string' || index.name.length === 0) throw new SchemaError(`Table "${name}": an index needs a name.`)
    if (indexNames.has(index.name)) throw new SchemaError(`Table "${name}": duplicate index name "${index.name}".`)
    indexNames.add(index.name)
    if (!Array.isArray(index.columns) || index.columns.length === 0) {
      throw new SchemaError(`Table "${name}": index "${index.name}" needs a list of at least one column.`)
    }
    for (const column of index.columns) {
      if (!Object.hasOwn(columns, column)) {
        throw new SchemaError(`Table "${name}": index "${index.name}" refers to unknown column "${column}".`)
      }
    }
  }
  return primaryKey
}

/** Adds the table extras to a builder on the whole table. */
export const makeTableDef = <TDef extends AnySqliteTableDef>(sqliteDef: TDef): TableDef<TDef> => {
  const info = makeTableInfo(sqliteDef)
  const table = new QueryBuilderImpl(initialState(info))
  let schema: EffectSchema.Top | undefined
  Object.defineProperties(table, {
    [TableDefTypeId]: { value: TableDefTypeId },
    sqliteDef: { value: sqliteDef, enumerable: true },
    // Built on first use: only raw queries need it.
    schema: {
      get: () =>
        (schema ??= EffectSchema.Struct(
          Object.fromEntries(Object.entries(sqliteDef.columns).map(([name, column]) => [name, column.schema])),
        )),
    },
    query: { value: makeTableQueryBuilder(info), enumerable: true },
  })
  return table as unknown as TableDef<TDef>
}

/** Defines a SQLite table. Its types (rows, insert values, where values) are inferred from `columns`. */
export const table = <const TName extends string, const TColumns extends Columns>(
  options: TableOptions<TName, TColumns>,
): TableDef<SqliteTableDef<TName, TColumns>> => {
  requireOptions(options, 'State.SQLite.table', '{ name, columns, indexes? }')
  const indexes = options.indexes ?? []
  const primaryKey = checkTable(options.name, options.columns, indexes)
  const sqliteDef: SqliteTableDef<TName, TColumns> = Object.freeze({
    name: options.name,
    columns: Object.freeze({ ...options.columns }),
    indexes: Object.freeze(indexes.map((index) => Object.freeze({ ...index, columns: Object.freeze([...index.columns]) }))),
    primaryKey: Object.freeze(primaryKey),
  })
  return makeTableDef(sqliteDef)
}

/** Whether `value` is a table definition (made by `table` or `clientDocument`). */
export const isTableDef = (value: unknown): value is AnyTableDef =>
  typeof value === 'object' && value !== null && (value as { [TableDefTypeId]?: unknown })[TableDefTypeId] === TableDefTypeId
