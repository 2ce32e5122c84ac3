/**
 * The state hash: identifies the shape of the state database. It changes whenever a table, column
 * (name, storage, kind, nullability, key, default) or index changes, which makes the store rebuild
 * the state from the eventlog. Materializer code cannot be hashed: bump a table to force a rebuild.
 */
import { fnv1a64 } from '../hash.js'
import type { AnyColumn } from './column-def.js'
import { columnDefaultSql } from './ddl.js'
import type { AnySqliteTableDef } from './table-def.js'

const canonicalDefault = (column: AnyColumn): unknown => {
  switch (column.default._tag) {
    case 'none':
      return null
    case 'thunk':
      // The thunk's code is not part of the state; only that there is one.
      return ['thunk']
    default:
      return [column.default._tag, columnDefaultSql(column) ?? null]
  }
}

/** The canonical, JSON-serializable form of a table: only what shapes the stored data. */
export const canonicalTable = (def: AnySqliteTableDef): unknown => ({
  name: def.name,
  columns: Object.entries(def.columns).map(([name, column]) => [
    name,
    column.sqlType,
    column.kind,
    column.nullable,
    column.primaryKey,
    column.autoIncrement,
    canonicalDefault(column),
  ]),
  primaryKey: def.primaryKey,
  indexes: [...def.indexes]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((index) => [index.name, index.columns, index.isUnique === true]),
})

/** FNV-1a/64 (hex) of the canonical JSON of the tables, sorted by name. */
export const computeStateHash = (tables: Iterable<AnySqliteTableDef>): string => {
  const canonical = [...tables]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map(canonicalTable)
  return fnv1a64(JSON.stringify({ version: 1, tables: canonical }))
}
