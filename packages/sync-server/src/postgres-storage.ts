/**
 * Postgres storage (the `postgres` package), for several sync server processes behind a load balancer
 * sharing one database.
 *
 * - One push at a time per store, across processes: `append` runs in a transaction that first locks
 *   the store's row (`SELECT … FOR UPDATE`), then checks the parent, claims the `clientId`, inserts
 *   the events and moves the head.
 * - Fan-out across processes: the same transaction sends `NOTIFY cairn_sync` with the store and its
 *   new head; every server `LISTEN`s and catches its live pulls up from the database. After the
 *   listening connection reconnects (notifications may have been missed), `onResync` fires and the
 *   server re-reads every live pull.
 */
import { randomUUID } from 'node:crypto'
import type postgres from 'postgres'
import { InvalidSyncServerOptionsError, SyncStorageClosedError, SyncStorageError, SyncStorageOpenError } from './errors.js'
import type { AppendNotice, AppendRequest, AppendResult, StoredEvent, StoreInfo, SyncStorage } from './storage.js'

/** Options of `openPostgresStorage`. */
export interface PostgresStorageOptions {
  /** `postgres://user:password@host:port/database`. */
  readonly url: string
  /** Most connections this process opens (default 10; one more is used for LISTEN). */
  readonly maxConnections?: number
}

/** The storage format of the tables below. Bump it (with a migration) when they change. */
const FORMAT_VERSION = 1
/** The NOTIFY channel appends are announced on. */
const CHANNEL = 'cairn_sync'
/** Key of the advisory lock that serializes schema setup between servers starting together. */
const SETUP_LOCK = 0x43534e31

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error))

/** The URL without its password, for messages. */
const redact = (url: string): string => url.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@')

/**
 * Connects to Postgres and creates the sync tables when missing (`cairn_sync_stores`,
 * `cairn_sync_events`, `cairn_sync_client_ids`, `cairn_sync_meta`). Fails with
 * `SyncStorageOpenError` when the database cannot be reached or holds another storage format.
 */
export async function openPostgresStorage(options: PostgresStorageOptions): Promise<SyncStorage> {
  const url = (options as Partial<PostgresStorageOptions> | undefined)?.url
  if (typeof url !== 'string' || url === '') {
    throw new InvalidSyncServerOptionsError(`openPostgresStorage needs { url }: postgres://user:password@host:port/database, got ${String(url)}.`)
  }
  const location = redact(url)
  let connect: typeof postgres
  try {
    connect = (await import('postgres')).default
  } catch (cause) {
    throw new SyncStorageOpenError(location, `Cannot load the postgres package (${message(cause)}). Reinstall @cairn/sync-server.`, { cause })
  }
  let sql: postgres.Sql
  try {
    sql = connect(options.url, { max: options.maxConnections ?? 10, onnotice: () => {}, connect_timeout: 10, idle_timeout: 60 })
  } catch (cause) {
    throw new SyncStorageOpenError(location, `Invalid Postgres URL ${location}: ${message(cause)}.`, { cause })
  }
  try {
    await sql.begin(async (tx) => {
      await tx`SELECT pg_advisory_xact_lock(${SETUP_LOCK})`
      await tx`CREATE TABLE IF NOT EXISTS cairn_sync_meta (key text PRIMARY KEY, value text NOT NULL)`
      const [format] = await tx<{ value: string }[]>`SELECT value FROM cairn_sync_meta WHERE key = 'format'`
      if (format !== undefined && format.value !== String(FORMAT_VERSION)) {
        throw new SyncStorageOpenError(
          location,
          `The database ${location} has sync storage format ${format.value}; this @cairn/sync-server uses format ${FORMAT_VERSION}. ` +
            `Nothing was changed: run the @cairn/sync-server version that wrote it.`,
        )
      }
      await tx`CREATE TABLE IF NOT EXISTS cairn_sync_stores (
        store_id text PRIMARY KEY,
        backend_id text NOT NULL,
        head bigint NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`
      await tx`CREATE TABLE IF NOT EXISTS cairn_sync_events (
        store_id text NOT NULL,
        seq_num bigint NOT NULL,
        event text NOT NULL,
        PRIMARY KEY (store_id, seq_num)
      )`
      await tx`CREATE TABLE IF NOT EXISTS cairn_sync_client_ids (
        store_id text NOT NULL,
        client_id text NOT NULL,
        install_id text NOT NULL,
        PRIMARY KEY (store_id, client_id)
      )`
      if (format === undefined) await tx`INSERT INTO cairn_sync_meta (key, value) VALUES ('format', ${String(FORMAT_VERSION)})`
    })
  } catch (cause) {
    await sql.end({ timeout: 1 }).catch(() => {})
    if (cause instanceof SyncStorageOpenError) throw cause
    throw new SyncStorageOpenError(location, `Cannot set up the sync tables in ${location}: ${message(cause)}.`, { cause })
  }
  const storage = new PostgresStorage(sql, location)
  try {
    await storage.listen()
  } catch (cause) {
    await sql.end({ timeout: 1 }).catch(() => {})
    throw new SyncStorageOpenError(location, `Cannot LISTEN on ${location}: ${message(cause)}.`, { cause })
  }
  return storage
}

class PostgresStorage implements SyncStorage {
  private closed = false
  private readonly appendListeners = new Set<(notice: AppendNotice) => void>()
  private readonly resyncListeners = new Set<() => void>()
  private listening = false

