import type { AdapterArgs, EncodedEvent, LeaderLog, LeaderThread, SqliteDbFactory, SyncOptions } from '@cairn/store/adapter'
import { InvalidAdapterOptionsError } from './errors.js'
import { openFsLeader, type FileSqlite } from './fs-leader.js'
import { openInMemoryLeader } from './in-memory-leader.js'
import type { ResolvedStorage } from './storage.js'

/**
 * The leader half of a Node client: the eventlog (and, persisted, the state on disk) behind a
 * `LeaderThread`, plus what the session half needs to boot: the state as SQLite file bytes.
 */
export interface OpenedLeader {
  readonly leader: LeaderThread
  /** The client id (kept with a persisted eventlog, so it survives restarts). */
  readonly clientId: string
  readonly storageMode: 'in-memory' | 'persisted'
  /** The state to boot the session from; `undefined`: a fresh, empty state. */
  readonly state: Uint8Array | undefined
  /** The events the state's undo segments cover (see `ClientSession.recentEvents`). */
  readonly recentEvents: readonly EncodedEvent[]
  /**
   * No sync backend: the session is the leader's only one (a Node leader serves one store), so
   * nothing can come before its events and it is never rewound (see `ClientSession.neverRewound`).
   */
  readonly neverRewound: boolean
}

/**
 * Opens the leader of `args.storeId` in `storage`: for files, opens (creating, migrating, catching up
 * or rebuilding) the eventlog and state databases, reporting progress to `args.onBootStatus`; with
 * `sync`, connects to the backend and, for a blocking initial sync, waits for its events.
 */
export const openLeader = async (
  sqlite: SqliteDbFactory,
  storage: ResolvedStorage,
  args: AdapterArgs,
  log: LeaderLog,
  sync: SyncOptions | undefined,
): Promise<OpenedLeader> => {
  const leader =
    storage.type === 'in-memory'
      ? openInMemoryLeader(sqlite, args, log, sync)
      : openFsLeader(withFiles(sqlite), args, storage.baseDirectory, log, sync)
  try {
    await leader.initialSync((done, total) => args.onBootStatus({ stage: 'syncing', progress: { done, total } }))
    const { state, recentEvents } = leader.snapshot()
    const storageMode = storage.type === 'in-memory' ? 'in-memory' : 'persisted'
    return { leader, clientId: leader.clientId, storageMode, state, recentEvents, neverRewound: sync === undefined }
  } catch (error) {
    await leader.shutdown().catch(() => {})
    throw error
  }
}

const withFiles = (sqlite: SqliteDbFactory): FileSqlite => {
  if (sqlite.openFile === undefined) {
    throw new InvalidAdapterOptionsError('This SQLite build cannot open files; use { storage: { type: "in-memory" } }.')
  }
  return sqlite as FileSqlite
}
