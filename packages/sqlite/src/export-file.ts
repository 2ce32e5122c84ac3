import type { SqliteRow } from '@cairn/store'

/** What `exportFromFile` needs of a connection to a database file. */
export interface FileConnection {
  select(sql: string): SqliteRow[]
  inTransaction(): boolean
  readonly path: string
  readonly readFile: (path: string, length: number) => Uint8Array | undefined
}

/**
 * The bytes of a file database read from the file in one call: sqlite3_serialize would read it page
 * by page through the VFS (a JS call and a system call per page, tens of milliseconds for a few
 * megabytes). The file holds the whole database once no transaction is open and every WAL frame is
 * checkpointed into it; a PASSIVE checkpoint copies them all, as exclusive locking leaves no reader
 * that could hold it back. Returns undefined when the file cannot be read that way.
 */
export function exportFromFile(connection: FileConnection): Uint8Array | undefined {
  if (connection.inTransaction()) return undefined
  // (busy, log, checkpointed): frames in the WAL and frames copied; -1, -1 without a WAL.
  const checkpoint = connection.select('PRAGMA wal_checkpoint')[0]
  if (checkpoint === undefined || checkpoint.busy !== 0 || checkpoint.log !== checkpoint.checkpointed) return undefined
  const pageSize = connection.select('PRAGMA page_size')[0]?.page_size
  const pageCount = connection.select('PRAGMA page_count')[0]?.page_count
  if (typeof pageSize !== 'number' || typeof pageCount !== 'number') return undefined
  return connection.readFile(connection.path, pageSize * pageCount)
}
