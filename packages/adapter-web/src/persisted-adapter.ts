import { loadSqlite } from '@cairn/sqlite'
import { initializeStateDb, randomId, type Adapter, type AdapterArgs, type ClientSession } from '@cairn/store/adapter'
import { InvalidAdapterOptionsError, LeaderProtocolError } from './errors.js'
import { makeInMemorySession } from './in-memory-adapter.js'
import { Leadership, type WorkerConstructor } from './leadership.js'
import { parse, PROTOCOL_VERSION, type FromShared, type LeaderStorage, type ToSessions, type ToShared } from './protocol.js'
import { SessionChannel } from './session-channel.js'
import { forgetUnwritten, keepUnwritten, takeUnwritten } from './unwritten-events.js'

export type { WorkerConstructor } from './leadership.js'

/** What Vite's `import LiveStoreSharedWorker from '@cairn/adapter-web/shared-worker?sharedworker'` gives. */
export type SharedWorkerConstructor = new (options?: { name?: string }) => SharedWorker

/**
 * Where the store keeps its data: the browser's Origin Private File System, in the directory
 * `directory` (default `'cairn'`), one subdirectory per storeId.
 */
export interface WebStorage {
  readonly type: 'opfs'
  readonly directory?: string
}

/** Options of `makePersistedAdapter`. */
export interface PersistedAdapterOptions {
  /** `{ type: 'opfs' }`, optionally with `directory`. */
  readonly storage: WebStorage
  /** The leader worker: a worker file calling `makeWorker({ schema })`, imported with Vite's `?worker`. */
  readonly worker: WorkerConstructor
  /** The shared worker of `@cairn/adapter-web/shared-worker`, imported with Vite's `?sharedworker`. */
  readonly sharedWorker: SharedWorkerConstructor
  /** Delete the store's persisted data before opening it (when this tab opens it as the leader). */
  readonly resetPersistence?: boolean
}

const v = PROTOCOL_VERSION
const DEFAULT_DIRECTORY = 'cairn'
/** Path segments of letters, digits, '_', '-' and '.', none of them '.' or '..'. */
const DIRECTORY = /^(?!\.{1,2}(?:\/|$))[\w.-]+(?:\/(?!\.{1,2}(?:\/|$))[\w.-]+)*$/

/**
 * The adapter for browsers. Each tab commits and queries synchronously on its own in-memory SQLite;
 * one tab's dedicated worker (the leader, elected with Web Locks) keeps the store in OPFS and writes
 * every tab's events; the shared worker connects the tabs to it. When the leader tab closes, another
 * tab's worker takes over and the tabs re-send what was not yet written; the leader tab's own last
 * commits, which its worker may not have written when the page went away (a reload right after
 * typing), are kept in localStorage on `pagehide` and written first by the next leader. A tab boots from a copy of
 * the leader's state (no replay), and sessionStorage keeps a tab's session id across reloads.
 *
 * Fallbacks: where `SharedWorker` is missing (Android browsers) the tab runs its own leader
 * (single-tab mode; a second tab of the store then runs in memory, with a warning); where OPFS is
 * missing (private windows of some browsers) the leader keeps the store in memory and every tab
 * warns at boot. `store.storageMode` tells which: `'persisted'` or `'in-memory'`.
 *
 * @example
 * import { makePersistedAdapter } from '@cairn/adapter-web'
 * import LiveStoreSharedWorker from '@cairn/adapter-web/shared-worker?sharedworker'
 * import LiveStoreWorker from './livestore.worker?worker'
 *
 * const adapter = makePersistedAdapter({ storage: { type: 'opfs' }, worker: LiveStoreWorker, sharedWorker: LiveStoreSharedWorker })
 */
export const makePersistedAdapter = (options: PersistedAdapterOptions): Adapter => {
  const storage = resolveStorage(options)
  return (args) => bootSession(options, storage, args)
}

const resolveStorage = (options: PersistedAdapterOptions): LeaderStorage => {
  const { storage, worker, sharedWorker } = (options ?? {}) as Partial<PersistedAdapterOptions>
  const directory = storage?.directory ?? DEFAULT_DIRECTORY
  if (storage?.type !== 'opfs' || typeof directory !== 'string' || !DIRECTORY.test(directory)) {
    throw new InvalidAdapterOptionsError(
      `makePersistedAdapter: unsupported storage ${JSON.stringify(storage)}. Use { storage: { type: 'opfs' } } or ` +
        `{ storage: { type: 'opfs', directory: 'my-app' } } (letters, digits, '_', '-', '.', '/').`,
    )
  }
  if (typeof worker !== 'function' || typeof sharedWorker !== 'function') {
    throw new InvalidAdapterOptionsError(
      "makePersistedAdapter needs { worker, sharedWorker }: with Vite, `import LiveStoreWorker from './livestore.worker?worker'` " +
        "and `import LiveStoreSharedWorker from '@cairn/adapter-web/shared-worker?sharedworker'`.",
    )
  }
  return { type: 'opfs', directory }
}

