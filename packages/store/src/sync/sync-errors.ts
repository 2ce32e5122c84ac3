import { CairnError } from '../errors.js'

/**
 * The backend's `backendId` is not the one this client synced with: the backend was reset (its data
 * deleted or replaced). Sync stops and the local data stays as it is; nothing is pushed to or
 * pulled from the new backend, because the local eventlog and the backend's no longer share a past.
 */
export class BackendResetError extends CairnError {
  readonly _tag = 'BackendResetError'
  constructor(
    readonly storeId: string,
    readonly knownBackendId: string,
    readonly backendId: string,
  ) {
    super(
      `Store "${storeId}": the sync backend was reset (backend id ${backendId}, this client synced with ${knownBackendId}). ` +
        `Sync stopped; local data is unchanged. To start over from the new backend, call store._dev.hardReset() ` +
        `and create the store again (local events the old backend never confirmed are lost).`,
    )
  }
}

/** `store.awaitConfirmation()` cannot be answered: the store has no sync backend, or sync failed. */
export class SyncUnavailableError extends CairnError {
  readonly _tag = 'SyncUnavailableError'
  constructor(
    readonly storeId: string,
    readonly reason: string,
  ) {
    super(`Store "${storeId}": events cannot be confirmed by a sync backend: ${reason}`)
  }
}
