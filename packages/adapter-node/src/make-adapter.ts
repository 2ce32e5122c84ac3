import { loadSqlite } from '@cairn/sqlite'
import type { Adapter, SqliteDbFactory } from '@cairn/store/adapter'
import { InvalidAdapterOptionsError } from './errors.js'
import { openFsSession } from './fs-session.js'
import { makeInMemorySession } from './in-memory-session.js'

/**
 * Where a Node store keeps its data: in files under `baseDirectory` (one directory per storeId),
 * or in memory only.
 */
export type NodeStorage = { readonly type: 'fs'; readonly baseDirectory: string } | { readonly type: 'in-memory' }

/** Options of `makeAdapter`. */
export interface NodeAdapterOptions {
  readonly storage: NodeStorage
}

/**
 * The adapter for Node.js programs (CLIs, servers, tests).
 *
 * With `{ type: 'fs', baseDirectory }` a store keeps its eventlog and state in
 * `<baseDirectory>/<storeId>/`; `await store.flush()` resolves once every event committed so far is
 * durable on disk. Only one process at a time can open a store: another gets `DatabaseLockedError`.
 *
 * @example
 * const adapter = makeAdapter({ storage: { type: 'fs', baseDirectory: './data' } })
 * const store = await createStorePromise({ schema, adapter, storeId: 'todos' })
 */
export const makeAdapter = (options: NodeAdapterOptions): Adapter => {
  const storage = validStorage(options?.storage)
  if (storage.type === 'in-memory') return async (args) => makeInMemorySession(await loadSqlite(), args)
  return async (args) => openFsSession(withFiles(await loadSqlite()), args, storage.baseDirectory)
}

const validStorage = (storage: unknown): NodeStorage => {
  const { type, baseDirectory } = (storage ?? {}) as { type?: unknown; baseDirectory?: unknown }
  if (type === 'in-memory') return { type }
  if (type === 'fs' && typeof baseDirectory === 'string' && baseDirectory.length > 0) return { type, baseDirectory }
  throw new InvalidAdapterOptionsError(
    `makeAdapter: unsupported storage ${JSON.stringify(storage)}. ` +
      `Use { storage: { type: 'fs', baseDirectory: './data' } } or { storage: { type: 'in-memory' } }.`,
  )
}

const withFiles = (sqlite: SqliteDbFactory): SqliteDbFactory & { openFile: NonNullable<SqliteDbFactory['openFile']> } => {
  if (sqlite.openFile === undefined) {
    throw new InvalidAdapterOptionsError('This SQLite build cannot open files; use { storage: { type: "in-memory" } }.')
  }
  return sqlite as SqliteDbFactory & { openFile: NonNullable<SqliteDbFactory['openFile']> }
}
