import type { SqliteRuntime } from './runtime.js'
import { SqliteError } from './sqlite-error.js'

/** A SqliteError for result code `code` of a call on `db`, carrying SQLite's message for it. */
export function sqliteFailure(
  runtime: SqliteRuntime,
  db: number,
  code: number,
  context: { readonly what: string; readonly sql?: string; readonly hint: string },
): SqliteError {
  const { raw, memory } = runtime
  const message = memory.cstringAt(db === 0 ? raw.sqlite3_errstr(code) : raw.sqlite3_errmsg(db))
  return new SqliteError({
    problem: `${context.what}: ${message} (${runtime.info.resultCodeName(code) ?? `code ${code}`})`,
    code,
    sql: context.sql,
    hint: context.hint,
  })
}
