/**
 * SQLite C constants this package branches on. They are part of SQLite's stable ABI, so they are
 * spelled out here instead of being looked up on `capi` in hot paths.
 */

export const SQLITE_OK = 0
export const SQLITE_ABORT = 4
export const SQLITE_NOMEM = 7
export const SQLITE_CANTOPEN = 14
export const SQLITE_MISMATCH = 20
export const SQLITE_MISUSE = 21
export const SQLITE_RANGE = 25
export const SQLITE_NOTADB = 26
export const SQLITE_ROW = 100
export const SQLITE_DONE = 101

export const SQLITE_INTEGER = 1
export const SQLITE_FLOAT = 2
export const SQLITE_TEXT = 3
export const SQLITE_BLOB = 4

/** Destructor value telling SQLite to copy bound text or blobs before the call returns. */
export const SQLITE_TRANSIENT = -1

export const SQLITE_OPEN_READWRITE = 0x02
export const SQLITE_OPEN_CREATE = 0x04

export const SQLITE_PREPARE_PERSISTENT = 0x01

export const SQLITE_DESERIALIZE_FREEONCLOSE = 1
export const SQLITE_DESERIALIZE_RESIZEABLE = 2

/** Missing from sqlite-wasm's `capi` constants, though the C function accepts it (sqlite3session.h). */
export const SQLITE_SESSION_OBJCONFIG_ROWID = 2

export const SQLITE_CHANGESET_ABORT = 2

/** Authorizer action codes (https://sqlite.org/c3ref/c_alter_table.html). */
export const Action = {
  CREATE_INDEX: 1,
  CREATE_VIEW: 8,
  DELETE: 9,
  DROP_INDEX: 10,
  DROP_VIEW: 17,
  INSERT: 18,
  READ: 20,
  TRANSACTION: 22,
  UPDATE: 23,
  ATTACH: 24,
  DETACH: 25,
  ALTER_TABLE: 26,
  CREATE_VTABLE: 29,
  DROP_VTABLE: 30,
  SAVEPOINT: 32,
} as const
