import fs from 'node:fs'
import path from 'node:path'
import {
  initializeEventlogDb,
  initializeStateDb,
  makeLeader,
  makeUnknownEventHandler,
  readStateHead,
  replayEventlog,
  STORAGE_FORMAT_VERSION,
  type AdapterArgs,
  type EncodedEvent,
  type Leader,
  type LeaderLog,
  type SqliteDb,
  type SqliteDbFactory,
  type SyncOptions,
} from '@cairn/store/adapter'
import { EventlogUnreadableError } from './errors.js'
import { isValidDatabaseFile, removeDatabaseFile } from './database-files.js'

/** A SQLite factory that can open files. */
export type FileSqlite = SqliteDbFactory & { openFile: NonNullable<SqliteDbFactory['openFile']> }

/**
 * The state is derived from the eventlog, so its commits need not survive power loss: in WAL mode
 * 'normal' still never corrupts the file, and a state that lost its last transactions has a head
 * behind the eventlog's and catches up on the next boot. Only the eventlog syncs on every commit.
 */
const STATE_FILE_OPTIONS = { synchronous: 'normal' } as const

const STATE_FILE = /^state-[0-9a-f]+-f\d+\.db(\.building)?$/

/**
 * A leader whose eventlog and state live in `<baseDirectory>/<storeId>/`:
 * - `eventlog.db`, the source of truth, never rebuilt or deleted by Cairn (except by hardReset);
 * - `state-<stateHash>-f<format>.db`, derived from the eventlog. A state built for another schema
 *   is rebuilt into `<name>.building`, renamed into place when complete, and the old one removed.
 * The session gets a copy of the state as bytes, so booting never replays the eventlog unless the
 * persisted state lags behind it.
 */
export const openFsLeader = (
  sqlite: FileSqlite,
  args: AdapterArgs,
  baseDirectory: string,
  log: LeaderLog,
  sync: SyncOptions | undefined,
): Leader => {
  const directory = path.join(baseDirectory, args.storeId)
  fs.mkdirSync(directory, { recursive: true })
  const eventlogPath = path.join(directory, 'eventlog.db')
  const eventlogDb = openEventlog(sqlite, eventlogPath)
  // One handler for boot and later writes, so an unknown event name is warned about once.
  const onUnknownEvent = makeUnknownEventHandler(args.schema.unknownEventHandling, (message) => log.warn(message))
  let stateDb: SqliteDb | undefined
  try {
    stateDb = openState(sqlite, args, directory, eventlogDb, onUnknownEvent, log)
    return makeLeader({
      schema: args.schema,
      storeId: args.storeId,
      eventlogDb,
      stateDb,
      onUnknownEvent,
      log,
      deleteStorage: async () => {
        await fs.promises.rm(directory, { recursive: true, force: true })
      },
      sync,
      syncPayload: args.syncPayload,
    })
  } catch (error) {
    stateDb?.close()
    eventlogDb.close()
    throw error
  }
}

const openEventlog = (sqlite: FileSqlite, eventlogPath: string): SqliteDb => {
  let db: SqliteDb | undefined
  try {
    db = sqlite.openFile(eventlogPath)
    initializeEventlogDb(db)
    return db
  } catch (cause) {
    db?.close()
    // A store open in another process is reported as is; anything else means the file is damaged.
    if ((cause as { _tag?: unknown })?._tag === 'DatabaseLockedError') throw cause
    throw new EventlogUnreadableError(eventlogPath, cause)
  }
}

const openState = (
  sqlite: FileSqlite,
  args: AdapterArgs,
  directory: string,
  eventlogDb: SqliteDb,
  onUnknownEvent: (event: EncodedEvent) => void,
  log: LeaderLog,
): SqliteDb => {
  const { schema, onBootStatus } = args
  const name = `state-${schema.stateHash}-f${STORAGE_FORMAT_VERSION}.db`
  const statePath = path.join(directory, name)

  if (fs.existsSync(statePath)) {
    const db = openExistingState(sqlite, statePath, log)
    if (db !== undefined) {
      // Catch up on events written after the state (a crash between the two writes).
      replayEventlog({
        schema,
        eventlogDb,
        stateDb: db,
        onUnknownEvent,
        onProgress: (done, total) => onBootStatus({ stage: 'rehydrating', progress: { done, total } }),
      })
      return db
    }
  }

  // Build the state from the eventlog in a side file, resuming a build that was interrupted.
  const others = fs.readdirSync(directory).filter((file) => STATE_FILE.test(file) && file !== name && file !== `${name}.building`)
  const stage = others.length > 0 ? 'migrating' : 'rehydrating'
  const buildingPath = `${statePath}.building`
  let building = fs.existsSync(buildingPath) ? openExistingState(sqlite, buildingPath, log) : undefined
  building ??= sqlite.openFile(buildingPath, STATE_FILE_OPTIONS)
  try {
    initializeStateDb(building, schema)
    onBootStatus({ stage, progress: { done: 0, total: 0 } })
    replayEventlog({
      schema,
      eventlogDb,
      stateDb: building,
      onUnknownEvent,
      onProgress: (done, total) => onBootStatus({ stage, progress: { done, total } }),
    })
  } finally {
    building.close()
  }
  fs.renameSync(buildingPath, statePath)
  syncDirectory(directory)
  for (const file of others) removeDatabaseFile(path.join(directory, file))
  return sqlite.openFile(statePath, { ...STATE_FILE_OPTIONS, create: false })
}

/** Opens a state file, or removes it (with a warning) when it is damaged, so it is rebuilt. */
const openExistingState = (sqlite: FileSqlite, statePath: string, log: LeaderLog): SqliteDb | undefined => {
  let db: SqliteDb | undefined
  try {
    if (!isValidDatabaseFile(statePath)) throw new Error('the file is not a complete SQLite database')
    db = sqlite.openFile(statePath, { ...STATE_FILE_OPTIONS, create: false })
    readStateHead(db)
    return db
  } catch (cause) {
    db?.close()
    if ((cause as { _tag?: unknown })?._tag === 'DatabaseLockedError') throw cause
    log.warn(
      `[cairn] the state database ${statePath} is damaged (${cause instanceof Error ? cause.message : String(cause)}); ` +
        `rebuilding it from the eventlog.`,
    )
    removeDatabaseFile(statePath)
    return undefined
  }
}

/** Makes a rename durable: on POSIX the directory entry lives in the directory's own data. */
const syncDirectory = (directory: string): void => {
  let fd: number | undefined
  try {
    fd = fs.openSync(directory, 'r')
    fs.fsyncSync(fd)
  } catch {
    // Some platforms (Windows) cannot open or sync directories; the rename is still atomic there.
  } finally {
    if (fd !== undefined) fs.closeSync(fd)
  }
}
