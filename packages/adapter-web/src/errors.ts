import { CairnError } from '@cairn/store'
import { describeSchemaDifference, type SchemaDifference } from '@cairn/store/adapter'

/** `makePersistedAdapter`, `makeInMemoryAdapter` or `makeWorker` was given options it does not understand. */
export class InvalidAdapterOptionsError extends CairnError {
  readonly _tag = 'InvalidAdapterOptionsError'
}

/** Why the leader worker could not serve the store (see `LeaderWorkerError`). */
export type LeaderWorkerFailure = 'start-failed' | 'not-ready' | 'storage-busy'

/**
 * The dedicated leader worker of `makePersistedAdapter` could not start: its file could not be loaded
 * or threw (`'start-failed'`), it never called `makeWorker` (`'not-ready'`), or the store's OPFS
 * directory stayed held by another worker (`'storage-busy'`: two apps of this origin use the same
 * `directory`, or a previous leader did not let go). The store's boot fails with it.
 */
export class LeaderWorkerError extends CairnError {
  readonly _tag = 'LeaderWorkerError'
  constructor(
    readonly reason: LeaderWorkerFailure,
    message: string,
    options?: { readonly cause?: unknown },
  ) {
    super(message, options)
  }
}

/**
 * A message between a tab, the shared worker and the leader worker was not understood: malformed,
 * or of another protocol version (the worker files were built from another version of
 * `@cairn/adapter-web` than the page, e.g. a cached worker after a deploy).
 */
export class LeaderProtocolError extends CairnError {
  readonly _tag = 'LeaderProtocolError'
}

/**
 * The schema the worker file passes to `makeWorker` is not the one the app passes to
 * `createStorePromise`: their state hashes or event names differ. Both must import the same schema module.
 */
export class WorkerSchemaMismatchError extends CairnError {
  readonly _tag = 'WorkerSchemaMismatchError'
  readonly appStateHash: string
  readonly workerStateHash: string
  /** Events the app's schema defines and the worker's does not. */
  readonly eventsOnlyInApp: readonly string[]
  /** Events the worker's schema defines and the app's does not. */
  readonly eventsOnlyInWorker: readonly string[]
  constructor(difference: SchemaDifference) {
    super(
      `The leader worker's schema differs from the app's: makeWorker({ schema }) and createStorePromise({ schema }) ` +
        `must import the same schema module. ${describeSchemaDifference(difference)}. Nothing was opened; rebuild the worker.`,
    )
    this.appStateHash = difference.appStateHash
    this.workerStateHash = difference.workerStateHash
    this.eventsOnlyInApp = difference.eventsOnlyInApp
    this.eventsOnlyInWorker = difference.eventsOnlyInWorker
  }
}
