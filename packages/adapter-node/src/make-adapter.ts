import { loadSqlite } from '@cairn/sqlite'
import type { Adapter } from '@cairn/store/adapter'
import { makeInMemorySession } from './in-memory-session.js'

/** Where a Node store keeps its data. */
export type NodeStorage = { readonly type: 'in-memory' }

/** Options of `makeAdapter`. */
export interface NodeAdapterOptions {
  readonly storage: NodeStorage
}

/**
 * The adapter for Node.js programs (CLIs, servers, tests).
 *
 * @example
 * const adapter = makeAdapter({ storage: { type: 'in-memory' } })
 * const store = await createStorePromise({ schema, adapter, storeId: 'todos' })
 */
export const makeAdapter = (options: NodeAdapterOptions): Adapter => {
  const storageType = (options?.storage as { type?: unknown } | undefined)?.type
  if (storageType !== 'in-memory') {
    throw new TypeError(
      `makeAdapter: unsupported storage ${JSON.stringify(options?.storage)}. ` +
        `Use { storage: { type: 'in-memory' } }.`,
    )
  }
  return async (args) => makeInMemorySession(await loadSqlite(), args)
}
