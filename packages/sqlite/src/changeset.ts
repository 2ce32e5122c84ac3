import { SQLITE_ABORT, SQLITE_OK } from './constants.js'
import { sqliteFailure } from './failure.js'
import type { SqliteRuntime } from './runtime.js'
import { SqliteError } from './sqlite-error.js'

/** The changeset that undoes `changeset` (sqlite3changeset_invert). */
export function invertChangeset(runtime: SqliteRuntime, changeset: Uint8Array): Uint8Array {
  const { raw, memory } = runtime
  memory.writeBytes(changeset)
  const sizeSlot = memory.outSlot(0)
  const invertedSlot = memory.outSlot(1)
  const rc = raw.sqlite3changeset_invert(changeset.length, memory.scratch, sizeSlot, invertedSlot)
  if (rc !== SQLITE_OK) {
    throw sqliteFailure(runtime, 0, rc, {
      what: 'Could not invert the changeset',
      hint: 'Pass bytes produced by SqliteSession.changeset() (a patchset cannot be inverted).',
    })
  }
  const inverted = memory.int32At(invertedSlot)
  const bytes = memory.copyOut(inverted, memory.int32At(sizeSlot))
  raw.sqlite3_free(inverted)
  return bytes
}

/**
 * Applies `changeset` to `db` all or nothing: the first conflict aborts, and SQLite rolls back what
 * was applied so far (it applies inside a savepoint).
 */
export function applyChangeset(runtime: SqliteRuntime, db: number, changeset: Uint8Array): void {
  const { raw, memory, conflicts } = runtime
  memory.writeBytes(changeset)
  const rc = raw.sqlite3changeset_apply(db, changeset.length, memory.scratch, 0, conflicts.callback, 0)
  const conflict = conflicts.takeFirst()
  if (rc === SQLITE_OK) return
  if (rc === SQLITE_ABORT && conflict !== undefined) {
    throw new SqliteError({
      problem: `The changeset conflicts with the database, so none of it was applied. First conflict: ${conflict}`,
      code: rc,
      hint: 'Apply changesets in the order they were recorded, to a database in the state they were recorded against (undo the newest first).',
    })
  }
  throw sqliteFailure(runtime, db, rc, {
    what: 'Could not apply the changeset; none of it was applied',
    hint: 'Pass bytes produced by SqliteSession.changeset() or invertChangeset().',
  })
}
