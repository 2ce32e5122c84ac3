/**
 * A VFS that keeps databases in real files, as `WasmSqliteDbFactory.openFile` needs it. In Node it
 * is `node-fs-vfs/` (loaded by `loadSqlite`); elsewhere there is none and `openFile` refuses.
 */
export interface FileVfs {
  /** The name it is registered under in the wasm module. */
  readonly name: string
  /**
   * The absolute path of the database file `path`, after checking that it can be opened: its
   * directory exists, and so does the file unless `create`. Throws a SqliteError saying what is
   * wrong and what to do otherwise.
   */
  resolve(path: string, create: boolean): string
  /**
   * Why the last open of `path` failed, if it failed in the VFS (a DatabaseLockedError, or the Node
   * error of the open); cleared by the call.
   */
  takeOpenFailure(path: string): unknown
  /**
   * The first `length` bytes of the file at `path` in one read, or undefined when the file is
   * shorter. Optional: without it, `export()` reads a database page by page through SQLite.
   */
  readFile?(path: string, length: number): Uint8Array | undefined
}
