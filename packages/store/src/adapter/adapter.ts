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
  /**
   * The events the undo segments in `sqliteDb` cover (from the oldest segment's start to the head),
   * so the session can roll its state back when the leader rebases. Empty when there are none.
   */
  readonly recentEvents: readonly EncodedEvent[]
  /**
   * The leader never rewinds this session: it is the leader's only session and there is no sync
   * backend, so nothing can come before its events. The session then records no undo information,
   * which would cost a copy of every row each commit changes.
   */
  readonly neverRewound?: boolean
}

/** The leader of a client: owns the eventlog (and, on persisted adapters, the state on disk). */
export interface LeaderThread {
  /**
   * Takes events a session committed and materialized, in order. Writing happens asynchronously.
   * The leader appends them only if they continue its eventlog: their first parent is its head and
   * the session has not been refused at this `epoch` before (see `LeaderMessage`); otherwise they
   * are dropped, and the session rebases them once it has seen the events that came first.
   */
  push(events: readonly EncodedEvent[], epoch: number): void
  /**
   * Receives every change of the leader's eventlog and sync state, in order: first the current sync
   * status, then the messages since the session's state was taken. Returns an unsubscribe function.
   */
  subscribe(listener: (message: LeaderMessage) => void): () => void
  /** Reconnects sync with a new `syncPayload` (e.g. a refreshed auth token); nothing without sync. */
  updateSyncPayload(payload: unknown): Promise<void>
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

/**
 * What the leader tells its sessions:
 * - `advance`: `events` were appended to the eventlog (the session's own, echoed, and those of
 *   other sessions and of the backend), in order; `confirmed`: the backend confirmed them and every
 *   event before them, so they are never rolled back (sessions need not record how to undo them);
 * - `rewind`: the eventlog after `to` was replaced by `events` (a rebase on the backend's events);
 * - `sync-status`: the sync state changed;
 * - `shutdown`: the leader stopped for good (`onSyncError: 'shutdown'`); the store shuts down.
 *
 * A session that pushed events the leader dropped (another session or the backend came first) sees
 * them missing from the next `advance`/`rewind`, rebases them on top and pushes them again with its
 * epoch increased by one: the leader drops every push of a session at an epoch it refused before.
 */
export type LeaderMessage =
  | { readonly _tag: 'advance'; readonly events: readonly EncodedEvent[]; readonly confirmed?: boolean }
  | { readonly _tag: 'rewind'; readonly to: SeqNum; readonly events: readonly EncodedEvent[] }
  | { readonly _tag: 'sync-status'; readonly status: LeaderSyncStatus }
  | { readonly _tag: 'shutdown'; readonly reason: string }

/** Where the leader's sync with the backend stands. */
export interface LeaderSyncStatus {
  /** `off`: no sync backend is configured. */
  readonly connection: 'off' | 'connecting' | 'connected' | 'disconnected' | 'failed'
  /**
   * The last event the backend confirmed; the leader never rewinds before it. Without a backend,
   * the leader's head (nothing is ever rewound then).
   */
  readonly confirmedHead: SeqNum
  /** The backend's head as last heard of (`undefined` before the first connection). */
  readonly backendHead: number | undefined
  /** Why sync is disconnected or failed, for display. */
  readonly error: string | undefined
  /** The client's id; it changes when the backend says another installation already uses it. */
  readonly clientId: string
}

/** The leader's view of the eventlog. */
export interface LeaderSyncState {
  readonly localHead: SeqNum
  readonly eventCount: number
}
