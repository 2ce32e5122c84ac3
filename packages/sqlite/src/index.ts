/**
 * `@cairn/sqlite`: Cairn's `SqliteDb` contract implemented on the official SQLite wasm build
 * (`@sqlite.org/sqlite-wasm`), with a prepared-statement cache, table-level read/write tracking and
 * the session extension for changesets.
 */
export { loadSqlite } from './load-sqlite.js'
export { SqliteError } from './sqlite-error.js'
