/**
 * The contract between Cairn's sync processor and a sync backend transport (e.g. `makeWsSync` from
 * `@cairn/sync-ws`). A transport moves events; ordering, rebase and retries of rejected pushes are
 * the processor's job. See docs/protocol.md for the semantics the Cairn server implements.
 */

/** An event as it travels to and from the backend: global sequence numbers only. */
export interface SyncEvent {
  readonly name: string
  /** The arguments encoded with the event's schema (JSON). */
  readonly args: unknown
  readonly seqNum: number
  readonly parentSeqNum: number
  readonly clientId: string
  readonly sessionId: string
  readonly timestamp: number
}

/** A batch of events from the backend, in order, each with `seqNum` above the previous batch's. */
export interface SyncEventBatch {
  readonly events: readonly SyncEvent[]
  /** The backend head when the batch was sent. */
  readonly head: number
  /** Whether the batch reached the head of its time (true for every live batch). */
  readonly caughtUp: boolean
}

/** The answer to a push. */
export type SyncPushResult =
  | { readonly ok: true; readonly head: number }
  | {
      readonly ok: false
      readonly reason: 'parent-mismatch'
      readonly head: number
      /** Events after the push's parent (up to `head`, or fewer when `more`). */
      readonly missing: readonly SyncEvent[]
      readonly more: boolean
    }

/** Connection state, as `SyncConnection.onStatus` reports it. */
export type SyncConnectionStatus =
  | { readonly state: 'connecting'; readonly attempt: number }
  | { readonly state: 'connected'; readonly backendId: string; readonly head: number }
  | { readonly state: 'disconnected'; readonly error?: unknown; readonly retryInMs: number }
  /** The backend refused for good (unauthorized, version mismatch, clientId taken…); no more retries. */
  | { readonly state: 'failed'; readonly error: unknown }

/** What a client passes when it connects. */
export interface SyncConnectArgs {
  readonly storeId: string
  readonly clientId: string
  /** Random per installation, kept with the eventlog: lets the backend detect a clientId collision. */
  readonly installId: string
  /** The app's `syncPayload` (e.g. an auth token), given to the backend's `validatePayload`. */
  readonly payload: unknown
}

/**
 * One store's connection to the backend. It connects at once and reconnects by itself with backoff;
 * after a reconnect it resumes delivering events after the last one it delivered.
 */
export interface SyncConnection {
  /** Starts delivering events with `seqNum > cursor`, then live ones. Call once, after `onEvents`. */
  pull(cursor: number): void
  /** Receives batches in order; returns an unsubscribe function. */
  onEvents(listener: (batch: SyncEventBatch) => void): () => void
  /** Receives the current connection state at once, then every change; returns an unsubscribe function. */
  onStatus(listener: (status: SyncConnectionStatus) => void): () => void
  /**
   * Pushes consecutive events built on `events[0].parentSeqNum`. Rejects (with a typed error) when the
   * connection drops before the answer: the processor pushes again after reconnecting.
   */
  push(events: readonly SyncEvent[]): Promise<SyncPushResult>
  /** Closes the connection; no more reconnects. */
  close(): Promise<void>
}

/** A sync backend, as `sync: { backend }` takes it: connects stores to it. */
export interface SyncBackend {
  connect(args: SyncConnectArgs): SyncConnection
}
