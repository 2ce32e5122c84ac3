import sqlite3InitModule from '@sqlite.org/sqlite-wasm'
import type { FileVfs } from './file-vfs.js'
import { createRuntime, type SqliteRuntime } from './runtime.js'
import { WasmSqliteDbFactory } from './wasm-sqlite-db.js'

let loading: Promise<WasmSqliteDbFactory> | undefined

/**
 * Loads and initialises the SQLite wasm module (about 50 ms, done once per process: later calls
 * return the same promise) and resolves to a factory of databases: in memory everywhere, and in
 * files (`openFile`) in Node.
 *
 * @example
 * const sqlite = await loadSqlite()
 * const db = sqlite.openInMemory()
 * const saved = sqlite.openFile('./data/app.db')
 */
export function loadSqlite(): Promise<WasmSqliteDbFactory> {
  loading ??= Promise.all([sqlite3InitModule(), loadFileVfs()]).then(
    ([sqlite3, installFileVfs]) => new WasmSqliteDbFactory(createRuntime(sqlite3), installFileVfs),
    (error: unknown) => {
      // Let a later call try again instead of caching the failure.
      loading = undefined
      throw error
    },
  )
  return loading
}

/**
 * The node:fs VFS in Node, nothing elsewhere. Imported dynamically so that browser bundles of this
 * package do not pull in `node:` modules.
 */
async function loadFileVfs(): Promise<((runtime: SqliteRuntime) => FileVfs) | undefined> {
  if (globalThis.process?.versions?.node === undefined) return undefined
  const { installNodeFsVfs } = await import('./node-fs-vfs/index.js')
  return installNodeFsVfs
}
