import type { BindValue, SqliteRow } from '@cairn/store'
import { SQLITE_BLOB, SQLITE_FLOAT, SQLITE_INTEGER, SQLITE_TEXT } from './constants.js'
import type { PreparedStatement } from './prepare.js'
import type { SqliteRuntime } from './runtime.js'

/**
 * The current row of a stepped statement as an object. Integers come back as numbers when they
 * are safe integers and as bigints otherwise; blobs as copies, so they outlive the statement.
 */
export function readRow(runtime: SqliteRuntime, prepared: PreparedStatement): SqliteRow {
  const { columnNames } = prepared
  const row: SqliteRow = {}
  for (let column = 0; column < columnNames.length; column++) row[columnNames[column]!] = readColumn(runtime, prepared, column)
  return row
}

/**
 * The current row as an array of values in column order, converted as by `readRow`. Cheaper for
 * many rows: an object gets its keys one by one, through a hidden-class transition each.
 */
export function readValues(runtime: SqliteRuntime, prepared: PreparedStatement): BindValue[] {
  const count = prepared.columnNames.length
  const values = new Array<BindValue>(count)
  for (let column = 0; column < count; column++) values[column] = readColumn(runtime, prepared, column)
  return values
}

function readColumn(runtime: SqliteRuntime, prepared: PreparedStatement, column: number): BindValue {
  const { raw, memory } = runtime
  const statement = prepared.pointer
  switch (raw.sqlite3_column_type(statement, column)) {
    case SQLITE_INTEGER: {
      // Reading as double first avoids allocating a bigint for the common, safe case.
      const double = raw.sqlite3_column_double(statement, column)
      return double <= Number.MAX_SAFE_INTEGER && double >= Number.MIN_SAFE_INTEGER
        ? double
        : raw.sqlite3_column_int64(statement, column)
    }
    case SQLITE_FLOAT:
      return raw.sqlite3_column_double(statement, column)
    case SQLITE_TEXT: {
      // sqlite3_column_text must come before sqlite3_column_bytes (https://sqlite.org/c3ref/column_blob.html).
      const text = raw.sqlite3_column_text(statement, column)
      return prepared.texts.read(memory, column, text, raw.sqlite3_column_bytes(statement, column))
    }
    case SQLITE_BLOB: {
      const blob = raw.sqlite3_column_blob(statement, column)
      return memory.copyOut(blob, raw.sqlite3_column_bytes(statement, column))
    }
    default:
      return null
  }
}
