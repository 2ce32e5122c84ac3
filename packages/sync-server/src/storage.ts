/**
 * Where a sync server keeps its stores' eventlogs. `createSyncServer` talks to storage only through
 * this interface; `makeSqliteStorage` (the default) and `makePostgresStorage` implement it.
 */

/** A store as storage holds it. */
export interface StoreInfo {
  /** Random id created with the store's eventlog; a new one means the backend was reset. */
  readonly backendId: string
  /** `seqNum` of the store's last event, `0` when it has none. */
  readonly head: number
}

/** One stored event: its global number and the event as JSON text (exactly what goes on the wire). */
export interface StoredEvent {
  readonly seqNum: number
  readonly json: string
}

/** What `append` is asked to do. */
export interface AppendRequest {
  readonly storeId: string
  /** The client pushing; claimed for `installId` on its first accepted push to the store. */
  readonly clientId: string
  readonly installId: string
  /** The head the events were built on: the append happens only if it is the store's head. */
  readonly parentSeqNum: number
  /** Consecutive events, the first numbered `parentSeqNum + 1` (the server checked this). */
  readonly events: readonly StoredEvent[]
}

/** What `append` did. */
export type AppendResult =
  /** Appended; `head` is the last event's `seqNum`. */
  | { readonly ok: true; readonly head: number }
  /** Nothing appended: `parentSeqNum` is not the head. */
  | { readonly ok: false; readonly reason: 'parent-mismatch'; readonly head: number }
  /** Nothing appended: another installation already pushed to this store with this `clientId`. */
  | { readonly ok: false; readonly reason: 'client-id-taken'; readonly installId: string }

/** An append made by this or another process sharing the storage (see `SyncStorage.onAppend`). */
export interface AppendNotice {
  readonly storeId: string
  /** The store's head after the append. */
  readonly head: number
}

/**
 * A sync server's event storage. Every method may be called concurrently for different stores;
 * `append` must be atomic (all events or none, the parent check and the `clientId` claim in the same
 * transaction) and must serialize appends to one store, also across processes sharing the storage.
 */
export interface SyncStorage {
  /** Opens a store's eventlog, creating it (with a new `backendId`) when it does not exist. */
  openStore(storeId: string): Promise<StoreInfo>
  /** Appends the events if `parentSeqNum` is the store's head and the `clientId` is not taken. */
  append(request: AppendRequest): Promise<AppendResult>
  /** Events with `seqNum > after`, ascending, at most `limit`. */
  read(storeId: string, after: number, limit: number): Promise<readonly StoredEvent[]>
  /** The `installId` that claimed `clientId` in the store (by its first accepted push), if any. */
  clientIdOwner(storeId: string, clientId: string): Promise<string | undefined>
  /**
   * Storage shared by several server processes reports appends made by any of them, so each server
   * delivers them to its own live clients. Single-process storage leaves it out.
   */
  onAppend?(listener: (notice: AppendNotice) => void): () => void
  /** Called after the server reconnects to shared storage: appends may have been missed meanwhile. */
  onResync?(listener: () => void): () => void
  /** Releases the storage (waits for running operations). */
  close(): Promise<void>
}
