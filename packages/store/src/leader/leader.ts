import type { LeaderMessage, LeaderSyncState, LeaderSyncStatus, LeaderThread } from '../adapter/adapter.js'
import type { EncodedEvent } from '../eventlog/event.js'
import {
  deleteEventsAfter,
  eventlogHead,
  eventlogStats,
  insertEvents,
  inTransaction,
  readEventlogMeta,
  readEvents,
  readEventsBetween,
  writeEventlogMeta,
} from '../eventlog/eventlog-db.js'
import { compareSeqNum, ROOT_SEQ_NUM, sameSeqNum, type SeqNum } from '../eventlog/seq-num.js'
import { pruneUndoSegments, rollBackState, undoReach } from '../materializer/rewind.js'
import { materializeStoredEvents } from '../materializer/replay.js'
import { oldestUndoPoint, readStateHead } from '../materializer/state-db.js'
import { UndoLog } from '../materializer/undo-log.js'
import type { LiveStoreSchema } from '../schema/internal.js'
import type { SqliteDb } from '../sqlite/sqlite-db.js'
import type { MergeResult } from '../sync/merge.js'
import type { SyncOptions } from '../sync/sync-options.js'
import { randomId } from '../utils/random-id.js'
import { startSyncProcessor, type SyncProcessor } from './sync-processor.js'

/** Where a leader reports warnings (skipped unknown events, a damaged file) and failures. */
export interface LeaderLog {
  warn(message: string): void
  error(message: string, error: unknown): void
}

/** The console of this thread: where a leader in the app's thread reports warnings and failures. */
export const consoleLeaderLog: LeaderLog = {
  warn: (message) => console.warn(message),
  error: (message, error) => console.error(message, error),
}

/** Options of `makeLeader`. */
export interface LeaderOptions {
  readonly schema: LiveStoreSchema
  readonly storeId: string
  /** The eventlog, already initialized. */
  readonly eventlogDb: SqliteDb
  /** The persisted state, materialized up to the eventlog's head; none for an in-memory leader. */
  readonly stateDb?: SqliteDb | undefined
  readonly onUnknownEvent: (event: EncodedEvent) => void
  readonly log: LeaderLog
  /** Deletes the store's data (the databases are closed before). */
  readonly deleteStorage: () => Promise<void>
  /** Sync with a backend. */
  readonly sync?: SyncOptions | undefined
  /** The app's `syncPayload`, given to the backend when connecting. */
  readonly syncPayload?: unknown
  /**
   * When pushed events are written: `'microtask'` (default) right after the code that committed,
   * so that they are durable as soon as possible; `'task'` after the current task, for storage
   * with nothing to make durable (in memory) whose leader runs in the app's thread: the commit's
   * render then comes first. `flush()` writes at once either way.
   */
  readonly writeTiming?: 'microtask' | 'task'
}

/** A leader as its adapter holds it: the `LeaderThread` plus what booting a session needs. */
export interface Leader extends LeaderThread {
  /** This client's id, kept with the eventlog. */
  readonly clientId: string
  /**
   * The state for a new session: SQLite file bytes of the persisted state (`undefined`: start from
   * an empty state) and the events its undo segments cover. Messages after it are kept for the
   * session's `subscribe`.
   */
  snapshot(): { readonly state: Uint8Array | undefined; readonly recentEvents: readonly EncodedEvent[] }
  /**
   * Resolves once the first pull from the backend caught up (`initialSyncOptions: Blocking`) or
   * after its timeout; at once without a backend or with `Skip`.
   */
  initialSync(onProgress: (done: number, total: number) => void): Promise<void>
}

const META_UPSTREAM_HEAD = 'upstreamHead'

/**
 * Pushes the leader holds before it writes them at once instead of when `writeTiming` says. Commits
 * in a loop that never yields to the event loop would otherwise keep every event (and the session's
 * copy of it) in memory until the loop ends, and the garbage collector copies them over and over.
 */
const MAX_QUEUED_PUSHES = 256

/**
 * The leader of a client: appends the events its sessions push to the eventlog (in one transaction
 * per tick, or per `MAX_QUEUED_PUSHES` pushes within one), materializes them into the persisted state
 * (when there is one), tells its sessions what changed, and syncs with the backend, rebasing local
 * events on the backend's.
 *
 * The eventlog is written before the state: it is the truth, and a state whose head lags behind
 * it (a crash between the two) is caught up on the next boot. A rebase rolls the state back before
 * it rewrites the eventlog, for the same reason.
 */
