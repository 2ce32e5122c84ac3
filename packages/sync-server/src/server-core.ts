// What every connection of one server shares: the stores it has clients for, their live pulls and
// push queues, storage, limits and hooks.
import type { SyncLimits } from '@cairn/store/sync'
import type { AppendNotice, SyncStorage } from './storage.js'
import { batchEnd, describe, eventsFrame, toWire, type WireEvent } from './frames.js'
import type { SyncServerOptions } from './options.js'
import type { Connection } from './connection.js'

export interface Pull {
  readonly requestId: string
  readonly live: boolean
  readonly connection: Connection
  /** Last `seqNum` delivered. */
  cursor: number
  /** Whether a batch reached the head (from then on, every batch says `caughtUp: true`). */
  caughtUp: boolean
  pumping: boolean
  sentFirst: boolean
  done: boolean
}

export interface StoreState {
  readonly storeId: string
  readonly backendId: string
  /** The highest head this process knows (exact for single-process storage). */
  head: number
  readonly pulls: Set<Pull>
  /** Pushes to this store, one at a time. */
  queue: Promise<void>
  connections: number
}

/** An event ready to send: its number, JSON text and UTF-8 size. */


/** What every connection of one server shares: storage, stores, limits, hooks. */
export class ServerCore {
  closing = false
  readonly connections = new Set<Connection>()
  private readonly stores = new Map<string, Promise<StoreState>>()
  readonly openedStores = new Map<string, StoreState>()

  constructor(
    readonly storage: SyncStorage,
    readonly limits: SyncLimits,
    readonly options: SyncServerOptions,
    readonly reportError: (error: unknown) => void,
  ) {}

  /** Runs an app hook without letting it break the server. */
  runHook(run: () => void | Promise<void>): void {
    try {
      Promise.resolve(run()).catch(this.reportError)
    } catch (error) {
      this.reportError(error)
    }
  }

  acquireStore(storeId: string): Promise<StoreState> {
    let pending = this.stores.get(storeId)
    if (pending === undefined) {
      pending = this.storage.openStore(storeId).then((info) => {
        const state: StoreState = { storeId, backendId: info.backendId, head: info.head, pulls: new Set(), queue: Promise.resolve(), connections: 0 }
        this.openedStores.set(storeId, state)
        return state
      })
      this.stores.set(storeId, pending)
      pending.catch(() => this.stores.delete(storeId))
    }
    return pending.then((state) => {
      state.connections++
      return state
    })
  }

  releaseStore(state: StoreState): void {
    state.connections--
    if (state.connections > 0) return
    // Forget the store once its queued pushes are done (its head is read again on the next hello).
    void state.queue.then(() => {
      if (state.connections === 0 && this.openedStores.get(state.storeId) === state) {
        this.openedStores.delete(state.storeId)
        this.stores.delete(state.storeId)
      }
    })
  }

  /** Reads storage from the pull's cursor and sends batches until the pull reached the head. */
  async pump(pull: Pull, store: StoreState): Promise<void> {
    if (pull.pumping || pull.done) return
    pull.pumping = true
    const { maxEventsPerBatch, maxMessageBytes } = this.limits
    try {
      for (;;) {
        const headBefore = store.head
        const rows = await this.storage.read(store.storeId, pull.cursor, maxEventsPerBatch)
        if (pull.done) return
        const events = rows.filter((row) => row.seqNum > pull.cursor).map(toWire)
        const last = events.at(-1)
        if (last !== undefined && last.seqNum > store.head) store.head = last.seqNum
        const batch = events.slice(0, batchEnd(events, 0, maxEventsPerBatch, maxMessageBytes))
        const cursor = batch.at(-1)?.seqNum ?? pull.cursor
        // Storage having nothing after the cursor counts as reaching the head, whatever this process believed.
        const reached = cursor >= store.head || events.length === 0
        if (batch.length > 0 || !pull.sentFirst) {
          pull.sentFirst = true
          pull.cursor = cursor
          await pull.connection.sendAndWait(eventsFrame(pull.requestId, batch, store.head, pull.caughtUp || reached))
          if (pull.done) return
        }
        if (!reached) continue
        // Pushes accepted meanwhile skipped this pull (it was pumping): read on.
        if (store.head > headBefore && pull.cursor < store.head) continue
        pull.caughtUp = true
        if (!pull.live) {
          pull.done = true
          store.pulls.delete(pull)
        }
        return
      }
    } catch (error) {
      if (pull.done) return
      this.reportError(error)
      pull.connection.fail('internal', `The server could not read the eventlog (${describe(error)}). Retry later.`)
    } finally {
      pull.pumping = false
    }
  }

  /**
   * Sends appended events (numbered from `from + 1`) to the store's live pulls that are at `from`;
   * pulls further behind are pumped from storage. `from = -1` with no events: just catch up.
   */
  deliver(store: StoreState, from: number, events: readonly WireEvent[]): void {
    const { maxEventsPerBatch, maxMessageBytes } = this.limits
    for (const pull of store.pulls) {
      if (pull.done || pull.pumping || !pull.caughtUp) continue
      // A client that does not read fast enough is served by its pump instead (it waits for each batch to be written).
      if (pull.cursor === from && events.length > 0 && !pull.connection.congested) {
        for (let start = 0; start < events.length; ) {
          const end = batchEnd(events, start, maxEventsPerBatch, maxMessageBytes)
          pull.connection.send(eventsFrame(pull.requestId, events.slice(start, end), store.head, true))
          start = end
        }
        pull.cursor = events.at(-1)!.seqNum
      } else if (pull.cursor < store.head) {
        void this.pump(pull, store)
      }
    }
  }

  /** Storage shared with other processes reported an append. */
  onNotice(notice: AppendNotice): void {
    const store = this.openedStores.get(notice.storeId)
    if (store === undefined) return
    if (notice.head > store.head) store.head = notice.head
    this.deliver(store, -1, [])
  }

  /** Storage reconnected to its database: appends may have been missed, pump every live pull. */
  onResync(): void {
    for (const store of this.openedStores.values()) {
      for (const pull of store.pulls) if (pull.caughtUp && !pull.done) void this.pump(pull, store)
    }
  }
}
