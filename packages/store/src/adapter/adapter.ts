import type { EncodedEvent } from '../eventlog/event.js'
import type { SeqNum } from '../eventlog/seq-num.js'
import type { LiveStoreSchema } from '../schema/internal.js'
import type { SqliteDb } from '../sqlite/sqlite-db.js'

/** Where booting a store is at; `onBootStatus` receives these, e.g. to draw a progress bar. */
export type BootStatus =
  | { readonly stage: 'loading' }
  | { readonly stage: 'migrating'; readonly progress: { readonly done: number; readonly total: number } }
  | { readonly stage: 'rehydrating'; readonly progress: { readonly done: number; readonly total: number } }
  | { readonly stage: 'syncing'; readonly progress: { readonly done: number; readonly total: number } }
  | { readonly stage: 'done' }

/** What the store tells an adapter when it boots. */
export interface AdapterArgs {
  readonly schema: LiveStoreSchema
  readonly storeId: string
  readonly syncPayload: unknown
  readonly onBootStatus: (status: BootStatus) => void
}

/**
 * Connects a store to a platform: gives the session its in-memory state database and a leader
 * that persists (and later syncs) the events the session commits.
 */
export type Adapter = (args: AdapterArgs) => Promise<ClientSession>

/** One session (a tab, a process) of a client, as an adapter hands it to the store. */
export interface ClientSession {
  /** The session's state database: the schema's tables and Cairn's meta tables, materialized up to `head`. */
  readonly sqliteDb: SqliteDb
  /** Random id of this client (device/installation). */
  readonly clientId: string
  /** Random id of this session (tab/process). */
  readonly sessionId: string
  readonly leader: LeaderThread
  /** Where this session's data lives. */
  readonly storageMode: 'in-memory' | 'persisted'
}

/** The leader of a client: owns the eventlog (and, on persisted adapters, the state on disk). */
export interface LeaderThread {
  /** Takes events the session committed and materialized, in order. Writing happens asynchronously. */
  push(events: readonly EncodedEvent[]): void
  /** Resolves once every event pushed so far is written to the eventlog. */
  flush(): Promise<void>
  /** The eventlog database as SQLite file bytes (after a flush). */
  exportEventlog(): Promise<Uint8Array>
  /** Heads and counts for debugging. */
  syncState(): Promise<LeaderSyncState>
  /** Deletes all data of the store. The store is shut down afterwards. */
  hardReset(): Promise<void>
  /** Flushes and releases resources. */
  shutdown(): Promise<void>
}

/** The leader's view of the eventlog. */
export interface LeaderSyncState {
  readonly localHead: SeqNum
  readonly eventCount: number
}
