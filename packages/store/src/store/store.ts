import type { ClientSession, LeaderSyncState } from '../adapter/adapter.js'
import type { EncodedEvent } from '../eventlog/event.js'
import { nextSeqNum, seqNumToString, type SeqNum } from '../eventlog/seq-num.js'
import { isRawSqlQuery, runCompiledQuery, toCompiledQuery } from '../live-queries/compiled-query.js'
import { isLiveQueryDef, type LiveQueryDef, type QueryRuntime } from '../live-queries/live-query-def.js'
import { queryDb } from '../live-queries/query-db.js'
import { RowChangeJournal } from '../live-queries/row-change-journal.js'
import { trackRunningStore } from '../live-queries/running-stores.js'
import { isSignalDef, type SignalDef } from '../live-queries/signal.js'
import { QueuedWriteFailure, WriteQueue } from '../materializer/write-queue.js'
import { readStateHead } from '../materializer/state-db.js'
import { UndoLog } from '../materializer/undo-log.js'
import { makeUnknownEventHandler } from '../leader/unknown-events.js'
import { ReactiveGraph, type RefNode } from '../reactive/graph.js'
import type { QueryBuilder } from '../query-builder/internal.js'
import { isQueryBuilder, isTableDef } from '../query-builder/internal.js'
import { encodeEventArgs, SessionIdSymbol, type LiveStoreSchema } from '../schema/internal.js'
import type { RowChangeTracker, SqliteRow } from '../sqlite/sqlite-db.js'
import { CommitTransaction, type PreparedEvent } from './commit-transaction.js'
import { InvalidArgumentError, MaterializerError, StoreShutdownError, UnknownEventError } from './errors.js'
import { QueryRegistry } from './query-registry.js'
import { MAX_UNDO_SEGMENT_EVENTS, SessionSync, type SyncStatus } from './session-sync.js'

/** An event ready to commit, as an event definition returns it: `events.todoCreated({ ... })`. */
export interface CommittableEvent {
  readonly name: string
  readonly args: unknown
}

/** Anything `store.query` and `store.subscribe` accept. */
export type Queryable<T> = LiveQueryDef<T> | QueryBuilder<T>

/** The result type of something queryable. */
export type QueryableResult<Q> = Q extends LiveQueryDef<infer T> ? T : Q extends QueryBuilder<infer T> ? T : never

/** Options of `store.subscribe`. */
export interface SubscribeOptions {
  /** Do not call `onUpdate` with the current value right away; only on changes. */
  readonly skipInitialRun?: boolean
  /** Called when re-running the query after a commit fails (default: `console.error`). */
  readonly onError?: (error: unknown) => void
}

/** Debug views of the store's sync heads. */
export interface SyncStates {
  readonly session: { readonly head: SeqNum; readonly headString: string }
  readonly leader: LeaderSyncState
}

/** Development helpers, also reachable as `globalThis.__debugLiveStore[storeId]._dev`. */
export interface StoreDevHelpers {
  /** The session's state database as SQLite file bytes. */
  exportDb(): Uint8Array
  /** The eventlog database as SQLite file bytes (after writing pending events). */
  exportEventlogDb(): Promise<Uint8Array>
  /** Same as `exportDb` (browsers will also offer the file as a download). */
  downloadDb(): Uint8Array
  /** Same as `exportEventlogDb` (browsers will also offer the file as a download). */
  downloadEventlogDb(): Promise<Uint8Array>
  /** Heads of the session and the leader. */
  syncStates(): Promise<SyncStates>
  /** Deletes all data of this store and shuts it down. */
  hardReset(): Promise<void>
}

interface StoreOptions {
  readonly schema: LiveStoreSchema
  readonly storeId: string
  readonly session: ClientSession
  readonly batchUpdates: ((run: () => void) => void) | undefined
}

/**
 * A running store: commit events, query and subscribe. Create it with `createStorePromise`.
 * Commits and queries are synchronous and run on the session's in-memory SQLite database.
 */
export class Store<TSchema extends LiveStoreSchema = LiveStoreSchema> {
  /** The id given to `createStorePromise` (default `'default'`). */
  readonly storeId: string
  /** The schema the store was created with. */
  readonly schema: TSchema
  /** Random id of this session. */
  readonly sessionId: string
  /** Whether data is persisted or lives in memory only. */
  readonly storageMode: 'in-memory' | 'persisted'
  /** Development helpers. */
  readonly _dev: StoreDevHelpers

