/**
 * Encoding app values to bind values through the column codecs, with errors that name the table
 * and column. Where clauses, inserts and updates all bind through here: values are never spliced
 * into SQL text.
 */
import { ColumnDecodeError, InvalidColumnValueError } from '../schema/errors.js'
import { ColumnCodecIssue } from '../schema/sqlite/column-codecs.js'
import type { AnyColumn } from '../schema/sqlite/column-def.js'
import { SessionIdSymbol } from '../schema/session-id.js'
import type { BindValue } from '../sqlite/sqlite-db.js'
import { columnOf, type TableInfo } from './table-info.js'
import type { CompiledBindValue } from './types.js'

/** Encodes `value` for column `name`; `InvalidColumnValueError` when it does not fit. */
export const encodeValue = (table: TableInfo, name: string, value: unknown, known?: AnyColumn): CompiledBindValue => {
  const column = known ?? columnOf(table, name)
  // The session id is only known when the store runs the query; it substitutes the symbol.
  if (value === SessionIdSymbol && column.sqlType === 'text') return SessionIdSymbol
  try {
    return column.encode(value)
  } catch (error) {
    if (error instanceof ColumnCodecIssue) throw new InvalidColumnValueError(table.name, name, error.detail, { cause: error })
    throw error
  }
}

/** Decodes a stored value of column `name`; `ColumnDecodeError` when it does not fit. */
export const decodeValue = (table: TableInfo, name: string, value: BindValue): unknown => {
  const column = columnOf(table, name)
  try {
    return column.decode(value)
  } catch (error) {
    if (error instanceof ColumnCodecIssue) throw new ColumnDecodeError(table.name, name, error.detail, { cause: error })
    throw error
  }
}
