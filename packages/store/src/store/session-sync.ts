import type { LeaderMessage, LeaderSyncStatus, LeaderThread } from '../adapter/adapter.js'
import type { EncodedEvent } from '../eventlog/event.js'
import { compareSeqNum, ROOT_SEQ_NUM, sameSeqNum, seqNumToString, type SeqNum } from '../eventlog/seq-num.js'
import { pruneUndoSegments, rollBackState, undoReach } from '../materializer/rewind.js'
import { materializeStoredEvents } from '../materializer/replay.js'
import { readUndoBounds } from '../materializer/state-db.js'
import type { UndoLog } from '../materializer/undo-log.js'
import type { LiveStoreSchema } from '../schema/internal.js'
import type { SqliteDb } from '../sqlite/sqlite-db.js'
import { renumber } from '../sync/merge.js'
import { SyncUnavailableError } from '../sync/sync-errors.js'

/**
 * Where the store stands against its backend, as `store.syncStatus()` reports it.
 */
export interface SyncStatus {
  /** The global sequence number of the last synced event in this session. */
  readonly localHead: number
  /** The backend's head as last heard of; `undefined` before the first connection (or without sync). */
  readonly backendHead: number | undefined
  /** Synced events of this client the backend has not confirmed yet. */
  readonly pendingCount: number
  /** Whether every synced event of this session is confirmed by the backend (always false without sync). */
  readonly isSynced: boolean
  /** The connection to the backend; `off` when the adapter has no `sync` option. */
  readonly connection: LeaderSyncStatus['connection']
  /** Why sync is disconnected or failed. */
  readonly error: string | undefined
}

/** What the session's sync needs from its store. */
export interface SessionSyncHost {
  readonly db: SqliteDb
  readonly schema: LiveStoreSchema
  readonly storeId: string
  readonly sessionId: string
  readonly leader: LeaderThread
  readonly undoLog: UndoLog
  head(): SeqNum
  setHead(head: SeqNum): void
  /** The client id the session's new events carry; the leader may replace it (see LeaderSyncStatus.clientId). */
  clientId(): string
  setClientId(clientId: string): void
  /** Closes the open undo segment soon (it grew large). */
  scheduleUndoCut(): void
  /** Refreshes the queries reading `tables` (all queries for `'all'`). */
  refresh(tables: ReadonlySet<string> | 'all'): void
  onUnknownEvent(event: EncodedEvent): void
  /** The leader stopped for good. */
  shutdown(reason: string): void
}

/**
 * A session's end of the leader's eventlog: keeps the events the leader has not echoed yet
 * (`pending`), merges what the leader reports (its own events coming back, other sessions' and the
 * backend's events, rewinds after a rebase) into the session's state, and rebases pending events
 * the leader dropped.
 *
 * To roll the state back it inverts undo segments; a segment covers a run of events, so the events
 * since the start of the oldest segment are kept (`history`) to re-materialize the part before the
 * rollback point. Segments the backend confirmed are pruned with their history.
 */
export class SessionSync {
  readonly #host: SessionSyncHost
  /** The leader's head as the session last heard of it. */
  #leaderHead: SeqNum
  /** Events this session committed that the leader has not echoed yet, in order. */
  #pending: EncodedEvent[] = []
  /**
   * Starts at the clock, not 0: a reloaded tab is the same session (same id) to a leader that lives
   * on, which refuses the session's pushes below the last epoch it refused, and a page cannot rebase
   * more than once per millisecond of its life.
   */
  #epoch = Date.now()
  /** Every event in the session's state after the start of its oldest undo segment. */
  #history: EncodedEvent[]
  /** The closed undo segments in the state database (`__cairn_undo`), oldest first. */
  #segments: { readonly after: SeqNum; readonly upTo: SeqNum }[]
  #status: LeaderSyncStatus
  /** Events this session committed, all told, and how many times it pushed. */
  #committedCount = 0
  #pushCount = 0
  /** Flushes waiting for the leader's next message (it makes the session push its dropped events again). */
  #messageWaiters: { readonly resolve: () => void; readonly reject: (error: unknown) => void }[] = []
  #ownCommitted = 0
  #ownConfirmed = 0
  #confirmationWaiters: { readonly target: number; readonly resolve: () => void; readonly reject: (error: unknown) => void }[] = []
  readonly #statusListeners = new Set<(status: SyncStatus) => void>()
  #lastReported: SyncStatus | undefined
  readonly #unsubscribe: () => void

