/**
 * The default storage: every store of the server in one SQLite database file (better-sqlite3, WAL).
 *
 * One file for all stores rather than one per store: stores are created on demand by any client the
 * server lets in, and `storeId`s are case-sensitive while the file systems of macOS and Windows are
 * not ("Todo" and "todo" would share a file); one file keeps one WAL, one lock, one thing to back up
 * and no open-file limit to hit. SQLite has one writer at a time per file, which costs nothing here:
 * better-sqlite3 is synchronous, so the server's appends run one after the other anyway, each a
 * short transaction.
 *
 * The file is opened in exclusive locking mode: a second server on the same file fails to start
 * (`SyncStorageOpenError`) instead of silently missing the other one's pushes in its live pulls.
 */
import { randomUUID } from 'node:crypto'
import { existsSync } from 'node:fs'
import type BetterSqlite3 from 'better-sqlite3'
import { InvalidSyncServerOptionsError, SyncStorageClosedError, SyncStorageError, SyncStorageOpenError } from './errors.js'
import type { AppendRequest, AppendResult, StoredEvent, StoreInfo, SyncStorage } from './storage.js'

/** Options of `openSqliteStorage`. */
export interface SqliteStorageOptions {
  /** The database file (created when missing), or `':memory:'` for a throw-away database. */
  readonly file: string
}

/** `PRAGMA application_id` of a Cairn sync database ("CSYN"). */
const APPLICATION_ID = 0x4353594e
/** `PRAGMA user_version`: the storage format. Bump it (with a migration) when the tables change. */
const FORMAT_VERSION = 1

const SCHEMA = `
CREATE TABLE stores (
  store_id TEXT PRIMARY KEY,
  backend_id TEXT NOT NULL,
  head INTEGER NOT NULL,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE events (
  store_id TEXT NOT NULL,
  seq_num INTEGER NOT NULL,
  event TEXT NOT NULL,
  PRIMARY KEY (store_id, seq_num)
) WITHOUT ROWID;
CREATE TABLE client_ids (
  store_id TEXT NOT NULL,
  client_id TEXT NOT NULL,
  install_id TEXT NOT NULL,
  PRIMARY KEY (store_id, client_id)
) WITHOUT ROWID;
PRAGMA application_id = ${APPLICATION_ID};
PRAGMA user_version = ${FORMAT_VERSION};
`

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error))

/**
 * Opens (or creates) the SQLite sync database `file`. Fails with `SyncStorageOpenError`, changing
 * nothing, when the file is not a Cairn sync database, was written by a newer format, or is open in
 * another server process.
 */
export async function openSqliteStorage(options: SqliteStorageOptions): Promise<SyncStorage> {
  const file = (options as Partial<SqliteStorageOptions> | undefined)?.file
  if (typeof file !== 'string' || file === '') {
    // better-sqlite3 would open a temporary database for a missing name: events that vanish on close.
    throw new InvalidSyncServerOptionsError(`openSqliteStorage needs { file }: the path of the database file (or ':memory:'), got ${String(file)}.`)
  }
  let Database: typeof BetterSqlite3
  try {
    Database = (await import('better-sqlite3')).default
  } catch (cause) {
    throw new SyncStorageOpenError(
      file,
      `Cannot load better-sqlite3 (${message(cause)}). Reinstall @cairn/sync-server so its native module gets built (npm rebuild better-sqlite3).`,
      { cause },
    )
  }
  const isNew = file === ':memory:' || !existsSync(file)
  let db: BetterSqlite3.Database
  try {
    db = new Database(file, { timeout: 0 })
  } catch (cause) {
    throw new SyncStorageOpenError(file, `Cannot open the sync database ${file}: ${message(cause)}.`, { cause })
  }
  try {
    db.pragma('locking_mode = EXCLUSIVE')
    // Take the lock now (not at the first write) so a second server fails at start.
    db.exec('BEGIN EXCLUSIVE')
    const applicationId = db.pragma('application_id', { simple: true }) as number
    const userVersion = db.pragma('user_version', { simple: true }) as number
    const tables = db.prepare(`SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table'`).get() as { n: number }
    db.exec('COMMIT')
    if (applicationId === 0 && tables.n === 0) {
      if (file !== ':memory:') db.pragma('journal_mode = WAL')
      db.exec(`BEGIN; ${SCHEMA} COMMIT;`)
    } else if (applicationId !== APPLICATION_ID) {
      throw new SyncStorageOpenError(
        file,
        `${file} is not a Cairn sync database (it holds other data). Nothing was changed: give the server another --db file.`,
      )
    } else if (userVersion !== FORMAT_VERSION) {
      throw new SyncStorageOpenError(
        file,
        `${file} has sync storage format ${userVersion}; this @cairn/sync-server reads format ${FORMAT_VERSION}. ` +
          `Nothing was changed: run the @cairn/sync-server version that wrote it.`,
      )
    } else if (file !== ':memory:') {
      db.pragma('journal_mode = WAL')
    }
    // An acknowledged push must survive a power cut: clients consider its events confirmed.
    db.pragma('synchronous = FULL')
  } catch (cause) {
    try {
      if (db.inTransaction) db.exec('ROLLBACK')
      db.close()
    } catch {}
    if (cause instanceof SyncStorageOpenError) throw cause
    const busy = (cause as { code?: unknown }).code === 'SQLITE_BUSY'
    throw new SyncStorageOpenError(
      file,
      busy
        ? `The sync database ${file} is in use by another process (another sync server?). Stop it, or give this server another --db file.`
        : `Cannot open the sync database ${file}${isNew ? '' : ' (it is left as it was)'}: ${message(cause)}.`,
      { cause },
    )
  }
  return new SqliteStorage(db, file)
}

