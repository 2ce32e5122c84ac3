import { SQLITE_CANTOPEN, SQLITE_CANTOPEN_ISDIR, SQLITE_FULL } from './constants.js'

/** The Node error code (`ENOENT`, …) of a thrown value, if it is a Node system error. */
export function errnoOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : undefined
}

/**
 * The SQLite result code for an I/O failure: a full disk is `SQLITE_FULL` whatever the operation
 * (SQLite then rolls back and reports "database or disk is full"), anything else `fallback`, the
 * operation's own `SQLITE_IOERR_*` code.
 */
export function ioErrorCode(error: unknown, fallback: number): number {
  const code = errnoOf(error)
  return code === 'ENOSPC' || code === 'EDQUOT' ? SQLITE_FULL : fallback
}

/** The SQLite result code for a failed open. */
export function openErrorCode(error: unknown): number {
  return errnoOf(error) === 'EISDIR' ? SQLITE_CANTOPEN_ISDIR : SQLITE_CANTOPEN
}
