/**
 * `@cairn/adapter-node/worker`: the worker-thread half of `makeWorkerAdapter`. A worker file calls
 * `makeWorker({ schema })` with the app's schema; the worker then keeps the store's eventlog and
 * persisted state for the app's thread.
 */
import { isMainThread, parentPort } from 'node:worker_threads'
import type { LiveStoreSchema, SyncOptions } from '@cairn/store'
import { InvalidAdapterOptionsError } from './errors.js'
import { resolveSync } from './storage.js'
import { serveLeader } from './worker/serve-leader.js'

/** Options of `makeWorker`. */
export interface MakeWorkerOptions {
  /** The schema made with `makeSchema`: the same one the app passes to `createStorePromise` (import it from the same module). */
  readonly schema: LiveStoreSchema
  /** Sync with a backend, e.g. `{ backend: makeWsSync({ url }) }`: the worker holds the connection. */
  readonly sync?: SyncOptions
}

/**
 * Makes this worker thread the leader of the store whose session runs in the app's thread with
 * `makeWorkerAdapter({ workerUrl })`: call it once, at the top level of the worker file. The worker
 * opens (creating, migrating or catching up) the store's files when the app boots the store, writes
 * the events the app commits, and ends when the store shuts down. Storage options come from
 * `makeWorkerAdapter`; the schema must be the app's (checked when the store boots).
 *
 * @example
 * // cairn.worker.js
 * import { makeWorker } from '@cairn/adapter-node/worker'
 * import { schema } from './schema.js'
 *
 * makeWorker({ schema })
 */
export const makeWorker = (options: MakeWorkerOptions): void => {
  if (isMainThread || parentPort === null) {
    throw new InvalidAdapterOptionsError(
      'makeWorker must run in a worker thread started by makeWorkerAdapter({ workerUrl }) from @cairn/adapter-node; ' +
        'in the main thread, use makeAdapter or makeWorkerAdapter.',
    )
  }
  const schema = options?.schema as Partial<LiveStoreSchema> | undefined
  if (typeof schema?.stateHash !== 'string' || !(schema.eventsByName instanceof Map)) {
    throw new InvalidAdapterOptionsError('makeWorker needs { schema }: the schema made with makeSchema that the app uses too.')
  }
  serveLeader(parentPort, options.schema, resolveSync(options.sync, 'makeWorker'))
}
