/**
 * `State`: the state definition language. Only SQLite state exists: `State.SQLite.table(...)` etc.
 */
export * as SQLite from './sqlite/index.js'
