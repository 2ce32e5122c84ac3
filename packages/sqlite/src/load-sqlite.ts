import type { SqliteDbFactory } from '@cairn/store'
import sqlite3InitModule from '@sqlite.org/sqlite-wasm'
import { createRuntime } from './runtime.js'
import { WasmSqliteDbFactory } from './wasm-sqlite-db.js'

let loading: Promise<SqliteDbFactory> | undefined

/**
 * Loads and initialises the SQLite wasm module (about 50 ms, done once per process: later calls
 * return the same promise) and resolves to a factory of in-memory databases.
 *
 * @example
 * const sqlite = await loadSqlite()
 * const db = sqlite.openInMemory()
 */
export function loadSqlite(): Promise<SqliteDbFactory> {
  loading ??= sqlite3InitModule().then(
    (sqlite3) => new WasmSqliteDbFactory(createRuntime(sqlite3)),
    (error: unknown) => {
      // Let a later call try again instead of caching the failure.
      loading = undefined
      throw error
    },
  )
  return loading
}
