/**
 * What the query builder needs to know about a table, computed once per table: quoted names, the
 * column list, and a cache for SQL text and row decoders that depend only on the query's shape.
 */
import type { AnyColumn } from '../schema/sqlite/column-def.js'
import { quoteIdentifier } from '../schema/sqlite/identifiers.js'
import type { AnySqliteTableDef } from '../schema/sqlite/table-def.js'
import { BoundedMap } from '../utils/bounded-map.js'
import { QueryBuilderError } from './errors.js'

/** Per-table data shared by all builders of that table. */
export interface TableInfo {
  readonly def: AnySqliteTableDef
  readonly name: string
  readonly quotedName: string
  readonly columnNames: ReadonlyArray<string>
  /** Quoted column identifiers, by column name. */
  readonly quoted: ReadonlyMap<string, string>
  /** Shape-keyed cache (SQL fragments, decoders), at most `MAX_SHAPES` of them. */
  readonly cache: Map<string, unknown>
  /**
   * `"col" <op> ?` by operator, then column: looked up per condition, with keys that are already
   * strings (no key is built per call).
   */
  readonly comparisons: Map<string, Map<string, string>>
  /** The store's SQL of a select (see `storeRead`), by the builder's SQL of it; at most `MAX_SHAPES`. */
  readonly storeReads: Map<string, string>
  /** UPDATE SQL by assigned columns, then conditions (see `updateOrDeleteSql`); at most `MAX_SHAPES` each. */
  readonly updateSql: Map<string, Map<string, string>>
  /** DELETE SQL by conditions, under the key ''. */
  readonly deleteSql: Map<string, Map<string, string>>
  /** The column lists inserts use, one array per list (see `insertColumns`). */
  readonly insertColumns: Map<number | string, ReadonlyArray<string>>
}

/**
 * Query shapes remembered per table. Apps have far fewer, except when they vary a shape without
 * bound (an `IN` list of each length is a shape of its own).
 */
export const MAX_SHAPES = 1000

/** Builds the table info of a table definition. */
export const makeTableInfo = (def: AnySqliteTableDef): TableInfo => {
  const columnNames = Object.keys(def.columns)
  return {
    def,
    name: def.name,
    quotedName: quoteIdentifier(def.name),
    columnNames,
    quoted: new Map(columnNames.map((name) => [name, quoteIdentifier(name)])),
    cache: new BoundedMap(MAX_SHAPES),
    comparisons: new Map(),
    storeReads: new BoundedMap(MAX_SHAPES),
    updateSql: new BoundedMap(MAX_SHAPES),
    deleteSql: new BoundedMap(MAX_SHAPES),
    insertColumns: new Map(),
  }
}

/** The column named `name`, or a `QueryBuilderError` listing the table's columns. */
export const columnOf = (table: TableInfo, name: unknown): AnyColumn => {
  const column = typeof name === 'string' && Object.hasOwn(table.def.columns, name) ? table.def.columns[name] : undefined
  if (column === undefined) {
    throw new QueryBuilderError(
      table.name,
      `unknown column ${JSON.stringify(name)}; the table's columns are ${table.columnNames.map((c) => `"${c}"`).join(', ')}.`,
    )
  }
  return column
}

/** The quoted identifier of a known column. */
export const quotedColumn = (table: TableInfo, name: string): string => table.quoted.get(name) ?? quoteIdentifier(name)

/** Returns the cached value for `key`, computing it on first use. */
export const cached = <T>(table: TableInfo, key: string, make: () => T): T => {
  let value = table.cache.get(key) as T | undefined
  if (value === undefined) {
    value = make()
    table.cache.set(key, value)
  }
  return value
}

/**
 * The names of the columns flagged in `included` (one flag per column, in table order), as one
 * array per distinct list: compiled SQL is cached by that array's identity.
 */
export const insertColumns = (table: TableInfo, included: ReadonlyArray<boolean>): ReadonlyArray<string> => {
  const key = included.length <= 30 ? bitmask(included) : included.map((flag) => (flag ? '1' : '0')).join('')
  let columns = table.insertColumns.get(key)
  if (columns === undefined) {
    columns = table.columnNames.filter((_, index) => included[index])
    table.insertColumns.set(key, columns)
  }
  return columns
}

const bitmask = (flags: ReadonlyArray<boolean>): number => {
  let mask = 0
  for (let index = 0; index < flags.length; index++) if (flags[index]) mask |= 1 << index
  return mask
}