class SqliteStorage implements SyncStorage {
  private closed = false
  private readonly selectStore
  private readonly insertStore
  private readonly updateHead
  private readonly insertEvent
  private readonly selectEvents
  private readonly selectOwner
  private readonly insertOwner
  private readonly appendTx

  constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly file: string,
  ) {
    this.selectStore = db.prepare<[string], { backend_id: string; head: number }>('SELECT backend_id, head FROM stores WHERE store_id = ?')
    this.insertStore = db.prepare<[string, string, number]>('INSERT INTO stores (store_id, backend_id, head, created_at) VALUES (?, ?, 0, ?)')
    this.updateHead = db.prepare<[number, string]>('UPDATE stores SET head = ? WHERE store_id = ?')
    this.insertEvent = db.prepare<[string, number, string]>('INSERT INTO events (store_id, seq_num, event) VALUES (?, ?, ?)')
    this.selectEvents = db.prepare<[string, number, number], { seq_num: number; event: string }>(
      'SELECT seq_num, event FROM events WHERE store_id = ? AND seq_num > ? ORDER BY seq_num LIMIT ?',
    )
    this.selectOwner = db.prepare<[string, string], { install_id: string }>('SELECT install_id FROM client_ids WHERE store_id = ? AND client_id = ?')
    this.insertOwner = db.prepare<[string, string, string]>('INSERT INTO client_ids (store_id, client_id, install_id) VALUES (?, ?, ?)')
    this.appendTx = db.transaction((request: AppendRequest): AppendResult => {
      const store = this.selectStore.get(request.storeId)
      if (store === undefined) throw new SyncStorageError(`Store ${JSON.stringify(request.storeId)} does not exist: open it first.`)
      if (store.head !== request.parentSeqNum) return { ok: false, reason: 'parent-mismatch', head: store.head }
      const owner = this.selectOwner.get(request.storeId, request.clientId)
      if (owner === undefined) this.insertOwner.run(request.storeId, request.clientId, request.installId)
      else if (owner.install_id !== request.installId) return { ok: false, reason: 'client-id-taken', installId: owner.install_id }
      let head = store.head
      for (const event of request.events) {
        if (event.seqNum !== head + 1) throw new SyncStorageError(`Event ${event.seqNum} does not follow the head ${head}.`)
        this.insertEvent.run(request.storeId, event.seqNum, event.json)
        head = event.seqNum
      }
      this.updateHead.run(head, request.storeId)
      return { ok: true, head }
    })
  }

  private guard<T>(what: string, run: () => T): Promise<T> {
    if (this.closed) return Promise.reject(new SyncStorageClosedError(this.file))
    try {
      return Promise.resolve(run())
    } catch (cause) {
      if (cause instanceof SyncStorageError) return Promise.reject(cause)
      return Promise.reject(new SyncStorageError(`SQLite sync storage ${this.file}: ${what} failed: ${message(cause)}`, { cause }))
    }
  }

  openStore(storeId: string): Promise<StoreInfo> {
    return this.guard('opening a store', () => {
      const existing = this.selectStore.get(storeId)
      if (existing !== undefined) return { backendId: existing.backend_id, head: existing.head }
      const backendId = randomUUID()
      this.insertStore.run(storeId, backendId, Date.now())
      return { backendId, head: 0 }
    })
  }

  append(request: AppendRequest): Promise<AppendResult> {
    return this.guard('appending events', () => this.appendTx.immediate(request))
  }

  read(storeId: string, after: number, limit: number): Promise<readonly StoredEvent[]> {
    return this.guard('reading events', () =>
      this.selectEvents.all(storeId, after, limit).map((row) => ({ seqNum: row.seq_num, json: row.event })),
    )
  }

  clientIdOwner(storeId: string, clientId: string): Promise<string | undefined> {
    return this.guard('reading a clientId', () => this.selectOwner.get(storeId, clientId)?.install_id)
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve()
    this.closed = true
    try {
      this.db.close()
      return Promise.resolve()
    } catch (cause) {
      return Promise.reject(new SyncStorageError(`Closing the SQLite sync storage ${this.file} failed: ${message(cause)}`, { cause }))
    }
  }
}
