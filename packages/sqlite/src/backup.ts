import { SQLITE_DONE, SQLITE_OK } from './constants.js'
import { sqliteFailure } from './failure.js'
import type { SqliteRuntime } from './runtime.js'

/**
 * Replaces the `main` database of `destination` with that of `source` (SQLite's backup API), in one
 * write transaction of `destination`. Both must be idle (no open transaction).
 */
export function copyDatabase(runtime: SqliteRuntime, source: number, destination: number): void {
  const { raw, mainSchema } = runtime
  const hint = 'Import outside of a transaction, with no statement running. The database was left unchanged.'
  const backup = raw.sqlite3_backup_init(destination, mainSchema, source, mainSchema)
  if (backup === 0) {
    throw sqliteFailure(runtime, destination, raw.sqlite3_extended_errcode(destination), {
      what: 'Could not start copying the imported database',
      hint,
    })
  }
  const rc = raw.sqlite3_backup_step(backup, -1)
  // finish stores the outcome as the error of `destination`.
  const finished = raw.sqlite3_backup_finish(backup)
  if (rc !== SQLITE_DONE || finished !== SQLITE_OK) {
    throw sqliteFailure(runtime, destination, rc === SQLITE_DONE ? finished : rc, {
      what: 'Could not copy the imported database into the file',
      hint,
    })
  }
}
