import {
  SQLITE_DESERIALIZE_FREEONCLOSE,
  SQLITE_DESERIALIZE_RESIZEABLE,
  SQLITE_NOMEM,
  SQLITE_NOTADB,
  SQLITE_OK,
} from './constants.js'
import { sqliteFailure } from './failure.js'
import type { SqliteRuntime } from './runtime.js'
import { SqliteError } from './sqlite-error.js'

const HEADER = new TextEncoder().encode('SQLite format 3\0')
const WRITE_VERSION_OFFSET = 18
const READ_VERSION_OFFSET = 19
const WAL_VERSION = 2
const ROLLBACK_JOURNAL_VERSION = 1

/** The `main` database of `db` as SQLite file bytes (sqlite3_serialize). */
export function exportDatabase(runtime: SqliteRuntime, db: number): Uint8Array {
  const { raw, memory } = runtime
  const sizeSlot = memory.outSlot(0)
  const pointer = raw.sqlite3_serialize(db, runtime.mainSchema, sizeSlot, 0)
  const size = memory.int64At(sizeSlot)
  if (pointer === 0) {
    if (size === 0) return new Uint8Array(0)
    throw sqliteFailure(runtime, db, SQLITE_NOMEM, {
      what: `Could not copy the ${size}-byte database out of SQLite`,
      hint: 'The wasm heap cannot hold a second copy of the database; free memory and retry.',
    })
  }
  const bytes = memory.copyOut(pointer, size)
  raw.sqlite3_free(pointer)
  return bytes
}

/**
 * Replaces the `main` database of `db` with `bytes` (sqlite3_deserialize). SQLite takes ownership
 * of a writable, growable copy. No statement of `db` may be prepared at this point.
 */
export function importDatabase(runtime: SqliteRuntime, db: number, bytes: Uint8Array): void {
  if (bytes.length > 0 && !HEADER.every((byte, i) => bytes[i] === byte)) {
    throw new SqliteError({
      problem: `The ${bytes.length} bytes to import are not a SQLite database (they do not start with "SQLite format 3")`,
      code: SQLITE_NOTADB,
      hint: 'Import bytes produced by SqliteDb.export() or read from a SQLite database file. The database was left unchanged.',
    })
  }
  const { raw, memory } = runtime
  const pointer = memory.allocate(Math.max(bytes.length, 1))
  const heap = memory.heap8()
  heap.set(bytes, pointer)
  // A file written in WAL mode says so in its header; an in-memory database cannot use WAL and
  // would refuse to write, so it is told to use a rollback journal instead.
  if (bytes.length > READ_VERSION_OFFSET && bytes[WRITE_VERSION_OFFSET] === WAL_VERSION) {
    heap[pointer + WRITE_VERSION_OFFSET] = ROLLBACK_JOURNAL_VERSION
    heap[pointer + READ_VERSION_OFFSET] = ROLLBACK_JOURNAL_VERSION
  }
  const size = BigInt(bytes.length)
  // On failure SQLite frees the buffer itself (FREEONCLOSE), so it is never freed here.
  const rc = raw.sqlite3_deserialize(
    db,
    runtime.mainSchema,
    pointer,
    size,
    size,
    SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_RESIZEABLE,
  )
  if (rc !== SQLITE_OK) {
    throw sqliteFailure(runtime, db, rc, {
      what: 'Could not import the database',
      hint: 'Import outside of a transaction.',
    })
  }
}
