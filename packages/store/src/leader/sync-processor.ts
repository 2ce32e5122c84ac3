import type { LeaderSyncStatus } from '../adapter/adapter.js'
import type { EncodedEvent } from '../eventlog/event.js'
import { merge, type MergeResult, type SyncState } from '../sync/merge.js'
import type { SyncConnection, SyncConnectionStatus, SyncEvent, SyncEventBatch, SyncPushResult } from '../sync/sync-backend.js'
import { BackendResetError } from '../sync/sync-errors.js'
import type { SyncOptions } from '../sync/sync-options.js'
import type { LeaderLog } from './leader.js'

/** What the sync processor needs from its leader. */
export interface SyncProcessorOptions {
  readonly options: SyncOptions
  readonly storeId: string
  readonly clientId: string
  readonly installId: string
  readonly payload: unknown
  /** The backend id this client synced with before, if any. */
  readonly knownBackendId: string | undefined
  readonly rememberBackendId: (backendId: string) => void
  /** The leader's current sync state. */
  readonly state: () => SyncState
  /**
   * Applies a merge of backend events (materializes, rewrites the eventlog, tells the sessions); the
   * next `setStatus` reports the new confirmed head.
   */
  readonly applyMerge: (result: Exclude<MergeResult, { _tag: 'reject' }>) => void
  readonly setStatus: (changes: Partial<Omit<LeaderSyncStatus, 'confirmedHead'>>) => void
  /** Stops the store for good (`onSyncError: 'shutdown'`). */
  readonly shutdown: (reason: string) => void
  /**
   * The backend refused the client id: another installation uses it (the backend binds an id to the
   * installation that first used it, so none of this client's events were confirmed under it). The
   * leader picks a new id and starts a new processor.
   */
  readonly onClientIdTaken: () => void
  readonly log: LeaderLog
}

/** The leader's end of syncing with a backend. */
export interface SyncProcessor {
  /** The leader appended local events: push them when possible. */
  localChanged(): void
  /** See `Leader.initialSync`. */
  initialSync(onProgress: (done: number, total: number) => void): Promise<void>
  close(): Promise<void>
}

/** Events per push: well below the server's default `maxEventsPerPush` and message size limits. */
const MAX_EVENTS_PER_PUSH = 100

/**
 * Connects to the backend, pulls its events from the last confirmed one on, merges them into the
 * leader's eventlog (advance, or rebase of the local events), and pushes local synced events, one
 * push in flight at a time. The backend delivers accepted pushes back through the pull, in its
 * order, and that is what confirms them; a push's acknowledgement only lets the next one go.
 */
