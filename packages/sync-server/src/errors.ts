import { CairnError } from '@cairn/store/sync'

/** `createSyncServer` (or the CLI) was given options it cannot use. Nothing was started. */
export class InvalidSyncServerOptionsError extends CairnError {
  readonly _tag = 'InvalidSyncServerOptionsError'
}

/**
 * The storage could not be opened: the file is not a Cairn sync database, was written by a newer
 * version, is locked by another process, or the database server cannot be reached. Nothing was changed.
 */
export class SyncStorageOpenError extends CairnError {
  readonly _tag = 'SyncStorageOpenError'
  constructor(
    /** The file or the database URL (without its password). */
    readonly location: string,
    message: string,
    options?: { readonly cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
  }
}

/** A storage operation failed after the storage was opened (disk full, database down…). */
export class SyncStorageError extends CairnError {
  readonly _tag = 'SyncStorageError'
}

/** The storage was used after `close()`. */
export class SyncStorageClosedError extends CairnError {
  readonly _tag = 'SyncStorageClosedError'
  constructor(readonly location: string) {
    super(`The sync storage ${location} is closed. Open a new one to use it again.`)
  }
}
