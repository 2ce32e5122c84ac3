import type { SyncBackend } from './sync-backend.js'

/**
 * How a store waits for the backend when it boots:
 * - `Skip` (default): boot from local data at once; sync catches up in the background.
 * - `Blocking`: boot once the events the backend holds are pulled, or after `timeout` ms
 *   (offline), whichever comes first.
 */
export type InitialSyncOptions = { readonly _tag: 'Skip' } | { readonly _tag: 'Blocking'; readonly timeout: number }

/**
 * `sync` option of the adapters: which backend to sync with and how.
 *
 * @example
 * makeAdapter({ storage: { type: 'fs' }, sync: { backend: makeWsSync({ url: 'ws://localhost:8787/sync' }) } })
 */
export interface SyncOptions {
  /** The backend, e.g. `makeWsSync({ url })` from `@cairn/sync-ws`. */
  readonly backend: SyncBackend
  /**
   * What the store does when sync fails for good (the backend refuses the client, or was reset):
   * `'ignore'` (default) keeps the store working locally and reports the failure in
   * `store.syncStatus()`; `'shutdown'` shuts the store down.
   */
  readonly onSyncError?: 'ignore' | 'shutdown'
  /** Whether booting waits for the backend (default `{ _tag: 'Skip' }`). */
  readonly initialSyncOptions?: InitialSyncOptions
}