const bootSession = async (options: PersistedAdapterOptions, storage: LeaderStorage, args: AdapterArgs): Promise<ClientSession> => {
  const key = `${storage.directory}/${args.storeId}`
  const { sessionId, releaseSessionId } = await claimSessionId(key)
  const sqliteLoading = loadSqlite()
  sqliteLoading.catch(() => {})
  let shared: SharedWorker | undefined
  const connection = `${sessionId}-${randomId(6)}`
  const leadership: Leadership = new Leadership({
    lockName: `cairn-leader:${key}`,
    worker: options.worker,
    schema: args.schema,
    storeId: args.storeId,
    storage,
    resetPersistence: options.resetPersistence === true,
    syncPayload: args.syncPayload,
    onBootStatus: args.onBootStatus,
    takeUnwritten: () => takeUnwritten(key),
    onFailure: (error) => {
      console.error(`[cairn] store "${args.storeId}": the leader worker of this tab failed:`, error)
      channel.fail(error)
    },
  })
  const leave = (): void => shared?.port.postMessage({ v, type: 'bye', key, connection } satisfies ToShared)
  /** Whether this tab's worker leads: it ends with the page, so what it has not written is kept for the next leader. */
  let leading = false
  const keep = (): void => {
    if (leading) keepUnwritten(key, sessionId, channel.unwritten())
  }
  const resume = (event: PageTransitionEvent): void => {
    if (event.persisted) forgetUnwritten(key, sessionId)
  }
  const end = async (): Promise<void> => {
    releaseSessionId()
    channel.close()
    leave()
    removeEventListener('pagehide', leave)
    removeEventListener('pagehide', keep)
    removeEventListener('pageshow', resume)
    await leadership.stop()
  }
  const channel = new SessionChannel(end)
  addEventListener('pagehide', keep)
  addEventListener('pageshow', resume)

  if (typeof SharedWorker === 'function') {
    shared = new options.sharedWorker({ name: 'cairn' })
    const port = shared.port
    port.onmessage = (event) => {
      const message = parse<FromShared>('fromShared', event.data)
      if (message instanceof LeaderProtocolError) return console.error('[cairn] a tab ignored a message from the shared worker:', message)
      if (message.key === key) channel.attach(message.port)
    }
    port.start()
    port.postMessage({ v, type: 'session', key, connection } satisfies ToShared)
    addEventListener('pagehide', leave)
    leadership.campaign((sessions) => {
      leading = true
      port.postMessage({ v, type: 'leader', key, port: sessions } satisfies ToShared, [sessions])
    })
  } else {
    const sessions = await leadership.tryLead()
    if (sessions === undefined) {
      console.warn(
        `[cairn] store "${args.storeId}": another tab holds this store and this browser has no SharedWorker to reach it, ` +
          `so this tab keeps its data in memory only (it is lost on reload). Close the other tab to persist here.`,
      )
      removeEventListener('pagehide', keep)
      removeEventListener('pageshow', resume)
      return makeInMemorySession(args, undefined, sessionId)
    }
    leading = true
    const channelToLeader = new MessageChannel()
    sessions.postMessage({ v, type: 'session', port: channelToLeader.port1 } satisfies ToSessions, [channelToLeader.port1])
    channel.attach(channelToLeader.port2)
  }

  try {
    const hello = await channel.boot(sessionId)
    if (hello.warning !== null) console.warn(hello.warning)
    const sqlite = await sqliteLoading
    const sqliteDb = sqlite.openInMemory()
    try {
      if (hello.state === null) initializeStateDb(sqliteDb, args.schema)
      else sqliteDb.import(hello.state)
    } catch (error) {
      sqliteDb.close()
      throw error
    }
    return {
      sqliteDb,
      clientId: hello.clientId,
      sessionId,
      leader: channel.leader,
      storageMode: hello.storageMode,
      recentEvents: hello.recentEvents,
    }
  } catch (error) {
    await end()
    throw error
  }
}

/** How long a tab waits for a reloaded page of itself to let go of its session id. */
const SESSION_CLAIM_WAIT_MS = 300

/**
 * The id of this tab's session of the store `key`: kept in sessionStorage, so a reloaded tab is the
 * same session (its per-session client documents survive), while each tab has its own. A tab holds a
 * Web Lock named after its session id while the store runs: a duplicated tab (sessionStorage is
 * copied with it) finds the id taken and makes a new one.
 */
const claimSessionId = async (key: string): Promise<{ sessionId: string; releaseSessionId: () => void }> => {
  const item = `cairn-session:${key}`
  let stored: string | null = null
  try {
    stored = sessionStorage.getItem(item)
  } catch {
    // sessionStorage can be disabled; the tab then gets a new session on every load.
  }
  const locks = typeof navigator === 'object' ? navigator.locks : undefined
  if (locks === undefined) return { sessionId: stored ?? remember(item, randomId(6)), releaseSessionId: () => {} }
  for (let candidate = stored; ; candidate = null) {
    const sessionId = candidate ?? randomId(6)
    // The page this one replaces (a reload) may still hold the lock for a moment; a duplicate holds it for good.
    const release = await holdLock(locks, `${item}:${sessionId}`, candidate === null ? 0 : SESSION_CLAIM_WAIT_MS)
    if (release !== undefined) return { sessionId: candidate === null ? remember(item, sessionId) : sessionId, releaseSessionId: release }
  }
}

/** Takes the lock `name` (waiting up to `waitMs`) and holds it until the returned function is called; `undefined` when it stayed taken. */
const holdLock = (locks: LockManager, name: string, waitMs: number): Promise<(() => void) | undefined> =>
  new Promise((resolve, reject) => {
    const abort = new AbortController()
    const timer = setTimeout(() => abort.abort(), waitMs)
    const options: LockOptions = waitMs === 0 ? { ifAvailable: true } : { signal: abort.signal }
    locks
      .request(name, options, (lock) => {
        clearTimeout(timer)
        if (lock === null) return resolve(undefined)
        return new Promise<void>((release) => resolve(release))
      })
      .catch((error: unknown) => (abort.signal.aborted ? resolve(undefined) : reject(error)))
  })

const remember = (item: string, sessionId: string): string => {
  try {
    sessionStorage.setItem(item, sessionId)
  } catch {
    // Not kept: the next load is a new session.
  }
  return sessionId
}
