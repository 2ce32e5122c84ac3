import type { AdapterArgs, LeaderThread, SqliteDbFactory } from '@cairn/store/adapter'
import { InvalidAdapterOptionsError } from './errors.js'
import { openFsLeader, type FileSqlite } from './fs-leader.js'
import { openInMemoryLeader } from './in-memory-leader.js'
import type { ResolvedStorage } from './storage.js'

/**
 * Where the leader reports what the app should see: warnings (a damaged state file, skipped unknown
 * events) and write failures. In the app's thread that is the console; a leader in a worker thread
 * forwards them to the app's thread.
 */
export interface LeaderLog {
  warn(message: string): void
  error(message: string, error: unknown): void
}

/** The console of this thread. */
export const consoleLog: LeaderLog = {
  warn: (message) => console.warn(message),
  error: (message, error) => console.error(message, error),
}

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
}

/**
 * Opens the leader of `args.storeId` in `storage`: for files, opens (creating, migrating, catching up
 * or rebuilding) the eventlog and state databases, reporting progress to `args.onBootStatus`.
 */
export const openLeader = (sqlite: SqliteDbFactory, storage: ResolvedStorage, args: AdapterArgs, log: LeaderLog): OpenedLeader => {
  if (storage.type === 'in-memory') return openInMemoryLeader(sqlite, args, log)
  return openFsLeader(withFiles(sqlite), args, storage.baseDirectory, log)
}

const withFiles = (sqlite: SqliteDbFactory): FileSqlite => {
  if (sqlite.openFile === undefined) {
    throw new InvalidAdapterOptionsError('This SQLite build cannot open files; use { storage: { type: "in-memory" } }.')
  }
  return sqlite as FileSqlite
}
