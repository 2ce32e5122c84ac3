/**
 * `@cairn/sqlite`: Cairn's `SqliteDb` contract implemented on the official SQLite wasm build
 * (`@sqlite.org/sqlite-wasm`), with a prepared-statement cache, table-level read/write tracking and
 * the session extension for changesets. Databases live in memory, in Node in files, and in a browser's
 * dedicated worker in OPFS.
 */
export { loadSqlite } from './load-sqlite.js'
export type { OpenFileOptions, WasmSqliteDbFactory } from './wasm-sqlite-db.js'
export type { OpfsOpenOptions, OpfsPool, OpfsPoolOptions } from './opfs-pool.js'
export { SqliteError } from './sqlite-error.js'
export { DatabaseLockedError } from './database-locked-error.js'
