// The test page: boots a store with the web adapter as the docs show, and exposes it to the tests
// (window.app), which drive it through Playwright. Query parameters: `store` (storeId), `mode`
// ('persisted' | 'in-memory'), `worker` ('no-opfs': the worker without OPFS, 'sync': the worker syncing
// with the test's sync server, 'mismatch': a worker with another schema, 'broken': one that throws,
// 'v2': the worker of the next app version), `schema` ('v2': the next app version), `directory`, `reset`.
import { makeInMemoryAdapter, makePersistedAdapter } from '@cairn/adapter-web'
import LiveStoreSharedWorker from '@cairn/adapter-web/shared-worker?sharedworker'
import { createStorePromise, queryDb, type Store } from '@cairn/store'
import NoOpfsWorker from './no-opfs.worker?worker'
import BrokenWorker from './broken.worker?worker'
import MismatchWorker from './mismatch.worker?worker'
import SyncWorker from './sync.worker?worker'
import LiveStoreWorker from './livestore.worker?worker'
import V2Worker from './v2.worker?worker'
import { events, schema as schemaV1, schemaV2, tables } from './schema.js'

const params = new URLSearchParams(location.search)
const warnings: string[] = []
const warn = console.warn.bind(console)
console.warn = (...args: unknown[]) => {
  warnings.push(args.map(String).join(' '))
  warn(...args)
}

const adapter =
  params.get('mode') === 'in-memory'
    ? makeInMemoryAdapter()
    : makePersistedAdapter({
        storage: { type: 'opfs', directory: params.get('directory') ?? 'cairn-test' },
        worker:
          { 'no-opfs': NoOpfsWorker, sync: SyncWorker, mismatch: MismatchWorker, broken: BrokenWorker, v2: V2Worker }[params.get('worker') ?? ''] ??
          LiveStoreWorker,
        sharedWorker: LiveStoreSharedWorker,
        resetPersistence: params.has('reset'),
      })

const count$ = queryDb(tables.todos.count(), { label: 'count' })

// Both versions have the tables and events the page uses; v2 only adds a column.
const schema = params.get('schema') === 'v2' ? (schemaV2 as unknown as typeof schemaV1) : schemaV1
const bootStatuses: string[] = []
const ready: Promise<Store<typeof schema>> = createStorePromise({
  schema,
  adapter,
  storeId: params.get('store') ?? 'todos',
  onBootStatus: (status) => bootStatuses.push(status.stage),
})

/** Resolves once the store holds at least `n` todos; rejects after `timeoutMs`. */
const waitForCount = (store: Store<typeof schema>, n: number, timeoutMs = 10_000): Promise<number> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe()
      reject(new Error(`timed out with ${store.query(count$)} of ${n} todos`))
    }, timeoutMs)
    const unsubscribe = store.subscribe(count$, (count) => {
      if (count < n) return
      clearTimeout(timer)
      queueMicrotask(() => unsubscribe())
      resolve(performance.now())
    })
  })

let counter = 0
/** When each count of todos was first seen (performance.timeOrigin-based ms), once `trackCounts` ran. */
const countSeenAt = new Map<number, number>()
const app = {
  ready: ready.then(() => performance.now()),
  warnings,
  /** The stages `onBootStatus` reported, in order. */
  bootStatuses,
  /** Why the store failed to boot: the `_tag` of the error and of its cause, and the cause's message. */
  bootError: ready.then(
    () => null,
    (error: { _tag?: string; cause?: { _tag?: string; message?: string } }) => ({
      tag: error._tag,
      causeTag: error.cause?._tag,
      message: error.cause?.message,
    }),
  ),
  async storageMode() {
    return (await ready).storageMode
  },
  async sessionId() {
    return (await ready).sessionId
  },
  /** Commits `n` todos at once; returns the time (performance.timeOrigin-based) of the commit. */
  async commit(n = 1, prefix = 't') {
    const store = await ready
    const at = performance.timeOrigin + performance.now()
    const batch = Array.from({ length: n }, () => {
      const id = `${prefix}-${store.sessionId}-${++counter}`
      return events.todoCreated({ id, text: id, createdAt: at })
    })
    for (const event of batch) store.commit(event)
    return at
  },
  async count() {
    return (await ready).query(count$)
  },
  /** Commits one todo per text (ids `<prefix>-<index>`); `readTexts` reads them back. */
  async commitTexts(texts: string[], prefix: string) {
    const store = await ready
    store.commit(...texts.map((text, index) => events.todoCreated({ id: `${prefix}-${index}`, text, createdAt: 0 })))
  },
  /** The texts of todos `<prefix>-0` … `<prefix>-<count - 1>`, in that order (null where there is none). */
  async readTexts(prefix: string, count: number) {
    const store = await ready
    return Array.from({ length: count }, (_, index) => store.query(tables.todos.where({ id: `${prefix}-${index}` }).first())?.text ?? null)
  },
  async texts() {
    return (await ready).query(tables.todos.orderBy('text', 'asc')).map((todo) => todo.text)
  },
  /** Waits for `n` todos; returns the time (performance.timeOrigin-based) at which they were there. */
  async waitForCount(n: number, timeoutMs?: number) {
    const store = await ready
    return performance.timeOrigin + (await waitForCount(store, n, timeoutMs))
  },
  /** Records from now on when each count of todos is first seen (see `countSeenAt`). */
  async trackCounts() {
    const store = await ready
    store.subscribe(count$, (count) => {
      if (!countSeenAt.has(count)) countSeenAt.set(count, performance.timeOrigin + performance.now())
    })
  },
  async countSeenAt(count: number) {
    return countSeenAt.get(count) ?? null
  },
  async setDraft(draft: string) {
    ;(await ready).commit(tables.uiState.set({ draft }))
  },
  async draft() {
    return (await ready).query(tables.uiState.get()).draft
  },
  /** The draft of another session, as this tab's state holds it. */
  async draftOf(sessionId: string) {
    return (await ready).query(tables.uiState.get(sessionId)).draft
  },
  async flush() {
    await (await ready).flush()
  },
  async shutdown() {
    await (await ready).shutdown()
  },
  async updateSyncPayload(payload: unknown) {
    await (await ready).updateSyncPayload(payload)
  },
  async hardReset() {
    await (await ready)._dev.hardReset()
  },
  /** Whether the store has shut down (it refuses queries then). */
  async isShutdown() {
    const store = await ready
    try {
      store.query(count$)
      return false
    } catch {
      return true
    }
  },
  /**
   * Commit → subscriber latency in this tab, in µs per commit: `n` commits, each notifying a
   * subscriber synchronously, timed in groups of 100 (browsers coarsen performance.now() to 100 µs
   * without cross-origin isolation, too coarse for one commit). Mean of all, and p99 of the groups.
   */
  async commitLatency(n: number) {
    const store = await ready
    let notified = 0
    const unsubscribe = store.subscribe(count$, () => notified++, { skipInitialRun: true })
    const groups: number[] = []
    const started = performance.now()
    for (let done = 0; done < n; done += 100) {
      const groupStart = performance.now()
      for (let i = 0; i < 100; i++) store.commit(events.todoCreated({ id: `lat-${store.sessionId}-${++counter}`, text: 'x', createdAt: 0 }))
      groups.push(((performance.now() - groupStart) * 1000) / 100)
    }
    const meanUs = ((performance.now() - started) * 1000) / n
    unsubscribe()
    groups.sort((a, b) => a - b)
    return { meanUs, p99Us: groups[Math.floor(groups.length * 0.99)]!, notified }
  },
}

;(window as unknown as { app: typeof app }).app = app
