import { loadSqlite, type OpfsPool, type WasmSqliteDbFactory } from '@cairn/sqlite'
import type { LiveStoreSchema } from '@cairn/store'
import {
  initializeEventlogDb,
  initializeStateDb,
  makeLeader,
  makeUnknownEventHandler,
  readStateHead,
  replayEventlog,
  STORAGE_FORMAT_VERSION,
  type BootStatus,
  type EncodedEvent,
  type Leader,
  type LeaderLog,
  type SqliteDb,
  type SyncOptions,
} from '@cairn/store/adapter'
import { LeaderWorkerError } from '../errors.js'
import type { LeaderStorage } from '../protocol.js'

/** What the leader worker opens for a store. */
export interface OpenedLeader {
  readonly leader: Leader
  readonly storageMode: 'in-memory' | 'persisted'
  /** Set when the store could not be persisted and lives in memory instead. */
  readonly warning: string | null
  readonly eventlogDb: SqliteDb
  readonly stateDb: SqliteDb
  /** Releases the OPFS directory once the leader is shut down (no-op in memory). */
  readonly release: () => void
}

/** What opening needs to know besides the storage. */
export interface OpenArgs {
  readonly schema: LiveStoreSchema
  readonly storeId: string
  readonly resetPersistence: boolean
  readonly onBootStatus: (status: BootStatus) => void
  readonly sync: SyncOptions | undefined
  readonly syncPayload: unknown
}

const EVENTLOG = 'eventlog.db'
const STATE_FILE = /^state-[0-9a-f]+-f\d+\.db$/

/** How long the leader waits for a previous leader (a closing or reloading tab) to release the OPFS directory. */
const POOL_WAIT_MS = 15_000

/** Whether this worker can use OPFS databases (sync access handles exist only in dedicated workers of browsers with OPFS). */
export const opfsAvailable = (): boolean =>
  typeof (globalThis as { FileSystemSyncAccessHandle?: unknown }).FileSystemSyncAccessHandle === 'function' &&
  typeof (globalThis.navigator as { storage?: { getDirectory?: unknown } } | undefined)?.storage?.getDirectory === 'function'

/**
 * Opens the store's eventlog and state: in OPFS under `<directory>/<storeId>` (the same layout and
 * rules as the Node adapter's files: `eventlog.db`, the source of truth, and
 * `state-<stateHash>-f<format>.db`, derived from it and caught up or rebuilt at boot), or in memory
 * when OPFS is missing, with a warning.
 */
export const openLeader = async (storage: LeaderStorage, args: OpenArgs, log: LeaderLog): Promise<OpenedLeader> => {
  const sqlite = await loadSqlite()
  const onUnknownEvent = makeUnknownEventHandler(args.schema.unknownEventHandling, (message) => log.warn(message))
  if (opfsAvailable()) {
    const pool = await takePool(sqlite, `${storage.directory}/${args.storeId}`)
    try {
      if (args.resetPersistence) await pool.wipe()
      return openPersisted(pool, args, onUnknownEvent, log)
    } catch (error) {
      pool.close()
      throw error
    }
  }
  const warning =
    `[cairn] store "${args.storeId}": this browser offers no OPFS here (a private window?), so the store keeps its ` +
    `data in memory only: it is gone when the last tab of this app closes.`
  // A state in memory too, so that the tabs boot from its snapshot.
  const eventlogDb = sqlite.openInMemory()
  const stateDb = sqlite.openInMemory()
  initializeEventlogDb(eventlogDb)
  initializeStateDb(stateDb, args.schema)
  const leader = makeLeader({
    schema: args.schema,
    storeId: args.storeId,
    eventlogDb,
    stateDb,
    onUnknownEvent,
    log,
    deleteStorage: async () => {},
    sync: args.sync,
    syncPayload: args.syncPayload,
  })
  return { leader, storageMode: 'in-memory', warning, eventlogDb, stateDb, release: () => {} }
}