  private readonly session: ClientSession
  private readonly graph: ReactiveGraph
  private readonly registry: QueryRegistry
  private readonly tableRefs = new Map<string, RefNode<number>>()
  /** Rowids written by commits, so live queries can patch their results (absent: every change is unknown). */
  private readonly rowChanges: RowChangeTracker | undefined
  private readonly rowChangeJournal = new RowChangeJournal()
  private readonly runtime: QueryRuntime
  private readonly undoLog: UndoLog
  private readonly writeQueue: WriteQueue
  private readonly transaction: CommitTransaction
  private readonly sync: SessionSync
  private head: SeqNum
  private currentClientId: string
  private isShutdown = false
  /** The end of the store, once `shutdown()` or `_dev.hardReset()` began it. */
  private ending: Promise<void> | undefined
  private readonly shutdownListeners = new Set<() => void>()
  private undoCutScheduled = false

  /** @internal Use `createStorePromise`. */
  constructor(options: StoreOptions) {
    this.storeId = options.storeId
    this.schema = options.schema as TSchema
    this.session = options.session
    this.currentClientId = options.session.clientId
    this.sessionId = options.session.sessionId
    this.storageMode = options.session.storageMode
    this.graph = new ReactiveGraph(options.batchUpdates)
    this.head = readStateHead(this.session.sqliteDb)
    this.undoLog = new UndoLog(this.session.sqliteDb, [...this.schema.tables.keys()], { recording: this.session.neverRewound !== true })
    this.rowChanges = this.session.sqliteDb.trackRowChanges?.()
    this.writeQueue = new WriteQueue(this.session.sqliteDb, this.rowChanges)
    this.transaction = new CommitTransaction(this.session.sqliteDb, this.schema, this.writeQueue)
    this.runtime = {
      graph: this.graph,
      db: this.session.sqliteDb,
      sessionId: this.sessionId,
      tableRef: (table) => this.tableRef(table),
      tableChanges: (table, from, to) => this.rowChangeJournal.changesBetween(table, from, to),
      tableAssignments: (table, from, to) => this.rowChangeJournal.assignmentsBetween(table, from, to),
      // `get(tables.uiState.get())` hands over a builder: it becomes a queryDb keyed by its SQL.
      read: (get, def) => this.registry.read(get, isLiveQueryDef(def) ? def : (this.toLiveQueryDef(def) as typeof def)),
    }
    this.registry = new QueryRegistry(this.graph, () => this.runtime)
    this._dev = this.makeDevHelpers()
    const onUnknownEvent = makeUnknownEventHandler(this.schema.unknownEventHandling)
    this.sync = new SessionSync(
      {
        db: this.session.sqliteDb,
        schema: this.schema,
        storeId: this.storeId,
        sessionId: this.sessionId,
        leader: this.session.leader,
        undoLog: this.undoLog,
        head: () => this.head,
        clientId: () => this.currentClientId,
        setClientId: (clientId) => {
          this.currentClientId = clientId
        },
        setHead: (head) => {
          this.head = head
        },
        scheduleUndoCut: () => this.scheduleUndoCut(),
        // Rebase, rollback and pulled events are not followed row by row: their queries re-read.
        refresh: (tables) => this.refreshTables(tables === 'all' ? new Set(this.tableRefs.keys()) : tables, false),
        onUnknownEvent,
        shutdown: (reason) => {
          console.error(`[cairn] store "${this.storeId}" shuts down: ${reason}`)
          void this.shutdown().catch(() => {})
        },
      },
      this.session.recentEvents,
    )
  }

  /**
   * Random id of this client, kept with its eventlog. It changes (with a warning) when the sync
   * backend reports that another installation already uses it.
   */
  get clientId(): string {
    return this.currentClientId
  }

