/**
 * `CREATE TABLE` / `CREATE INDEX` statements of a table definition. Idempotent (`IF NOT EXISTS`),
 * identifiers quoted, defaults written as SQL so raw-SQL inserts get them too (thunks cannot be).
 */
import type { BindValue } from '../../sqlite/sqlite-db.js'
import type { AnyColumn } from './column-def.js'
import { quoteIdentifier } from './identifiers.js'
import type { AnySqliteTableDef } from './table-def.js'

/** A bind value written as a SQL literal; `undefined` when it has none (non-finite numbers). */
export const sqlLiteral = (value: BindValue): string | undefined => {
  if (value === null) return 'NULL'
  if (typeof value === 'string') return `'${value.replaceAll("'", "''")}'`
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined
  if (typeof value === 'bigint') return String(value)
  return `X'${Array.from(value, (byte) => byte.toString(16).padStart(2, '0')).join('')}'`
}

/** The SQL of a column's default (without `DEFAULT`), or `undefined` when there is none in SQL. */
export const columnDefaultSql = (column: AnyColumn): string | undefined => {
  const fallback = column.default
  if (fallback._tag === 'sql') return fallback.sql
  if (fallback._tag === 'value') return sqlLiteral(column.encode(fallback.value))
  return undefined
}

const columnSql = (name: string, column: AnyColumn, inlinePrimaryKey: boolean): string => {
  let sql = `${quoteIdentifier(name)} ${column.sqlType.toUpperCase()}`
  if (!column.nullable) sql += ' NOT NULL'
  if (inlinePrimaryKey && column.primaryKey) sql += column.autoIncrement ? ' PRIMARY KEY AUTOINCREMENT' : ' PRIMARY KEY'
  const defaultSql = columnDefaultSql(column)
  // Parenthesized: any expression is allowed there, and literals like -1 need no special casing.
  if (defaultSql !== undefined) sql += ` DEFAULT (${defaultSql})`
  return sql
}

/** Accepts a table definition or its `sqliteDef`. */
const sqliteDefOf = (table: AnySqliteTableDef | { readonly sqliteDef: AnySqliteTableDef }): AnySqliteTableDef =>
  'sqliteDef' in table ? table.sqliteDef : table

/**
 * The statements creating a table and its indexes, in order. Idempotent, so they can run on every
 * boot; a changed definition changes the state hash, which rebuilds the state instead.
 */
export const tableDdl = (table: AnySqliteTableDef | { readonly sqliteDef: AnySqliteTableDef }): Array<string> => {
  const def = sqliteDefOf(table)
  const inlinePrimaryKey = def.primaryKey.length === 1
  const parts = Object.entries(def.columns).map(([name, column]) => columnSql(name, column, inlinePrimaryKey))
  if (def.primaryKey.length > 1) parts.push(`PRIMARY KEY (${def.primaryKey.map(quoteIdentifier).join(', ')})`)
  const statements = [`CREATE TABLE IF NOT EXISTS ${quoteIdentifier(def.name)} (${parts.join(', ')})`]
  for (const index of def.indexes) {
    statements.push(
      `CREATE ${index.isUnique === true ? 'UNIQUE ' : ''}INDEX IF NOT EXISTS ${quoteIdentifier(index.name)} ` +
        `ON ${quoteIdentifier(def.name)} (${index.columns.map(quoteIdentifier).join(', ')})`,
    )
  }
  return statements
}
