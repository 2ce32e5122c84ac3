import { CairnError } from '@cairn/store'
import { describeSchemaDifference, type SchemaDifference } from '@cairn/store/adapter'

/** The eventlog file exists but cannot be read. It is left exactly as it was. */
export class EventlogUnreadableError extends CairnError {
  readonly _tag = 'EventlogUnreadableError'
  constructor(
    readonly path: string,
    cause: unknown,
  ) {
    super(
      `The eventlog ${path} cannot be read (${cause instanceof Error ? cause.message : String(cause)}). ` +
        `Cairn left it untouched: restore it from a backup, or move it away to start this store empty.`,
      { cause },
    )
  }
}

/** `makeAdapter` was given options it does not understand. */
export class InvalidAdapterOptionsError extends CairnError {
  readonly _tag = 'InvalidAdapterOptionsError'
}

/** Why the leader worker stopped working (see `LeaderWorkerError`). */
export type LeaderWorkerFailure = 'start-failed' | 'not-ready' | 'crashed' | 'exited'

/**
 * The worker thread of `makeWorkerAdapter` failed: its file could not be started (`'start-failed'`),
 * it never called `makeWorker` (`'not-ready'`), it threw an uncaught error (`'crashed'`, the error is
 * the `cause`) or it exited (`'exited'`). Requests to the leader that were waiting reject with this
 * error, and so does every later `flush`: events committed since the last successful flush were not
 * persisted. The store keeps committing and querying in memory; create a new store to persist again.
 */
export class LeaderWorkerError extends CairnError {
  readonly _tag = 'LeaderWorkerError'
  /** The worker's exit code, when it exited. */
  readonly exitCode: number | undefined

  constructor(
    readonly reason: LeaderWorkerFailure,
    /** The worker file given as `workerUrl`. */
    readonly workerUrl: string,
    message: string,
    options?: { readonly cause?: unknown; readonly exitCode?: number | undefined },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.exitCode = options?.exitCode
  }
}

/**
 * A message between the app's thread and the leader worker was not understood: malformed, of an
 * unknown type, or of another protocol version (the worker file loads another version of
 * `@cairn/adapter-node` than the app).
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
  constructor(
    /** The worker file given as `workerUrl`. */
    readonly workerUrl: string,
    difference: SchemaDifference,
  ) {
    super(
      `The worker's schema differs from the app's: both must import the same schema ` +
        `(makeWorker({ schema }) in ${workerUrl} and createStorePromise({ schema })). ${describeSchemaDifference(difference)}. ` +
        `Nothing was opened; rebuild the worker file if it is compiled separately.`,
    )
    this.appStateHash = difference.appStateHash
    this.workerStateHash = difference.workerStateHash
    this.eventsOnlyInApp = difference.eventsOnlyInApp
    this.eventsOnlyInWorker = difference.eventsOnlyInWorker
  }
}