  /**
   * Commits events: validates their arguments, materializes them into the state in one SQLite
   * transaction, refreshes queries once, and hands the events to the leader to persist and sync.
   * Throws (and stores nothing) if an event is unknown, has invalid arguments or its materializer fails.
   *
   * @example
   * store.commit(events.todoCreated({ id: '1', text: 'Buy milk' }))
   */
  commit(...events: ReadonlyArray<CommittableEvent>): void {
    this.assertRunning('commit')
    if (events.length === 0) return
    const prepared = events.map((event) => this.prepareEvent(event))
    const transaction = this.transaction
    const written = transaction.start(this.currentClientId, this.sessionId, Date.now())
    const encodedEvents: EncodedEvent[] = []
    const headBefore = this.head
    let head = headBefore
    let current: PreparedEvent | undefined
    let currentSeqNum = head
    try {
      this.undoLog.beforeWrite(headBefore)
      // Several events always take a transaction; one event only if its writes need it.
      if (prepared.length > 1) transaction.beforeWrite()
      for (let index = 0; index < prepared.length; index++) {
        const event = prepared[index]!
        current = event
        currentSeqNum = nextSeqNum(head, event.clientOnly)
        encodedEvents.push(transaction.materialize(event, currentSeqNum, head))
        head = currentSeqNum
      }
      transaction.commit()
    } catch (cause) {
      transaction.rollback()
      // Nothing changed: the rows reported before the failure are forgotten.
      this.rowChanges?.drain()
      if (cause instanceof QueuedWriteFailure) throw new MaterializerError(cause.event.name, cause.event.id, cause.cause)
      throw new MaterializerError(current?.name ?? '?', seqNumToString(currentSeqNum), cause)
    }
    this.head = head
    this.undoLog.afterWrite(head, prepared.length)
    if (this.undoLog.openEvents >= MAX_UNDO_SEGMENT_EVENTS) this.scheduleUndoCut()
    this.sync.committed(encodedEvents)
    this.refreshTables(written, true)
  }

  /**
   * The current value of a query, signal or computed, or the rows of a query builder / table.
   *
   * @example
   * const todos = store.query(tables.todos.where({ completed: false }))
   */
  query<Q extends Queryable<any>>(query: Q): QueryableResult<Q>
  query<T = ReadonlyArray<SqliteRow>>(query: { query: string; bindValues?: unknown; schema?: unknown }): T
  query(query: unknown): unknown {
    this.assertRunning('query')
    if (isLiveQueryDef(query)) return this.registry.peek(query)
    const input = isTableDef(query) ? query.query : query
    if (isQueryBuilder(input) || isRawSqlQuery(input)) {
      const compiled = toCompiledQuery(input, 'store.query')
      return runCompiledQuery(this.session.sqliteDb, compiled, this.sessionId, 'store.query')
    }
    throw new InvalidArgumentError(
      'store.query expects a queryDb/signal/computed definition, a query builder (e.g. tables.todos.where({...})) ' +
        'or a raw query ({ query, bindValues, schema }).',
    )
  }

  /**
   * Calls `onUpdate` with the query's value now (unless `skipInitialRun`) and after every commit that
   * changed it. A commit notifies each subscriber at most once.
   *
   * @returns a function that ends the subscription.
   */
  subscribe<Q extends Queryable<any>>(
    query: Q,
    onUpdate: (value: QueryableResult<Q>) => void,
    options: SubscribeOptions = {},
  ): () => void {
    this.assertRunning('subscribe')
    if (typeof onUpdate !== 'function') {
      throw new InvalidArgumentError('store.subscribe(query, onUpdate) needs a function to call with the query\'s value.')
    }
    const def = this.toLiveQueryDef(query)
    const { node, release } = this.registry.acquire(def)
    let initial = true
    let effect: ReturnType<ReactiveGraph['makeEffect']>
    try {
      effect = this.graph.makeEffect(
        (get) => {
          if (initial) {
            const value = get(node)
            initial = false
            if (options.skipInitialRun !== true) onUpdate(value as QueryableResult<Q>)
            return
          }
          let value: unknown
          try {
            value = get(node)
          } catch (error) {
            ;(options.onError ?? reportSubscriptionError(def.label))(error)
            return
          }
          onUpdate(value as QueryableResult<Q>)
        },
        { label: `subscribe(${def.label})` },
      )
    } catch (error) {
      release()
      throw error
    }
    let subscribed = true
    return () => {
      if (!subscribed) return
      subscribed = false
      this.registry.disposeNode(effect)
      release()
    }
  }

  /**
   * Sets a signal's value in this store (or updates it from the previous value).
   *
   * @example
   * store.setSignal(num$, (prev) => prev + 1)
   */
  setSignal<T>(signal: SignalDef<T>, value: T | ((previous: T) => T)): void {
    this.assertRunning('setSignal')
    if (!isSignalDef(signal)) throw new InvalidArgumentError('store.setSignal expects a signal created with signal().')
    const node = this.registry.signalNode(signal) as RefNode<T>
    const next = typeof value === 'function' ? (value as (previous: T) => T)(node.value) : value
    this.graph.setRef(node, next)
  }

  /**
   * Where this store stands against its sync backend: local and backend heads, events not yet
   * confirmed, and `isSynced` (every synced event of this session is confirmed by the backend).
   *
   * @example
   * const { isSynced, pendingCount } = store.syncStatus()
   */
  syncStatus(): SyncStatus {
    this.assertRunning('read the sync status')
    return this.sync.status()
  }

