import type { SqliteSession } from '@cairn/store'
import { SQLITE_MISUSE, SQLITE_OK, SQLITE_SESSION_OBJCONFIG_ROWID } from './constants.js'
import { sqliteFailure } from './failure.js'
import type { SqliteRuntime } from './runtime.js'
import { SqliteError } from './sqlite-error.js'

/**
 * A sqlite3_session on the `main` schema of one connection, recording changes to the tables named
 * (or, without names, to all its tables, including ones created later).
 */
export class WasmSqliteSession implements SqliteSession {
  readonly #runtime: SqliteRuntime
  readonly #db: number
  readonly #onClose: (session: WasmSqliteSession) => void
  #pointer: number

  /** Starts recording on `db`; `onClose` runs once when the session is closed. */
  constructor(runtime: SqliteRuntime, db: number, onClose: (session: WasmSqliteSession) => void, tables?: readonly string[]) {
    const { raw, memory } = runtime
    const slot = memory.outSlot(0)
    const rc = raw.sqlite3session_create(db, runtime.mainSchema, slot)
    if (rc !== SQLITE_OK) throw sessionFailure(runtime, db, rc, 'Could not create a session')
    const pointer = memory.int32At(slot)
    // Without this option the session ignores tables that have no declared PRIMARY KEY.
    memory.setInt32(slot, 1)
    let setupRc = raw.sqlite3session_object_config(pointer, SQLITE_SESSION_OBJCONFIG_ROWID, slot)
    if (tables === undefined) {
      // A NULL table name attaches every table, including ones created later.
      if (setupRc === SQLITE_OK) setupRc = raw.sqlite3session_attach(pointer, 0)
    } else {
      for (const table of tables) {
        if (setupRc !== SQLITE_OK) break
        memory.writeText(`${table}\0`)
        setupRc = raw.sqlite3session_attach(pointer, memory.scratch)
      }
    }
    if (setupRc !== SQLITE_OK) {
      raw.sqlite3session_delete(pointer)
      throw sessionFailure(runtime, db, setupRc, 'Could not configure the session')
    }
    this.#runtime = runtime
    this.#db = db
    this.#onClose = onClose
    this.#pointer = pointer
  }

  changeset(): Uint8Array {
    if (this.#pointer === 0) {
      throw new SqliteError({
        problem: 'The session is closed',
        code: SQLITE_MISUSE,
        hint: 'Take the changeset before closing the session (closing the database closes its sessions too).',
      })
    }
    const { raw, memory } = this.#runtime
    const sizeSlot = memory.outSlot(0)
    const changesetSlot = memory.outSlot(1)
    const rc = raw.sqlite3session_changeset(this.#pointer, sizeSlot, changesetSlot)
    if (rc !== SQLITE_OK) throw sessionFailure(this.#runtime, this.#db, rc, 'Could not build the changeset')
    const changeset = memory.int32At(changesetSlot)
    const bytes = memory.copyOut(changeset, memory.int32At(sizeSlot))
    raw.sqlite3_free(changeset)
    return bytes
  }

  close(): void {
    if (this.#pointer === 0) return
    this.#runtime.raw.sqlite3session_delete(this.#pointer)
    this.#pointer = 0
    this.#onClose(this)
  }
}

function sessionFailure(runtime: SqliteRuntime, db: number, rc: number, what: string): SqliteError {
  return sqliteFailure(runtime, db, rc, { what, hint: 'SQLite only refuses this when it is out of memory; free memory (close unused databases and sessions) and retry.' })
}