export const startSyncProcessor = (args: SyncProcessorOptions): SyncProcessor => {
  const { log, storeId } = args
  let stopped = false
  let connected = false
  let pullStarted = false
  let pushing = false
  /** The backend holds (or will refuse) every local event up to this global number. */
  let pushedUpTo = args.state().upstreamHead.global
  let caughtUp = false
  const caughtUpListeners = new Set<() => void>()
  let progress: ((done: number, total: number) => void) | undefined
  const startedAt = args.state().upstreamHead.global

  const connection: SyncConnection = args.options.backend.connect({
    storeId,
    clientId: args.clientId,
    installId: args.installId,
    payload: args.payload,
  })

  const fail = (error: unknown): void => {
    if (stopped) return
    stopped = true
    connected = false
    const message = error instanceof Error ? error.message : String(error)
    args.setStatus({ connection: 'failed', error: message })
    log.error(`[cairn] store "${storeId}": sync stopped:`, error)
    void connection.close()
    releaseInitialSync()
    if (args.options.onSyncError === 'shutdown') args.shutdown(message)
  }

  const onStatus = (status: SyncConnectionStatus): void => {
    if (stopped) return
    switch (status.state) {
      case 'connecting':
        args.setStatus({ connection: 'connecting' })
        return
      case 'connected': {
        if (args.knownBackendId !== undefined && status.backendId !== args.knownBackendId) {
          fail(new BackendResetError(storeId, args.knownBackendId, status.backendId))
          return
        }
        if (args.knownBackendId === undefined) args.rememberBackendId(status.backendId)
        connected = true
        pushedUpTo = args.state().upstreamHead.global
        args.setStatus({ connection: 'connected', backendHead: status.head, error: undefined })
        if (!pullStarted) {
          pullStarted = true
          connection.pull(args.state().upstreamHead.global)
        }
        pushNext()
        return
      }
      case 'disconnected':
        connected = false
        args.setStatus({ connection: 'disconnected', error: describe(status.error) })
        return
      case 'failed':
        if ((status.error as { code?: unknown } | undefined)?.code === 'client-id-taken') {
          stopped = true
          void connection.close()
          args.onClientIdTaken()
          return
        }
        fail(status.error)
        return
    }
  }

  const receive = (events: readonly SyncEvent[], backendHead: number): void => {
    const { upstreamHead } = args.state()
    // Events the leader already has (a rejected push's `missing` and the pull can carry the same).
    const incoming = events.filter((event) => event.seqNum > upstreamHead.global).map(fromSyncEvent)
    if (incoming.length > 0) {
      const result = merge(args.state(), incoming)
      if (result._tag === 'reject') {
        fail(new Error(`The backend sent events that do not follow the last one this client has: ${result.reason}.`))
        return
      }
      args.applyMerge(result)
      if (result._tag === 'rebase') pushedUpTo = Math.min(pushedUpTo, args.state().upstreamHead.global)
    }
    args.setStatus({ backendHead })
  }

  const onEvents = (batch: SyncEventBatch): void => {
    if (stopped) return
    try {
      receive(batch.events, batch.head)
    } catch (error) {
      fail(error)
      return
    }
    const last = batch.events.at(-1)?.seqNum ?? args.state().upstreamHead.global
    progress?.(Math.max(0, last - startedAt), Math.max(0, batch.head - startedAt))
    if (batch.caughtUp) {
      caughtUp = true
      releaseInitialSync()
    }
    pushNext()
  }

  const pushNext = (): void => {
    if (stopped || !connected || pushing) return
    const batch: SyncEvent[] = []
    for (const event of args.state().local) {
      if (event.seqNum.client > 0 || event.seqNum.global <= pushedUpTo) continue
      batch.push(toSyncEvent(event))
      if (batch.length === MAX_EVENTS_PER_PUSH) break
    }
    if (batch.length === 0) return
    pushing = true
    connection.push(batch).then(
      (result) => {
        pushing = false
        onPushResult(result)
        pushNext()
      },
      (error: unknown) => {
        pushing = false
        // The connection dropped before the answer: push again once reconnected.
        pushedUpTo = args.state().upstreamHead.global
        if ((error as { _tag?: unknown })?._tag !== 'SyncConnectionLostError') fail(error)
      },
    )
  }

  const onPushResult = (result: SyncPushResult): void => {
    if (stopped) return
    if (result.ok) {
      pushedUpTo = result.head
      return
    }
    const { upstreamHead } = args.state()
    if (result.missing.length === 0 && !result.more && result.head < upstreamHead.global) {
      fail(new BackendResetError(storeId, args.knownBackendId ?? '?', '(a backend that lost events)'))
      return
    }
    try {
      receive(result.missing, result.head)
    } catch (error) {
      fail(error)
      return
    }
    pushedUpTo = args.state().upstreamHead.global
  }

  const releaseInitialSync = (): void => {
    for (const listener of caughtUpListeners) listener()
    caughtUpListeners.clear()
  }

  connection.onEvents(onEvents)
  connection.onStatus(onStatus)

  return {
    localChanged: pushNext,
    initialSync: (onProgress) => {
      const initial = args.options.initialSyncOptions
      if (initial === undefined || initial._tag !== 'Blocking' || caughtUp || stopped) return Promise.resolve()
      progress = onProgress
      return new Promise<void>((resolve) => {
        const timer = setTimeout(done, initial.timeout)
        function done(): void {
          clearTimeout(timer)
          caughtUpListeners.delete(done)
          progress = undefined
          resolve()
        }
        caughtUpListeners.add(done)
      })
    },
    close: async () => {
      stopped = true
      releaseInitialSync()
      await connection.close()
    },
  }
}

const fromSyncEvent = (event: SyncEvent): EncodedEvent => ({
  name: event.name,
  args: event.args,
  seqNum: { global: event.seqNum, client: 0, rebaseGeneration: 0 },
  parentSeqNum: { global: event.parentSeqNum, client: 0, rebaseGeneration: 0 },
  clientId: event.clientId,
  sessionId: event.sessionId,
  timestamp: event.timestamp,
})

const toSyncEvent = (event: EncodedEvent): SyncEvent => ({
  name: event.name,
  args: event.args,
  seqNum: event.seqNum.global,
  parentSeqNum: event.parentSeqNum.global,
  clientId: event.clientId,
  sessionId: event.sessionId,
  timestamp: event.timestamp,
})

const describe = (error: unknown): string | undefined =>
  error === undefined ? undefined : error instanceof Error ? error.message : String(error)