  constructor(host: SessionSyncHost, recentEvents: readonly EncodedEvent[]) {
    this.#host = host
    this.#leaderHead = host.head()
    this.#history = [...recentEvents]
    this.#segments = readUndoBounds(host.db)
    this.#status = { connection: 'off', confirmedHead: ROOT_SEQ_NUM, backendHead: undefined, error: undefined, clientId: host.clientId() }
    this.#unsubscribe = host.leader.subscribe((message) => this.#receive(message))
  }

  /** The store committed `events` (materialized on top of the previous head): hand them to the leader. */
  committed(events: readonly EncodedEvent[]): void {
    // Without undo recording nothing is ever replayed from the history.
    const history = this.#host.undoLog.recording ? this.#history : undefined
    for (let index = 0; index < events.length; index++) {
      const event = events[index]!
      this.#pending.push(event)
      history?.push(event)
      if (event.seqNum.client === 0) this.#ownCommitted++
    }
    this.#committedCount += events.length
    this.#push(events)
    if (this.#statusListeners.size > 0) this.#reportStatus()
  }

  /**
   * Resolves once the leader has written every event this session committed so far. The leader
   * drops a push when other events came first; the session rebases it once it hears of them and
   * pushes it again, so one leader flush is not always enough.
   */
  async flush(): Promise<void> {
    const target = this.#committedCount
    for (;;) {
      const pushes = this.#pushCount
      await this.#host.leader.flush()
      if (this.#committedCount - this.#pending.length >= target) return
      if (this.#pushCount === pushes) await new Promise<void>((resolve, reject) => this.#messageWaiters.push({ resolve, reject }))
    }
  }

  status(): SyncStatus {
    const { connection, confirmedHead, backendHead, error } = this.#status
    const localHead = this.#host.head().global
    const pendingCount = connection === 'off' ? 0 : Math.max(0, localHead - confirmedHead.global)
    return { localHead, backendHead, pendingCount, isSynced: connection !== 'off' && pendingCount === 0, connection, error }
  }

  subscribeStatus(listener: (status: SyncStatus) => void): () => void {
    this.#statusListeners.add(listener)
    listener(this.status())
    return () => {
      this.#statusListeners.delete(listener)
    }
  }

  /** Resolves once the backend confirmed every synced event this session committed so far. */
  awaitConfirmation(): Promise<void> {
    const target = this.#ownCommitted
    if (this.#ownConfirmed >= target) return Promise.resolve()
    const unavailable = this.#unavailable()
    if (unavailable !== undefined) return Promise.reject(unavailable)
    return new Promise((resolve, reject) => this.#confirmationWaiters.push({ target, resolve, reject }))
  }

  /** Stops following the leader; what still waits fails with `ended(action)` (the action it waited for). */
  close(ended: (action: string) => unknown): void {
    this.#unsubscribe()
    this.#statusListeners.clear()
    for (const waiter of this.#confirmationWaiters) waiter.reject(ended('await confirmation'))
    this.#confirmationWaiters = []
    for (const waiter of this.#messageWaiters) waiter.reject(ended('flush'))
    this.#messageWaiters = []
  }

  #unavailable(): SyncUnavailableError | undefined {
    if (this.#status.connection === 'off') return new SyncUnavailableError(this.#host.storeId, 'the adapter has no `sync` option.')
    if (this.#status.connection === 'failed') {
      return new SyncUnavailableError(this.#host.storeId, `sync failed: ${this.#status.error ?? 'unknown error'}`)
    }
    return undefined
  }

  #receive(message: LeaderMessage): void {
    try {
      this.#handle(message)
    } catch (error) {
      // The session can no longer follow the leader: stop rather than show a state that diverges.
      this.#host.shutdown(`applying the leader's events failed: ${error instanceof Error ? error.message : String(error)}`)
    }
    const waiters = this.#messageWaiters
    this.#messageWaiters = []
    for (const waiter of waiters) waiter.resolve()
  }

  #push(events: readonly EncodedEvent[]): void {
    this.#pushCount++
    this.#host.leader.push(events, this.#epoch)
  }

  #handle(message: LeaderMessage): void {
    switch (message._tag) {
      case 'advance':
        this.#advance(message.events, message.confirmed === true)
        break
      case 'rewind':
        this.#rewind(message.to, message.events, this.#pending)
        break
      case 'sync-status':
        this.#statusChanged(message.status)
        break
      case 'shutdown':
        this.#host.shutdown(message.reason)
        return
    }
    if (this.#statusListeners.size > 0) this.#reportStatus()
  }

  /** The leader appended `events`: this session's pending ones coming back first, unless it dropped them. */
  #advance(events: readonly EncodedEvent[], confirmed: boolean): void {
    let echoed = 0
    while (echoed < events.length && echoed < this.#pending.length && sameEvent(events[echoed]!, this.#pending[echoed]!)) echoed++
    if (echoed > 0) {
      this.#leaderHead = events[echoed - 1]!.seqNum
      this.#pending = this.#pending.slice(echoed)
    }
    const upstream = events.slice(echoed)
    if (upstream.length === 0) return
    if (this.#pending.length === 0) this.#apply(upstream, confirmed)
    else this.#rewind(this.#leaderHead, upstream, this.#pending)
  }

  /**
   * Materializes events that follow the session's head (no pending events in between). Events the
   * backend confirmed are never rolled back: the open undo segment is closed before them and they
   * are not recorded (nor kept in the history), which keeps catching up cheap.
   */
  #apply(events: readonly EncodedEvent[], confirmed: boolean): void {
    const { db, schema, undoLog } = this.#host
    const written = new Set<string>()
    const head = events.at(-1)!.seqNum
    if (confirmed) {
      this.cutUndoSegment()
      materializeStoredEvents(db, schema, events, (event) => this.#host.onUnknownEvent(event), written)
      // Everything up to here is confirmed: count this session's events among them, then forget them.
      this.#countOwnConfirmed(this.#status.confirmedHead, head, [...this.#history, ...events])
      this.#history = []
    } else {
      undoLog.beforeWrite(this.#host.head())
      materializeStoredEvents(db, schema, events, (event) => this.#host.onUnknownEvent(event), written)
      undoLog.afterWrite(head, events.length)
      for (const event of events) this.#history.push(event)
      if (undoLog.openEvents >= MAX_UNDO_SEGMENT_EVENTS) this.#host.scheduleUndoCut()
    }
    this.#leaderHead = head
    this.#host.setHead(head)
    this.#host.refresh(written)
  }

  /**
   * Rolls the state back to `to`, applies `upstream` (the leader's events after it) and rebases
   * `pending` on top: renumbered one rebase generation later and pushed again at the next epoch.
   */
  #rewind(to: SeqNum, upstream: readonly EncodedEvent[], pending: readonly EncodedEvent[]): void {
    const { db, schema, undoLog } = this.#host
    this.cutUndoSegment()
    // Where the undo segments cannot reach, the rollback rebuilds the state from the root with this
    // session's history: if that does not start at the root, confirmed rows would silently vanish.
    // The session then stops instead, after handing its pending events, rebased, to the leader.
    if (compareSeqNum(undoReach(db), to) > 0 && compareSeqNum(to, ROOT_SEQ_NUM) > 0 && !startsAtRoot(this.#history)) {
      this.#pending = pending.length === 0 ? [] : renumber(pending, upstream.at(-1)?.seqNum ?? to)
      if (this.#pending.length > 0) {
        this.#epoch++
        this.#push(this.#pending)
      }
      throw new Error(
        `this session cannot roll its state back to ${seqNumToString(to)} to rebase: its undo information does not reach ` +
          `that far. Its own events went to the leader; reopen the store, which boots from the leader's state.`,
      )
    }
    const reached = rollBackState(db, schema, to)
    this.#segments = this.#segments.filter((segment) => compareSeqNum(segment.upTo, to) <= 0)
    const replay = this.#history.filter((event) => compareSeqNum(event.seqNum, reached) > 0 && compareSeqNum(event.seqNum, to) <= 0)
    const rebased = pending.length === 0 ? [] : renumber(pending, upstream.at(-1)?.seqNum ?? to)
    const all = [...replay, ...upstream, ...rebased]
    undoLog.beforeWrite(reached)
    if (all.length > 0) {
      materializeStoredEvents(db, schema, all, (event) => this.#host.onUnknownEvent(event), new Set())
      undoLog.afterWrite(all.at(-1)!.seqNum, all.length)
    }
    this.#history = [...this.#history.filter((event) => compareSeqNum(event.seqNum, to) <= 0), ...upstream, ...rebased]
    this.#leaderHead = upstream.at(-1)?.seqNum ?? to
    this.#host.setHead(all.at(-1)?.seqNum ?? reached)
    this.#pending = rebased
    if (rebased.length > 0) {
      this.#epoch++
      this.#push(rebased)
    }
    this.#host.refresh('all')
  }

  #statusChanged(status: LeaderSyncStatus): void {
    const before = this.#status.confirmedHead
    this.#status = status
    if (status.clientId !== this.#host.clientId()) this.#host.setClientId(status.clientId)
    if (compareSeqNum(status.confirmedHead, before) <= 0) return
    this.#countOwnConfirmed(before, status.confirmedHead, this.#history)
    this.#prune()
    const waiters = this.#confirmationWaiters
    this.#confirmationWaiters = waiters.filter((waiter) => waiter.target > this.#ownConfirmed)
    for (const waiter of waiters) if (waiter.target <= this.#ownConfirmed) waiter.resolve()
    if (status.connection === 'failed') {
      for (const waiter of this.#confirmationWaiters) waiter.reject(this.#unavailable())
      this.#confirmationWaiters = []
    }
  }

  /** Counts this session's synced events in `events` (in log order) after `after` up to `upTo`. */
  #countOwnConfirmed(after: SeqNum, upTo: SeqNum, events: readonly EncodedEvent[]): void {
    for (let index = firstAfter(events, after); index < events.length; index++) {
      const event = events[index]!
      if (compareSeqNum(event.seqNum, upTo) > 0) break
      if (event.sessionId === this.#host.sessionId && event.seqNum.client === 0) this.#ownConfirmed++
    }
  }

  /** Closes the open undo segment (see UndoLog.cut) and drops what can no longer be needed. */
  cutUndoSegment(): void {
    const segment = this.#host.undoLog.cut()
    if (segment !== undefined) this.#segments.push(segment)
    this.#prune()
  }

  /**
   * Drops undo segments (and their history) the session can no longer need: those ending at or
   * before the backend's confirmed head, or without a backend, the leader's head (the leader never
   * rewinds then). The segments are mirrored in memory so that this costs no query when there is
   * nothing to drop (it runs on every confirmation).
   */
  #prune(): void {
    const { db, undoLog } = this.#host
    const point = this.#status.connection === 'off' ? this.#leaderHead : this.#status.confirmedHead
    const first = this.#segments.findIndex((segment) => compareSeqNum(segment.upTo, point) > 0)
    const prunable = first === -1 ? this.#segments.length : first
    if (prunable > 0) {
      pruneUndoSegments(db, point)
      this.#segments = this.#segments.slice(prunable)
    }
    const oldest = this.#segments[0]?.after ?? undoLog.openAfter ?? this.#host.head()
    let drop = 0
    while (drop < this.#history.length && compareSeqNum(this.#history[drop]!.seqNum, oldest) <= 0) drop++
    if (drop > 0) this.#history = this.#history.slice(drop)
  }

  #reportStatus(): void {
    const status = this.status()
    const last = this.#lastReported
    if (
      last !== undefined &&
      last.localHead === status.localHead &&
      last.backendHead === status.backendHead &&
      last.pendingCount === status.pendingCount &&
      last.connection === status.connection &&
      last.error === status.error
    ) {
      return
    }
    this.#lastReported = status
    for (const listener of this.#statusListeners) listener(status)
  }
}

/**
 * Events after which the open undo segment is closed. Rebase undoes whole segments and replays the
 * confirmed events among them, so this bounds the replay (and the events kept to replay).
 */
export const MAX_UNDO_SEGMENT_EVENTS = 1_000

/** The index of the first event after `seqNum` in `events` (in log order). */
const firstAfter = (events: readonly EncodedEvent[], seqNum: SeqNum): number => {
  let low = 0
  let high = events.length
  while (low < high) {
    const middle = (low + high) >>> 1
    if (compareSeqNum(events[middle]!.seqNum, seqNum) <= 0) low = middle + 1
    else high = middle
  }
  return low
}

/** A session's own event coming back from the leader: the same session, position and name. */
const sameEvent = (a: EncodedEvent, b: EncodedEvent): boolean =>
  a.sessionId === b.sessionId &&
  a.seqNum.global === b.seqNum.global &&
  a.seqNum.client === b.seqNum.client &&
  a.seqNum.rebaseGeneration === b.seqNum.rebaseGeneration &&
  a.name === b.name

/** Whether `history` (in log order) starts with the first event of the log. */
const startsAtRoot = (history: readonly EncodedEvent[]): boolean => history[0] !== undefined && sameSeqNum(history[0].parentSeqNum, ROOT_SEQ_NUM)