/** Takes the OPFS directory, waiting while a previous leader still holds it. */
const takePool = async (sqlite: WasmSqliteDbFactory, directory: string): Promise<OpfsPool> => {
  const deadline = Date.now() + POOL_WAIT_MS
  for (let delay = 20; ; delay = Math.min(delay * 2, 500)) {
    try {
      return await sqlite.openOpfsPool({ directory })
    } catch (cause) {
      if (Date.now() > deadline) {
        throw new LeaderWorkerError(
          'storage-busy',
          `The OPFS directory ${directory} stayed in use for ${POOL_WAIT_MS / 1000} s (${cause instanceof Error ? cause.message : String(cause)}). ` +
            `Another app of this origin may use the same storage directory: give each its own { storage: { type: 'opfs', directory } }.`,
          { cause },
        )
      }
      await new Promise((resolve) => setTimeout(resolve, delay))
    }
  }
}

const openPersisted = (pool: OpfsPool, args: OpenArgs, onUnknownEvent: (event: EncodedEvent) => void, log: LeaderLog): OpenedLeader => {
  const eventlogDb = pool.open(EVENTLOG)
  let stateDb: SqliteDb | undefined
  try {
    initializeEventlogDb(eventlogDb)
    stateDb = openState(pool, args, eventlogDb, onUnknownEvent, log)
    const leader = makeLeader({
      schema: args.schema,
      storeId: args.storeId,
      eventlogDb,
      stateDb,
      onUnknownEvent,
      log,
      deleteStorage: async () => {
        await pool.wipe()
        pool.close()
      },
      sync: args.sync,
      syncPayload: args.syncPayload,
    })
    return {
      leader,
      storageMode: 'persisted',
      warning: null,
      eventlogDb,
      stateDb,
      release: () => pool.close(),
    }
  } catch (error) {
    stateDb?.close()
    eventlogDb.close()
    throw error
  }
}

/**
 * The state of the current schema: opened and caught up with the eventlog, or built from it. The
 * state records its head in the transaction of each materialization, so a build that was
 * interrupted is resumed like a lagging state (no side file and rename: the pool cannot rename),
 * and state files of other schemas are removed once the new one is complete.
 */
const openState = (
  pool: OpfsPool,
  args: OpenArgs,
  eventlogDb: SqliteDb,
  onUnknownEvent: (event: EncodedEvent) => void,
  log: LeaderLog,
): SqliteDb => {
  const { schema, onBootStatus } = args
  const name = `state-${schema.stateHash}-f${STORAGE_FORMAT_VERSION}.db`
  const others = pool.list().filter((file) => STATE_FILE.test(file) && file !== name)
  const stage = others.length > 0 ? 'migrating' : 'rehydrating'
  let db = pool.exists(name) ? openExistingState(pool, name, log) : undefined
  try {
    if (db === undefined) {
      db = pool.open(name, { synchronous: 'normal' })
      initializeStateDb(db, schema)
      onBootStatus({ stage, progress: { done: 0, total: 0 } })
    }
    const state = db
    replayEventlog({
      schema,
      eventlogDb,
      stateDb: state,
      onUnknownEvent,
      onProgress: (done, total) => onBootStatus({ stage, progress: { done, total } }),
    })
  } catch (error) {
    db?.close()
    throw error
  }
  for (const file of others) pool.remove(file)
  return db
}

/** Opens a state database, or removes it (with a warning) when it is damaged, so it is rebuilt. */
const openExistingState = (pool: OpfsPool, name: string, log: LeaderLog): SqliteDb | undefined => {
  let db: SqliteDb | undefined
  try {
    db = pool.open(name, { synchronous: 'normal' })
    readStateHead(db)
    return db
  } catch (cause) {
    db?.close()
    log.warn(
      `[cairn] the state database ${name} in OPFS is damaged (${cause instanceof Error ? cause.message : String(cause)}); ` +
        `rebuilding it from the eventlog.`,
    )
    pool.remove(name)
    return undefined
  }
}