  /**
   * Calls `onChange` with the sync status now and whenever it changes (commits, confirmations,
   * connection changes). Returns a function that ends the subscription.
   */
  subscribeSyncStatus(onChange: (status: SyncStatus) => void): () => void {
    this.assertRunning('subscribe to the sync status')
    return this.sync.subscribeStatus(onChange)
  }

  /**
   * Resolves once the backend has confirmed every synced event this session committed so far (they
   * then keep their place in the global order). Rejects with `SyncUnavailableError` when the store
   * has no sync backend or sync failed for good, and with `StoreShutdownError` if the store shuts
   * down first. Waits across disconnections: offline, it resolves after the next successful sync.
   *
   * @example
   * store.commit(events.todoCreated({ id: '1', text: 'Buy milk' }))
   * await store.awaitConfirmation()
   */
  awaitConfirmation(): Promise<void> {
    this.assertRunning('await confirmation')
    return this.sync.awaitConfirmation()
  }

  /**
   * Reconnects sync with a new `syncPayload` (e.g. a refreshed auth token) without restarting the
   * store: the backend's `validatePayload` sees the new payload from the next connection on.
   */
  async updateSyncPayload(payload: unknown): Promise<void> {
    this.assertRunning('update the sync payload')
    await this.session.leader.updateSyncPayload(payload)
  }

  /**
   * Resolves once every event committed so far is written by the leader (durable on persisted
   * adapters), including events the leader first dropped because another tab's came first.
   */
  async flush(): Promise<void> {
    await this.sync.flush()
  }

  /**
   * Writes pending events, releases the databases and ends the store. Idempotent. Rejects when the
   * leader could not write the pending events (the store is ended all the same).
   */
  async shutdown(): Promise<void> {
    // Every call waits for the same end, also when the store ended itself (e.g. sync gave up):
    // a caller can then rely on the files being released.
    return this.ending ?? this.end(() => this.session.leader.shutdown())
  }

  /**
   * Ends the store: `release` lets the leader write what is pending and close its databases. The
   * end is known before the shutdown listeners run, so one of them calling `shutdown()` waits for it.
   */
  private end(release: () => Promise<void>): Promise<void> {
    let settle!: (ended: Promise<void>) => void
    this.ending = new Promise<void>((resolve) => (settle = resolve))
    settle(this.finish(release))
    return this.ending
  }

  private async finish(release: () => Promise<void>): Promise<void> {
    this.markShutdown()
    this.sync.close((action) => new StoreShutdownError(this.storeId, action))
    this.undoLog.discard()
    try {
      await release()
    } finally {
      this.session.sqliteDb.close()
    }
  }

  /**
   * Calls `onShutdown` once when the store ends: by `store.shutdown()`, by `_dev.hardReset()`, or by
   * itself when sync fails for good with `onSyncError: 'shutdown'` (e.g. to show "please reload").
   * A store already shut down calls it right away.
   *
   * @returns a function that removes the listener.
   *
   * @example
   * store.onShutdown(() => showBanner('This tab was disconnected; reload to continue.'))
   */
  onShutdown(onShutdown: () => void): () => void {
    if (this.isShutdown) {
      onShutdown()
      return noop
    }
    const listener = (): void => onShutdown()
    this.shutdownListeners.add(listener)
    return () => {
      this.shutdownListeners.delete(listener)
    }
  }

  /** Ends the store for every caller at once, then tells the shutdown listeners. */
  private markShutdown(): void {
    this.isShutdown = true
    unregisterDebugStore(this)
    const listeners = [...this.shutdownListeners]
    this.shutdownListeners.clear()
    for (const listener of listeners) {
      try {
        listener()
      } catch (error) {
        console.error(`[cairn] store "${this.storeId}": an onShutdown listener threw:`, error)
      }
    }
  }

  /**
   * Closes the open undo segment after the current task. Segments are cut rarely on purpose:
   * restarting the SQLite session costs ~35 µs on the next commit. Not in a microtask: taking the
   * changeset of a large commit costs milliseconds, and the commit's render (React renders in a
   * microtask) should not wait for it. A rewind or an export cuts first anyway.
   */
  private scheduleUndoCut(): void {
    if (this.undoCutScheduled) return
    this.undoCutScheduled = true
    setTimeout(() => {
      if (this.isShutdown) return
      try {
        this.cutUndoSegment()
      } catch (error) {
        console.error(`[cairn] store "${this.storeId}": recording undo information failed:`, error)
      }
    }, 0)
  }

