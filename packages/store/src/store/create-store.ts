import type { Adapter, BootStatus } from '../adapter/adapter.js'
import type { LiveStoreSchema } from '../schema/internal.js'
import { InvalidArgumentError, StoreBootError } from './errors.js'
import { registerDebugStore, Store } from './store.js'

/** Options of `createStorePromise`. */
export interface CreateStoreOptions<TSchema extends LiveStoreSchema> {
  /** The schema made with `makeSchema`. */
  readonly schema: TSchema
  /** Where and how data is kept, e.g. `makeAdapter({ storage: { type: 'in-memory' } })` from `@cairn/adapter-node`. */
  readonly adapter: Adapter
  /** Identifies the store; stores with different ids are fully isolated. Default `'default'`. */
  readonly storeId?: string
  /** Runs once after the store is ready and before the promise resolves, e.g. to seed data. */
  readonly boot?: (store: Store<TSchema>) => void | Promise<void>
  /** Wraps the notification of subscribers after a commit (e.g. React's `unstable_batchedUpdates`). */
  readonly batchUpdates?: (run: () => void) => void
  /** Sent to the sync backend (e.g. an auth token); the backend's `validatePayload` may refuse it. */
  readonly syncPayload?: unknown
  /** Receives the boot progress (loading, migrating, rehydrating, syncing, done). */
  readonly onBootStatus?: (status: BootStatus) => void
}

const STORE_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/

/**
 * Creates a store and resolves once it is ready to commit and query.
 *
 * @example
 * const store = await createStorePromise({ schema, adapter: makeAdapter({ storage: { type: 'in-memory' } }), storeId: 'todos' })
 */
export const createStorePromise = async <TSchema extends LiveStoreSchema>(
  options: CreateStoreOptions<TSchema>,
): Promise<Store<TSchema>> => {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('createStorePromise takes { schema, adapter, storeId, ... }, e.g. createStorePromise({ schema, adapter: makeAdapter(...), storeId: "todos" }).')
  }
  if ((options.schema as { _tag?: unknown } | null)?._tag !== 'LiveStoreSchema') {
    throw new InvalidArgumentError('createStorePromise needs a `schema` made with makeSchema({ events, state }).')
  }
  const storeId = options.storeId ?? 'default'
  if (typeof storeId !== 'string' || !STORE_ID.test(storeId)) {
    throw new InvalidArgumentError(
      `Invalid storeId ${JSON.stringify(storeId)}: use 1–128 letters, digits, '_', '-' or '.', starting with a letter or digit.`,
    )
  }
  if (typeof options.adapter !== 'function') {
    throw new InvalidArgumentError(
      'createStorePromise needs an `adapter`, e.g. makeAdapter({ storage: { type: "in-memory" } }) from @cairn/adapter-node.',
    )
  }
  const onBootStatus = options.onBootStatus ?? (() => {})
  onBootStatus({ stage: 'loading' })
  let session
  try {
    session = await options.adapter({ schema: options.schema, storeId, syncPayload: options.syncPayload, onBootStatus })
  } catch (cause) {
    throw new StoreBootError(storeId, cause)
  }
  const store = new Store<TSchema>({ schema: options.schema, storeId, session, batchUpdates: options.batchUpdates })
  if (options.boot !== undefined) {
    try {
      await options.boot(store)
    } catch (cause) {
      await store.shutdown()
      throw new StoreBootError(storeId, cause)
    }
  }
  registerDebugStore(store)
  onBootStatus({ stage: 'done' })
  return store
}