  constructor(
    private readonly sql: postgres.Sql,
    private readonly location: string,
  ) {}

  async listen(): Promise<void> {
    await this.sql.listen(
      CHANNEL,
      (payload) => {
        let notice: AppendNotice
        try {
          const parsed = JSON.parse(payload) as { s?: unknown; h?: unknown }
          if (typeof parsed.s !== 'string' || typeof parsed.h !== 'number') return
          notice = { storeId: parsed.s, head: parsed.h }
        } catch {
          return
        }
        for (const listener of this.appendListeners) listener(notice)
      },
      () => {
        // Called on the first LISTEN and after every reconnect: only reconnects may have missed notifications.
        if (this.listening) for (const listener of this.resyncListeners) listener()
        this.listening = true
      },
    )
  }

  private async guard<T>(what: string, run: () => Promise<T>): Promise<T> {
    if (this.closed) throw new SyncStorageClosedError(this.location)
    try {
      return await run()
    } catch (cause) {
      if (cause instanceof SyncStorageError) throw cause
      throw new SyncStorageError(`Postgres sync storage ${this.location}: ${what} failed: ${message(cause)}`, { cause })
    }
  }

  openStore(storeId: string): Promise<StoreInfo> {
    return this.guard('opening a store', async () => {
      await this.sql`INSERT INTO cairn_sync_stores (store_id, backend_id, head) VALUES (${storeId}, ${randomUUID()}, 0)
        ON CONFLICT (store_id) DO NOTHING`
      const [row] = await this.sql<{ backend_id: string; head: string }[]>`SELECT backend_id, head FROM cairn_sync_stores WHERE store_id = ${storeId}`
      if (row === undefined) throw new SyncStorageError(`Store ${JSON.stringify(storeId)} vanished while it was being opened.`)
      return { backendId: row.backend_id, head: Number(row.head) }
    })
  }

  append(request: AppendRequest): Promise<AppendResult> {
    return this.guard('appending events', () =>
      this.sql.begin(async (tx): Promise<AppendResult> => {
        const { storeId, clientId, installId, parentSeqNum, events } = request
        // Locks the store's row: pushes to one store run one at a time, whichever server received them.
        const [store] = await tx<{ head: string }[]>`SELECT head FROM cairn_sync_stores WHERE store_id = ${storeId} FOR UPDATE`
        if (store === undefined) throw new SyncStorageError(`Store ${JSON.stringify(storeId)} does not exist: open it first.`)
        const head = Number(store.head)
        if (head !== parentSeqNum) return { ok: false, reason: 'parent-mismatch', head }
        const [owner] = await tx<{ install_id: string }[]>`SELECT install_id FROM cairn_sync_client_ids
          WHERE store_id = ${storeId} AND client_id = ${clientId}`
        if (owner === undefined) {
          await tx`INSERT INTO cairn_sync_client_ids (store_id, client_id, install_id) VALUES (${storeId}, ${clientId}, ${installId})`
        } else if (owner.install_id !== installId) {
          return { ok: false, reason: 'client-id-taken', installId: owner.install_id }
        }
        let next = head
        for (const event of events) {
          if (event.seqNum !== next + 1) throw new SyncStorageError(`Event ${event.seqNum} does not follow the head ${next}.`)
          next = event.seqNum
        }
        const rows = events.map((event) => ({ store_id: storeId, seq_num: event.seqNum, event: event.json }))
        await tx`INSERT INTO cairn_sync_events ${tx(rows, 'store_id', 'seq_num', 'event')}`
        await tx`UPDATE cairn_sync_stores SET head = ${next} WHERE store_id = ${storeId}`
        // Delivered to every listening server when the transaction commits.
        await tx`SELECT pg_notify(${CHANNEL}, ${JSON.stringify({ s: storeId, h: next })})`
        return { ok: true, head: next }
      }),
    )
  }

  read(storeId: string, after: number, limit: number): Promise<readonly StoredEvent[]> {
    return this.guard('reading events', async () => {
      const rows = await this.sql<{ seq_num: string; event: string }[]>`SELECT seq_num, event FROM cairn_sync_events
        WHERE store_id = ${storeId} AND seq_num > ${after} ORDER BY seq_num LIMIT ${limit}`
      return rows.map((row) => ({ seqNum: Number(row.seq_num), json: row.event }))
    })
  }

  clientIdOwner(storeId: string, clientId: string): Promise<string | undefined> {
    return this.guard('reading a clientId', async () => {
      const [row] = await this.sql<{ install_id: string }[]>`SELECT install_id FROM cairn_sync_client_ids
        WHERE store_id = ${storeId} AND client_id = ${clientId}`
      return row?.install_id
    })
  }

  onAppend(listener: (notice: AppendNotice) => void): () => void {
    this.appendListeners.add(listener)
    return () => void this.appendListeners.delete(listener)
  }

  onResync(listener: () => void): () => void {
    this.resyncListeners.add(listener)
    return () => void this.resyncListeners.delete(listener)
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.appendListeners.clear()
    this.resyncListeners.clear()
    try {
      await this.sql.end({ timeout: 5 })
    } catch (cause) {
      throw new SyncStorageError(`Closing the Postgres sync storage ${this.location} failed: ${message(cause)}`, { cause })
    }
  }
}
