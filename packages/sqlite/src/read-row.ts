import type { BindValue, SqliteRow } from '@cairn/store'
import { SQLITE_BLOB, SQLITE_FLOAT, SQLITE_INTEGER, SQLITE_TEXT } from './constants.js'
import type { PreparedStatement } from './prepare.js'
import type { SqliteRuntime } from './runtime.js'

/**
 * The current row of a stepped statement as an object. Integers come back as numbers when they
 * are safe integers and as bigints otherwise; blobs as copies, so they outlive the statement.
 */
export function readRow(runtime: SqliteRuntime, prepared: PreparedStatement): SqliteRow {
  const { raw, memory } = runtime
  const { pointer: statement, columnNames, texts } = prepared
  const row: SqliteRow = {}
  for (let column = 0; column < columnNames.length; column++) {
    let value: BindValue
    switch (raw.sqlite3_column_type(statement, column)) {
      case SQLITE_INTEGER: {
        // Reading as double first avoids allocating a bigint for the common, safe case.
        const double = raw.sqlite3_column_double(statement, column)
        value =
          double <= Number.MAX_SAFE_INTEGER && double >= Number.MIN_SAFE_INTEGER
            ? double
            : raw.sqlite3_column_int64(statement, column)
        break
      }
      case SQLITE_FLOAT:
        value = raw.sqlite3_column_double(statement, column)
        break
      case SQLITE_TEXT: {
        // sqlite3_column_text must come before sqlite3_column_bytes (https://sqlite.org/c3ref/column_blob.html).
        const text = raw.sqlite3_column_text(statement, column)
        value = texts.read(memory, column, text, raw.sqlite3_column_bytes(statement, column))
        break
      }
      case SQLITE_BLOB: {
        const blob = raw.sqlite3_column_blob(statement, column)
        value = memory.copyOut(blob, raw.sqlite3_column_bytes(statement, column))
        break
      }
      default:
        value = null
    }
    row[columnNames[column]!] = value
  }
  return row
}