  private cutUndoSegment(): void {
    this.undoCutScheduled = false
    this.sync.cutUndoSegment()
  }

  private prepareEvent(event: CommittableEvent): PreparedEvent {
    const def = this.schema.eventsByName.get(event?.name)
    if (def === undefined) {
      if (isQueryBuilder(event) || isTableDef(event)) {
        throw new InvalidArgumentError(
          'store.commit takes events (e.g. events.todoCreated({ ... })), not table writes: commit an event ' +
            'and let its materializer return the write (tables.todos.insert(...)).',
        )
      }
      throw new UnknownEventError(String(event?.name))
    }
    const args = withSessionId(event.args, this.sessionId)
    return { name: def.name, args, encodedArgs: encodeEventArgs(def, args), clientOnly: def.options.clientOnly }
  }

  private tableRef(table: string): RefNode<number> {
    let ref = this.tableRefs.get(table)
    if (ref === undefined) {
      ref = this.graph.makeRef(0, { label: `table:${table}` })
      this.tableRefs.set(table, ref)
    }
    return ref
  }

  /**
   * Bumps the ref of each written table once, journaling which rows changed: the rows the tracker
   * collected when `tracked` (a plain commit), else unknown.
   */
  private refreshTables(tables: ReadonlySet<string>, tracked: boolean): void {
    const changes = this.rowChanges?.drain()
    if (tables.size === 0) return
    this.graph.batch(() => {
      for (const table of tables) {
        const ref = this.tableRefs.get(table)
        if (ref === undefined) continue
        const change =
          !tracked || changes === undefined || changes.untrackedAll || changes.untracked.has(table)
            ? 'untracked'
            : (changes.rowids.get(table) ?? NO_ROWS)
        this.rowChangeJournal.record(table, ref.value + 1, change, change === 'untracked' ? undefined : changes?.assigned?.get(table))
        this.graph.setRef(ref, ref.value + 1)
      }
    })
  }

  private toLiveQueryDef(query: unknown): LiveQueryDef<unknown> {
    if (isLiveQueryDef(query)) return query
    const input = isTableDef(query) ? query.query : query
    if (isQueryBuilder(input)) return queryDb(input)
    throw new InvalidArgumentError(
      'store.subscribe expects a queryDb/signal/computed definition or a query builder (e.g. tables.todos.where({...})).',
    )
  }

  private assertRunning(action: string): void {
    if (this.isShutdown) throw new StoreShutdownError(this.storeId, action)
  }

  private makeDevHelpers(): StoreDevHelpers {
    const exportDb = () => {
      this.assertRunning('export the database')
      this.cutUndoSegment()
      return this.session.sqliteDb.export()
    }
    const exportEventlogDb = () => {
      this.assertRunning('export the eventlog')
      return this.session.leader.exportEventlog()
    }
    return {
      exportDb,
      exportEventlogDb,
      downloadDb: exportDb,
      downloadEventlogDb: exportEventlogDb,
      syncStates: async () => ({
        session: { head: this.head, headString: seqNumToString(this.head) },
        leader: await this.session.leader.syncState(),
      }),
      hardReset: async () => {
        this.assertRunning('hard-reset')
        await this.end(() => this.session.leader.hardReset())
      },
    }
  }
}

const NO_ROWS: ReadonlySet<number> = new Set()

/** Replaces a `SessionIdSymbol` id (client documents) with the session's id before storing. */
const withSessionId = (args: unknown, sessionId: string): unknown =>
  typeof args === 'object' && args !== null && (args as { id?: unknown }).id === SessionIdSymbol
    ? { ...args, id: sessionId }
    : args

const reportSubscriptionError = (label: string) => (error: unknown) => {
  console.error(`[cairn] subscription to "${label}" failed to refresh:`, error)
}

type DebugRegistry = Record<string, Store<any>>
const debugRegistry = (): DebugRegistry => {
  const g = globalThis as { __debugLiveStore?: DebugRegistry }
  return (g.__debugLiveStore ??= {})
}

/** Marks the store as running: reachable as `globalThis.__debugLiveStore[storeId]` and by `def.subscribe`. */
export const registerDebugStore = (store: Store<any>): void => {
  trackRunningStore(store, true)
  debugRegistry()[store.storeId] = store
}

const unregisterDebugStore = (store: Store<any>): void => {
  trackRunningStore(store, false)
  const registry = debugRegistry()
  if (registry[store.storeId] === store) delete registry[store.storeId]
}

const noop = (): void => {}
