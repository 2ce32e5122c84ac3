import type { SqliteDb } from '@cairn/store'
import type { SAHPoolUtil, Sqlite3Static } from '@sqlite.org/sqlite-wasm'
import { SQLITE_CANTOPEN } from './constants.js'
import { SqliteError } from './sqlite-error.js'

/** Options of `WasmSqliteDbFactory.openOpfsPool`. */
export interface OpfsPoolOptions {
  /**
   * The OPFS directory of the pool, e.g. `'cairn/todos'`. Only one worker of an origin can hold a
   * directory at a time (the pool keeps a sync access handle open on each of its files).
   */
  readonly directory: string
  /** Files the pool keeps ready (databases, their write-ahead logs, temporary files). Default 12. */
  readonly capacity?: number
}

/** Options of `OpfsPool.open`. */
export interface OpfsOpenOptions {
  /** Create the file if it does not exist. Default `true`. */
  readonly create?: boolean
  /**
   * `'full'` (default): every commit is flushed to OPFS before it returns. `'normal'`: commits are
   * flushed at checkpoints only, so the last ones may be lost when the browser or machine crashes
   * (not when only the tab closes); the file is never corrupted either way.
   */
  readonly synchronous?: 'full' | 'normal'
}

/**
 * Database files in the Origin Private File System, through SQLite's `opfs-sahpool` VFS. It works
 * without cross-origin isolation headers but only in a dedicated worker (it needs
 * `FileSystemSyncAccessHandle`). File names are flat (`'eventlog.db'`); they are not visible as
 * files in OPFS, the pool maps them onto its own files.
 */
export interface OpfsPool {
  /** The OPFS directory the pool holds. */
  readonly directory: string
  /** Opens (or creates) the database `name`, for this pool only. */
  open(name: string, options?: OpfsOpenOptions): SqliteDb
  /** Whether the database `name` exists in the pool. */
  exists(name: string): boolean
  /** The databases in the pool (without their write-ahead logs and journals). */
  list(): string[]
  /** Deletes the database `name` (closed) and its write-ahead log. */
  remove(name: string): void
  /** Deletes every file of the pool. Every database of the pool must be closed. */
  wipe(): Promise<void>
  /** Releases the pool's OPFS handles (its databases must be closed first), so another worker can take it. */
  close(): void
}

/** What `openOpfsPool` needs from the factory: opening a connection in a registered VFS. */
export type OpenInVfs = (path: string, vfsName: string, create: boolean) => SqliteDb

let attempt = 0

/**
 * Installs the `opfs-sahpool` VFS on `directory` and wraps it. Rejects with a SqliteError when OPFS
 * sync access handles are missing (not in a dedicated worker, or a browser without OPFS) or when
 * another worker holds the directory.
 */
export async function openOpfsPool(
  sqlite3: Sqlite3Static | undefined,
  openInVfs: OpenInVfs,
  options: OpfsPoolOptions,
): Promise<OpfsPool> {
  const directory = options.directory
  let util: SAHPoolUtil
  try {
    if (sqlite3 === undefined) throw new Error('OPFS is only available in a browser')
    util = await sqlite3.installOpfsSAHPoolVfs({
      // A fresh name per attempt: the VFS caches a failed initialisation under its name, and a retry
      // (once the previous holder of the directory let go) must really try again.
      name: `cairn-opfs-${++attempt}`,
      directory,
      initialCapacity: options.capacity ?? 12,
      // A failed start (another worker holds the handles) must never delete the pool's files.
      preserveOnInitFailure: true,
      forceReinitIfPreviouslyFailed: true,
    } as Parameters<Sqlite3Static['installOpfsSAHPoolVfs']>[0])
  } catch (cause) {
    throw new SqliteError({
      problem: `Could not open the OPFS directory ${directory}: ${cause instanceof Error ? cause.message : String(cause)}`,
      code: SQLITE_CANTOPEN,
      hint: 'OPFS databases need a dedicated worker in a browser with OPFS, and only one worker at a time can hold a directory.',
    })
  }
  await util.reserveMinimumCapacity(options.capacity ?? 12)
  const path = (name: string): string => `/${name}`
  return {
    directory,
    open(name, openOptions) {
      const create = openOptions?.create ?? true
      if (!create && !util.getFileNames().includes(path(name))) {
        throw new SqliteError({
          problem: `The database ${name} does not exist in the OPFS directory ${directory}`,
          code: SQLITE_CANTOPEN,
          hint: 'Open it with create: true to create it.',
        })
      }
      const db = openInVfs(path(name), util.vfsName, create)
      try {
        // Exclusive locking first: WAL then keeps its index in heap memory, so it needs no shared
        // memory (which wasm does not have), and the pool is this worker's alone anyway. In WAL a
        // commit costs one flush ('full') or none ('normal'), where a rollback journal costs several.
        db.execute('PRAGMA locking_mode = EXCLUSIVE')
        const mode = db.select<{ journal_mode: string }>('PRAGMA journal_mode = WAL')[0]?.journal_mode
        if (mode !== 'wal') {
          throw new SqliteError({
            problem: `Could not switch the OPFS database ${name} to WAL mode (it stayed in ${mode} mode)`,
            code: SQLITE_CANTOPEN,
            hint: 'Check that the browser grants this origin OPFS storage (it may be full or disabled).',
          })
        }
        db.execute(`PRAGMA synchronous = ${openOptions?.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`)
      } catch (error) {
        db.close()
        throw error
      }
      return db
    },
    exists: (name) => util.getFileNames().includes(path(name)),
    list: () =>
      util
        .getFileNames()
        .map((file) => file.slice(1))
        .filter((file) => !file.endsWith('-journal') && !file.endsWith('-wal')),
    remove(name) {
      for (const suffix of ['', '-wal', '-journal']) util.unlink(`${path(name)}${suffix}`)
    },
    wipe: () => util.wipeFiles(),
    close() {
      if (!util.isPaused()) util.pauseVfs()
    },
  }
}
