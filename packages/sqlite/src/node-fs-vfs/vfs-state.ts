import type { WasmMemory } from '../wasm-memory.js'
import type { HeldLock } from './lock-file.js'

/** A file SQLite opened through the VFS, keyed by its `sqlite3_file*`. */
export interface OpenFile {
  readonly fd: number
  readonly path: string
  /** Temp files and files SQLite opened with SQLITE_OPEN_DELETEONCLOSE. */
  readonly deleteOnClose: boolean
  /** The cross-process lock of a main database file. */
  readonly lock: HeldLock | undefined
  /** SQLITE_LOCK_NONE … SQLITE_LOCK_EXCLUSIVE, as SQLite last set it. */
  lockLevel: number
}

/** What the VFS and I/O methods of one wasm module share. */
export interface VfsState {
  readonly memory: WasmMemory
  readonly files: Map<number, OpenFile>
  /** Why the last xOpen failed (a DatabaseLockedError or a Node error), for `openFile` to report. */
  lastOpenFailure: { readonly path: string; readonly error: unknown } | undefined
}