export const makeLeader = (options: LeaderOptions): Leader => {
  const { schema, eventlogDb, stateDb, log, onUnknownEvent } = options
  let clientId = readOrCreateMeta(eventlogDb, 'clientId', () => randomId(6))
  /** Ids this client gave up (taken by another installation): sessions may still commit with them. */
  const formerClientIds = new Set<string>()
  let syncPayload = options.syncPayload
  let head = eventlogHead(eventlogDb)
  let upstreamHead = options.sync === undefined ? head : readUpstreamHead(eventlogDb)
  /** Events after `upstreamHead`, in order: synced ones the backend has not confirmed, and client-only ones. */
  let local: EncodedEvent[] = options.sync === undefined ? [] : readEvents(eventlogDb, upstreamHead)
  let queue: { readonly events: readonly EncodedEvent[]; readonly epoch: number }[] = []
  let scheduled: Promise<void> | undefined
  let deferred: ReturnType<typeof setTimeout> | undefined
  let closed = false
  let lastError: unknown
  /** The lowest epoch each session may still push at: it was refused at the ones below. */
  const minEpochs = new Map<string, number>()
  const listeners = new Set<(message: LeaderMessage) => void>()
  /** Messages since the last snapshot, until a session subscribes. */
  let buffered: LeaderMessage[] = []
  /** Undo recording of the persisted state, needed only where the backend may make us rebase. */
  const undoLog = stateDb !== undefined && options.sync !== undefined ? new UndoLog(stateDb, [...schema.tables.keys()]) : undefined
  /** Set when writing the state failed: it is no longer written and catches up on the next boot. */
  let stateBehind = false
  let status: LeaderSyncStatus = {
    connection: options.sync === undefined ? 'off' : 'connecting',
    confirmedHead: upstreamHead,
    backendHead: undefined,
    error: undefined,
    clientId,
  }

  const broadcast = (message: LeaderMessage): void => {
    if (listeners.size === 0) buffered.push(message)
    for (const listener of listeners) listener(message)
  }

  /** Reports a change of the sync state to the sessions (with the confirmed head as it is now). */
  const setStatus = (changes: Partial<LeaderSyncStatus>): void => {
    const next = { ...status, ...changes, confirmedHead: upstreamHead }
    if (
      next.connection === status.connection &&
      next.backendHead === status.backendHead &&
      next.error === status.error &&
      next.clientId === status.clientId &&
      compareSeqNum(next.confirmedHead, status.confirmedHead) === 0
    ) {
      return
    }
    status = next
    broadcast({ _tag: 'sync-status', status })
  }

  const writeState = (work: (db: SqliteDb) => void): void => {
    if (stateDb === undefined || stateBehind) return
    try {
      work(stateDb)
    } catch (error) {
      stateBehind = true
      log.error(`[cairn] store "${options.storeId}": writing the persisted state failed; it catches up on the next start:`, error)
    }
  }

  /**
   * Materializes events into the persisted state, as one undo segment unless `confirmed` (the backend
   * confirmed them: they are never rolled back). After a rollback, `replay` says from where the state
   * stands up to where the events apply (events the rollback undid too).
   */
  const materialize = (
    events: readonly EncodedEvent[],
    options: { readonly replay?: { readonly from: SeqNum; readonly to: SeqNum }; readonly confirmed?: boolean } = {},
  ): void =>
    writeState((db) => {
      const { replay, confirmed = false } = options
      const all = replay === undefined ? events : [...readEventsBetween(eventlogDb, replay.from, replay.to), ...events]
      if (all.length === 0) return
      const recording = undoLog !== undefined && !confirmed
      if (recording) undoLog.beforeWrite(replay?.from ?? readStateHead(db))
      materializeStoredEvents(db, schema, all, onUnknownEvent, new Set())
      if (recording) {
        undoLog.afterWrite(all.at(-1)!.seqNum, all.length)
        undoLog.cut()
      }
    })

  const writeQueue = (): void => {
    scheduled = undefined
    if (queue.length === 0 || closed) return
    const accepted: EncodedEvent[] = []
    let next = head
    const refused = new Map<string, number>()
    for (const { events, epoch } of queue) {
      const sessionId = events[0]!.sessionId
      const minEpoch = Math.max(minEpochs.get(sessionId) ?? 0, refused.get(sessionId) ?? 0)
      if (epoch < minEpoch || !sameSeqNum(events[0]!.parentSeqNum, next)) {
        refused.set(sessionId, Math.max(minEpoch, epoch + 1))
        continue
      }
      for (const event of events) accepted.push(formerClientIds.has(event.clientId) ? { ...event, clientId } : event)
      next = events.at(-1)!.seqNum
    }
    try {
      if (accepted.length > 0) inTransaction(eventlogDb, () => insertEvents(eventlogDb, accepted))
    } catch (error) {
      // Not written: keep the events for the next attempt.
      lastError = error
      log.error(`[cairn] store "${options.storeId}": writing the eventlog failed:`, error)
      return
    }
    queue = []
    lastError = undefined
    for (const [sessionId, epoch] of refused) minEpochs.set(sessionId, epoch)
    if (accepted.length === 0) return
    head = next
    if (options.sync === undefined) {
      upstreamHead = head
      status = { ...status, confirmedHead: head }
    } else {
      for (const event of accepted) local.push(event)
    }
    materialize(accepted)
    broadcast({ _tag: 'advance', events: accepted })
    sync?.localChanged()
  }

  /** Applies what merging the backend's events decided (see `merge`). */
  const applyMerge = (result: Exclude<MergeResult, { _tag: 'reject' }>): void => {
    const newUpstreamHead = result.state.upstreamHead
    if (result._tag === 'advance') {
      const appended = result.upstream
      inTransaction(eventlogDb, () => {
        insertEvents(eventlogDb, appended)
        writeEventlogMeta(eventlogDb, META_UPSTREAM_HEAD, JSON.stringify(newUpstreamHead))
      })
      upstreamHead = newUpstreamHead
      local = [...result.state.local]
      if (appended.length > 0) {
        head = appended.at(-1)!.seqNum
        materialize(appended, { confirmed: true })
        broadcast({ _tag: 'advance', events: appended, confirmed: true })
      }
    } else {
      const to = result.rollback[0]!.parentSeqNum
      const events = [...result.upstream, ...result.rebased]
      let reachedState: SeqNum | undefined
      writeState((db) => {
        undoLog?.cut()
        reachedState = rollBackState(db, schema, to)
      })
      inTransaction(eventlogDb, () => {
        deleteEventsAfter(eventlogDb, to)
        insertEvents(eventlogDb, events)
        writeEventlogMeta(eventlogDb, META_UPSTREAM_HEAD, JSON.stringify(newUpstreamHead))
      })
      upstreamHead = newUpstreamHead
      local = [...result.state.local]
      head = events.at(-1)!.seqNum
      if (reachedState !== undefined) materialize(events, { replay: { from: reachedState, to } })
      broadcast({ _tag: 'rewind', to, events })
    }
    writeState((db) => pruneUndoSegments(db, upstreamHead))
  }

  // A rebase must be able to roll back every unconfirmed event, in the leader and in sessions
  // booting from this state: undo segments must run unbroken from the state's head back to the
  // upstream head. They do not after the store ran without sync, nor after a crash between
  // writing the eventlog and the state (the boot caught the state up without recording), and a
  // session cannot rebuild what its rollback would then lose. So the state is rolled back (or
  // rebuilt) to the upstream head and the unconfirmed events are materialized again, recorded.
  if (undoLog !== undefined && local.length > 0 && compareSeqNum(undoReach(stateDb!), upstreamHead) > 0) {
    writeState((db) => {
      const reached = rollBackState(db, schema, upstreamHead)
      materialize(readEventsBetween(eventlogDb, reached, upstreamHead), { confirmed: true })
      materialize([], { replay: { from: upstreamHead, to: head } })
    })
  }

  const startSync = (syncOptions: SyncOptions): SyncProcessor =>
    startSyncProcessor({
      options: syncOptions,
      storeId: options.storeId,
      clientId,
      installId: readOrCreateMeta(eventlogDb, 'installId', () => randomId(16)),
      payload: syncPayload,
      knownBackendId: readEventlogMeta(eventlogDb, 'backendId'),
      rememberBackendId: (backendId) => writeEventlogMeta(eventlogDb, 'backendId', backendId),
      state: () => ({ upstreamHead, local }),
      applyMerge,
      setStatus,
      shutdown: (reason) => broadcast({ _tag: 'shutdown', reason }),
      onClientIdTaken: () => {
        if (closed) return
        takeNewClientId()
        sync = startSync(syncOptions)
      },
      log,
    })

  /**
   * Moves this client to a new random id. None of its events were confirmed under the old one (the
   * backend refused it), so its unconfirmed events are rewritten under the new id before they are
   * pushed; confirmed events with the old id are the other installation's.
   */
  const takeNewClientId = (): void => {
    const former = clientId
    clientId = randomId(6)
    inTransaction(eventlogDb, () => {
      eventlogDb.execute(
        'UPDATE eventlog SET clientId = ? WHERE clientId = ? AND (seqNumGlobal, seqNumClient) > (?, ?)',
        [clientId, former, upstreamHead.global, upstreamHead.client],
      )
      writeEventlogMeta(eventlogDb, 'clientId', clientId)
    })
    formerClientIds.add(former)
    local = local.map((event) => (event.clientId === former ? { ...event, clientId } : event))
    setStatus({ clientId })
    log.warn(`[cairn] store "${options.storeId}": the client id ${former} is taken by another installation; this client now syncs as ${clientId}.`)
  }

  let sync: SyncProcessor | undefined = options.sync === undefined ? undefined : startSync(options.sync)

  const schedule = (): Promise<void> => (scheduled ??= Promise.resolve().then(writeQueue))

  /** Schedules writing the queue as `writeTiming` says (a flush in between writes it sooner). */
  const schedulePush = (): void => {
    if (options.writeTiming !== 'task') {
      void schedule()
      return
    }
    deferred ??= setTimeout(() => {
      deferred = undefined
      writeQueue()
    }, 0)
  }

  const flush = async (): Promise<void> => {
    if (queue.length > 0) await schedule()
    if (queue.length > 0) throw lastError
  }

  const close = async (): Promise<void> => {
    if (closed) return
    closed = true
    clearTimeout(deferred)
    listeners.clear()
    await sync?.close()
    undoLog?.discard()
    eventlogDb.close()
    stateDb?.close()
  }

  return {
    clientId,
    push: (events, epoch) => {
      if (closed || events.length === 0) return
      queue.push({ events, epoch })
      // After a failed write the queue waits for the scheduled retry, not one per commit.
      if (queue.length >= MAX_QUEUED_PUSHES && lastError === undefined) writeQueue()
      else schedulePush()
    },
    subscribe: (listener) => {
      listener({ _tag: 'sync-status', status })
      for (const message of buffered) listener(message)
      buffered = []
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
    snapshot: () => {
      if (stateDb === undefined || stateBehind) return { state: undefined, recentEvents: [] }
      undoLog?.cut()
      buffered = []
      const oldest = oldestUndoPoint(stateDb)
      const recentEvents = oldest === undefined ? [] : readEvents(eventlogDb, oldest)
      return { state: stateDb.export(), recentEvents }
    },
    initialSync: (onProgress) => sync?.initialSync(onProgress) ?? Promise.resolve(),
    updateSyncPayload: async (payload) => {
      syncPayload = payload
      if (sync === undefined || closed || options.sync === undefined) return
      const previous = sync
      sync = startSync(options.sync)
      await previous.close()
    },
    flush,
    exportEventlog: async () => {
      await flush()
      return eventlogDb.export()
    },
    syncState: async (): Promise<LeaderSyncState> => {
      await flush()
      return eventlogStats(eventlogDb)
    },
    hardReset: async () => {
      queue = []
      await close()
      await options.deleteStorage()
    },
    shutdown: async () => {
      try {
        await flush()
      } finally {
        await close()
      }
    },
  }
}

const readOrCreateMeta = (db: SqliteDb, key: string, create: () => string): string => {
  const existing = readEventlogMeta(db, key)
  if (existing !== undefined) return existing
  const value = create()
  writeEventlogMeta(db, key, value)
  return value
}

const readUpstreamHead = (db: SqliteDb): SeqNum => {
  const stored = readEventlogMeta(db, META_UPSTREAM_HEAD)
  return stored === undefined ? ROOT_SEQ_NUM : (JSON.parse(stored) as SeqNum)
}
