import type { SqliteRuntime } from './runtime.js'
import { SqliteError } from './sqlite-error.js'

/** A SqliteError for result code `code` of a call on `db`, carrying SQLite's message for it. */
export function sqliteFailure(
  runtime: SqliteRuntime,
  db: number,
  code: number,
  context: { readonly what: string; readonly sql?: string; readonly hint: string },
): SqliteError {
  const { capi } = runtime
  const message = db === 0 ? capi.sqlite3_errstr(code) : capi.sqlite3_errmsg(db)
  return new SqliteError({
    problem: `${context.what}: ${message} (${capi.sqlite3_js_rc_str(code) ?? `code ${code}`})`,
    code,
    sql: context.sql,
    hint: context.hint,
  })
}
