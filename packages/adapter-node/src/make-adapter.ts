import { loadSqlite } from '@cairn/sqlite'
import { consoleLeaderLog, type Adapter, type SyncOptions } from '@cairn/store/adapter'
import { openLeader } from './open-leader.js'
import { makeSession } from './session.js'
import { resolveStorage, resolveSync, type NodeStorage } from './storage.js'

/** Options of `makeAdapter`. */
export interface NodeAdapterOptions {
  /** `{ type: 'fs' }` (files in `./.cairn`), `{ type: 'fs', baseDirectory }` or `{ type: 'in-memory' }`. */
  readonly storage: NodeStorage
  /** Sync with a backend, e.g. `{ backend: makeWsSync({ url }) }` (see `SyncOptions`). */
  readonly sync?: SyncOptions
}

/**
 * The adapter for Node.js programs (CLIs, servers, tests). The store and its leader (which persists
 * the events) run in this thread; `makeWorkerAdapter` moves the leader into a worker thread.
 *
 * With `{ type: 'fs', baseDirectory }` a store keeps its eventlog and state in
 * `<baseDirectory>/<storeId>/`; without `baseDirectory` that is `.cairn/<storeId>/` in the process's
 * working directory (`path.resolve('.cairn')`, resolved when `makeAdapter` is called).
 * `await store.flush()` resolves once every event committed so far is durable on disk. Only one
 * process at a time can open a store: another gets `DatabaseLockedError`.
 *
 * @example
 * const adapter = makeAdapter({ storage: { type: 'fs', baseDirectory: './data' } })
 * const store = await createStorePromise({ schema, adapter, storeId: 'todos' })
 */
export const makeAdapter = (options: NodeAdapterOptions): Adapter => {
  const storage = resolveStorage(options?.storage, 'makeAdapter')
  const sync = resolveSync(options.sync, 'makeAdapter')
  return async (args) => {
    const sqlite = await loadSqlite()
    return makeSession(sqlite, await openLeader(sqlite, storage, args, consoleLeaderLog, sync), args.schema)
  }
}
