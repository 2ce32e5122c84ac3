import { CairnError } from '@cairn/store'

/**
 * What `@cairn/sqlite` throws for every failure: SQLite refusing a statement, a value that cannot be
 * bound, a conflicting changeset, use after close, a database file that cannot be opened. The one
 * exception is a database file held by another process, a `DatabaseLockedError`. The message says
 * what failed, SQLite's own explanation, the SQL involved and what to do about it.
 */
export class SqliteError extends CairnError {
  readonly _tag = 'SqliteError'
  /**
   * SQLite's extended result code (https://sqlite.org/rescode.html); `code & 0xff` is the primary
   * code. Failures detected before SQLite runs use the closest SQLite code: `SQLITE_MISUSE` (21) for
   * use after close, `SQLITE_MISMATCH` (20) for unbindable values, `SQLITE_RANGE` (25) for
   * parameters that are missing or unknown, `SQLITE_CANTOPEN` (14) for a database file or directory
   * that does not exist or cannot be opened, `SQLITE_NOTADB` (26) for a file that is not a database.
   */
  readonly code: number
  /** The statement that failed, when the failure belongs to one. */
  readonly sql: string | undefined

  constructor(options: {
    /** What failed, including SQLite's message when there is one. */
    readonly problem: string
    readonly code: number
    readonly sql?: string | undefined
    /** What the caller can do about it. */
    readonly hint: string
  }) {
    const sqlLine = options.sql === undefined ? '' : `\nSQL: ${options.sql}`
    super(`${options.problem}${sqlLine}\n${options.hint}`)
    this.code = options.code
    this.sql = options.sql
  }
}
