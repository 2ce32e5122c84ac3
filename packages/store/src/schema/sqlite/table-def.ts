/**
 * The canonical description of a SQLite table (`table.sqliteDef`) and the row types derived from
 * it. DDL, the state hash and the query builder all read this, never the constructor options.
 */
import type { AnyColumn } from './column-def.js'

/** The columns of a table, by column name. */
export type Columns = { readonly [name: string]: AnyColumn }

/** An index of a table. */
export interface IndexDef<TColumn extends string = string> {
  readonly name: string
  readonly columns: ReadonlyArray<TColumn>
  /** `CREATE UNIQUE INDEX`. Default `false`. */
  readonly isUnique?: boolean
}

/** A table's canonical definition: name, columns (in declaration order), indexes, primary key. */
export interface SqliteTableDef<TName extends string = string, TColumns extends Columns = Columns> {
  readonly name: TName
  readonly columns: TColumns
  // Plain strings (not `keyof TColumns`): keyof would make the type invariant in its columns, and
  // `table()` already checks index columns against the columns.
  readonly indexes: ReadonlyArray<IndexDef>
  /** Names of the primary-key columns, in declaration order (empty: rowid table without declared key). */
  readonly primaryKey: ReadonlyArray<string>
}

/** Any table definition. */
export type AnySqliteTableDef = SqliteTableDef<string, Columns>

/** Column names of a table definition. */
export type ColumnName<TDef extends AnySqliteTableDef> = keyof TDef['columns'] & string

/** The app-side type of one column. */
export type ColumnType<TDef extends AnySqliteTableDef, K extends ColumnName<TDef>> = TDef['columns'][K]['Type']

/** A decoded row of the table. */
export type RowOf<TDef extends AnySqliteTableDef> = { readonly [K in ColumnName<TDef>]: TDef['columns'][K]['Type'] }

type RequiredInsertKeys<C extends Columns> = {
  [K in keyof C & string]: C[K]['insertOptional'] extends true ? never : K
}[keyof C & string]

type OptionalInsertKeys<C extends Columns> = Exclude<keyof C & string, RequiredInsertKeys<C>>

/** Values `insert` takes: required columns must be given, optional ones (nullable / default / auto key) may be. */
export type InsertValues<TDef extends AnySqliteTableDef> = {
  readonly [K in RequiredInsertKeys<TDef['columns']>]: TDef['columns'][K]['Type']
} & {
  readonly [K in OptionalInsertKeys<TDef['columns']>]?: TDef['columns'][K]['Type']
}

/** Values `update` takes: any subset of the columns. */
export type UpdateValues<TDef extends AnySqliteTableDef> = {
  readonly [K in ColumnName<TDef>]?: TDef['columns'][K]['Type']
}
