import { Worker, type WorkerOptions } from 'node:worker_threads'
import { loadSqlite } from '@cairn/sqlite'
import type { BootStatus } from '@cairn/store'
import {
  schemaDifference,
  schemaFingerprint,
  type Adapter,
  type AdapterArgs,
  type EncodedEvent,
  type LeaderMessage,
  type LeaderSyncState,
  type LeaderThread,
  type SchemaFingerprint,
} from '@cairn/store/adapter'
import { InvalidAdapterOptionsError, LeaderProtocolError, LeaderWorkerError, WorkerSchemaMismatchError } from '../errors.js'
import { makeSession } from '../session.js'
import { resolveStorage, type NodeStorage, type ResolvedStorage } from '../storage.js'
import {
  checkResult,
  parseFromWorker,
  PROTOCOL_VERSION,
  reviveError,
  type BootResult,
  type FromWorkerMessage,
  type ResultOf,
  type ToWorkerMessage,
} from './protocol.js'

/** Options of `makeWorkerAdapter`. */
export interface WorkerAdapterOptions {
  /**
   * The worker file: JavaScript that Node can load as is and that calls `makeWorker({ schema })` from
   * `@cairn/adapter-node/worker`, usually `new URL('./cairn.worker.js', import.meta.url)`. A string
   * is a path (absolute, or starting with `./` or `../` for one relative to the working directory).
   */
  readonly workerUrl: URL | string
  /**
   * Where the worker keeps the store's data, as for `makeAdapter`. Default `{ type: 'fs' }`: files in
   * `.cairn/<storeId>/` under the process's working directory.
   */
  readonly storage?: NodeStorage
  /** Options of the worker thread. */
  readonly workerOptions?: LeaderWorkerOptions
}

/** Options of the leader's worker thread (a subset of `node:worker_threads` `WorkerOptions`). */
export interface LeaderWorkerOptions {
  /** Given to the worker as `workerData` (`node:worker_threads`), e.g. to configure it. Must be structured-cloneable. */
  readonly workerData?: unknown
  /** Node options of the worker. Default: this process's, `process.execArgv` (as read when the store boots). */
  readonly execArgv?: readonly string[]
  /** The worker's `process.env`. Default: a copy of this thread's. */
  readonly env?: WorkerOptions['env']
  /** Memory limits of the worker's JavaScript engine. */
  readonly resourceLimits?: WorkerOptions['resourceLimits']
}

/** How long a worker may take to load its file and call `makeWorker`. */
const READY_TIMEOUT_MS = 30_000

/**
 * The adapter for Node.js programs that keeps the main thread free of disk work: the store's leader
 * (eventlog and persisted state) runs in a worker thread, started from `workerUrl`, which calls
 * `makeWorker({ schema })` with the same schema as the app.
 *
 * Each store (each `createStorePromise` with this adapter) gets its own worker thread.
 * The store itself stays in this thread: it boots from a copy of the worker's state (no replay), and
 * `store.commit` and queries are synchronous on an in-memory database here. Committed events go to
 * the worker once per tick; `await store.flush()` resolves once the worker has written every event
 * committed so far (durable on disk with `{ type: 'fs' }`), and `store.shutdown()` flushes and then
 * ends the worker. Errors of the worker (a locked or damaged eventlog, a stored event the schema
 * cannot decode, ...) reach this thread as the same Cairn errors; a worker that crashes or exits
 * makes `flush` reject with a `LeaderWorkerError` while the store keeps working in memory.
 *
 * While the worker has nothing to do it does not keep the process alive: a program ends when its
 * own work is done, like with `makeAdapter` (call `store.shutdown()` to end it explicitly).
 *
 * @example
 * // main.js
 * const adapter = makeWorkerAdapter({ workerUrl: new URL('./cairn.worker.js', import.meta.url) })
 * const store = await createStorePromise({ schema, adapter, storeId: 'todos' })
 * // cairn.worker.js
 * import { makeWorker } from '@cairn/adapter-node/worker'
 * makeWorker({ schema })
 */
export const makeWorkerAdapter = (options: WorkerAdapterOptions): Adapter => {
  const workerUrl = validWorkerUrl(options?.workerUrl)
  const storage = resolveStorage(options.storage ?? { type: 'fs' }, 'makeWorkerAdapter')
  return async (args) => {
    const connection = new LeaderConnection(workerUrl, options.workerOptions ?? {}, args.onBootStatus)
    try {
      const [sqlite, booted] = await Promise.all([loadSqlite(), connection.boot(args, storage)])
      return await makeSession(
        sqlite,
        {
          leader: connection.leader,
          clientId: booted.clientId,
          storageMode: booted.storageMode,
          state: booted.state ?? undefined,
          recentEvents: booted.recentEvents,
          neverRewound: booted.neverRewound,
        },
        args.schema,
      )
    } catch (error) {
      await connection.terminate()
      throw error
    }
  }
}

const validWorkerUrl = (workerUrl: unknown): URL | string => {
  if (workerUrl instanceof URL && (workerUrl.protocol === 'file:' || workerUrl.protocol === 'data:')) return workerUrl
  if (typeof workerUrl === 'string' && workerUrl.length > 0) return workerUrl
  throw new InvalidAdapterOptionsError(
    `makeWorkerAdapter: workerUrl must be a file: URL or a path of the worker file, ` +
      `e.g. { workerUrl: new URL('./cairn.worker.js', import.meta.url) }; got ${String(workerUrl)}.`,
  )
}

interface Pending {
  readonly method: keyof ResultOf
  readonly resolve: (value: never) => void
  readonly reject: (error: unknown) => void
}

/** The app's end of the conversation with one leader worker (see ./protocol.ts). */
class LeaderConnection {
  readonly leader: LeaderThread
  readonly #url: string
  readonly #worker: Worker
  readonly #onBootStatus: (status: BootStatus) => void
  readonly #pending = new Map<number, Pending>()
  readonly #ready: Promise<SchemaFingerprint>
  readonly #exited: Promise<void>
  #resolveReady: ((schema: SchemaFingerprint) => void) | undefined
  #rejectReady: ((error: unknown) => void) | undefined
  #readyTimer: NodeJS.Timeout | undefined
  #nextId = 1
  #queue: EncodedEvent[] = []
  #queueEpoch = 0
  #listener: ((message: LeaderMessage) => void) | undefined
  /** Leader messages that arrived before the session subscribed. */
  #leaderMessages: LeaderMessage[] = []
  #sendScheduled: NodeJS.Immediate | undefined
  #sentBatch = 0
  #writtenBatch = 0
  #booted = false
  #referenced = true
  /** Why the worker cannot be used any more; every later request rejects with it. */
  #failure: Error | undefined
  /** Ending the worker on purpose: its exit is no failure. */
  #ending = false
  #shutdown: Promise<void> | undefined

  constructor(workerUrl: URL | string, workerOptions: LeaderWorkerOptions, onBootStatus: (status: BootStatus) => void) {
    this.#url = String(workerUrl)
    this.#onBootStatus = onBootStatus
    this.#ready = new Promise<SchemaFingerprint>((resolve, reject) => {
      this.#resolveReady = resolve
      this.#rejectReady = reject
    })
    this.#ready.catch(() => {})
    try {
      const { workerData, execArgv = process.execArgv, env, resourceLimits } = workerOptions
      this.#worker = new Worker(workerUrl, {
        workerData,
        execArgv: [...execArgv],
        ...(env === undefined ? {} : { env }),
        ...(resourceLimits === undefined ? {} : { resourceLimits }),
      })
    } catch (cause) {
      throw new LeaderWorkerError('start-failed', this.#url, `The leader worker ${this.#url} could not be started: ${describe(cause)}`, { cause })
    }
    this.#exited = new Promise((resolve) => this.#worker.once('exit', () => resolve()))
    this.#worker.on('message', (data: unknown) => this.#receive(data))
    this.#worker.on('messageerror', (cause: unknown) => {
      this.#fail(new LeaderProtocolError(`A message from the leader worker ${this.#url} could not be received: ${describe(cause)}`, { cause }))
    })
    this.#worker.on('error', (cause: unknown) => {
      this.#fail(
        this.#resolveReady === undefined
          ? new LeaderWorkerError('crashed', this.#url, `The leader worker ${this.#url} crashed: ${describe(cause)}. ${LOST}`, { cause })
          : new LeaderWorkerError(
              'start-failed',
              this.#url,
              `The leader worker ${this.#url} failed to start: ${describe(cause)}. ` +
                `workerUrl must name a JavaScript file that Node can load and that calls makeWorker({ schema }) from '@cairn/adapter-node/worker'.`,
              { cause },
            ),
      )
    })
    this.#worker.on('exit', (exitCode: number) => {
      if (this.#ending) return
      this.#fail(
        new LeaderWorkerError(
          'exited',
          this.#url,
          this.#resolveReady === undefined
            ? `The leader worker ${this.#url} exited unexpectedly (exit code ${exitCode}). ${LOST}`
            : `The leader worker ${this.#url} exited (exit code ${exitCode}) without calling makeWorker({ schema }) from '@cairn/adapter-node/worker'.`,
          { exitCode },
        ),
      )
    })
    this.#readyTimer = setTimeout(() => {
      this.#fail(
        new LeaderWorkerError(
          'not-ready',
          this.#url,
          `The leader worker ${this.#url} did not call makeWorker({ schema }) from '@cairn/adapter-node/worker' within ${READY_TIMEOUT_MS / 1000} s.`,
        ),
      )
    }, READY_TIMEOUT_MS)

    this.leader = {
      push: (events, epoch) => this.#push(events, epoch),
      updateSyncPayload: async (payload) => {
        if (this.#failure === undefined && !this.#ending) this.#post({ v: PROTOCOL_VERSION, type: 'syncPayload', payload })
      },
      subscribe: (listener) => {
        this.#listener = listener
        for (const message of this.#leaderMessages) listener(message)
        this.#leaderMessages = []
        return () => {
          if (this.#listener === listener) this.#listener = undefined
        }
      },
      flush: async () => {
        this.#sendQueued()
        await this.#request('flush', {})
      },
      exportEventlog: async () => {
        this.#sendQueued()
        return this.#request('exportEventlog', {})
      },
      syncState: async (): Promise<LeaderSyncState> => {
        this.#sendQueued()
        return this.#request('syncState', {})
      },
      hardReset: async () => {
        this.#queue = []
        try {
          await this.#request('hardReset', {})
        } finally {
          await this.terminate()
        }
      },
      shutdown: () => {
        this.#shutdown ??= (async () => {
          this.#sendQueued()
          try {
            await this.#request('shutdown', {})
          } finally {
            await this.terminate()
          }
        })()
        return this.#shutdown
      },
    }
  }

  /** Waits for the worker, checks that it has the app's schema, and boots its leader. */
  async boot(args: AdapterArgs, storage: ResolvedStorage): Promise<BootResult> {
    const worker = await this.#ready
    const difference = schemaDifference(schemaFingerprint(args.schema), worker)
    if (difference !== undefined) throw new WorkerSchemaMismatchError(this.#url, difference)
    const result = await this.#request('boot', { storeId: args.storeId, storage, syncPayload: args.syncPayload })
    this.#booted = true
    this.#updateRef()
    return result
  }

  /** Ends the worker (at once) and rejects what is still waiting for it. */
  async terminate(): Promise<void> {
    this.#ending = true
    clearTimeout(this.#readyTimer)
    if (this.#sendScheduled !== undefined) clearImmediate(this.#sendScheduled)
    this.#sendScheduled = undefined
    this.#queue = []
    await this.#worker.terminate()
    await this.#exited
    this.#fail(new LeaderWorkerError('exited', this.#url, `The leader worker ${this.#url} was shut down.`))
  }

  #push(events: readonly EncodedEvent[], epoch: number): void {
    // After a failure the events live on in the session's memory only; flush reports the failure.
    if (this.#failure !== undefined || this.#ending) return
    // One push message carries events of one epoch.
    if (epoch !== this.#queueEpoch) this.#sendQueued()
    this.#queueEpoch = epoch
    for (const event of events) this.#queue.push(event)
    this.#sendScheduled ??= setImmediate(() => this.#sendQueued())
  }

  /** Sends the events committed since the last send, as one batch. */
  #sendQueued(): void {
    if (this.#sendScheduled !== undefined) clearImmediate(this.#sendScheduled)
    this.#sendScheduled = undefined
    if (this.#queue.length === 0 || this.#failure !== undefined) return
    const events = this.#queue
    this.#queue = []
    this.#sentBatch++
    this.#post({ v: PROTOCOL_VERSION, type: 'push', batch: this.#sentBatch, events, epoch: this.#queueEpoch })
    this.#updateRef()
  }

  #request<M extends keyof ResultOf>(
    method: M,
    fields: M extends 'boot' ? { storeId: string; storage: ResolvedStorage; syncPayload: unknown } : Record<string, never>,
  ): Promise<ResultOf[M]> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure)
    const id = this.#nextId++
    return new Promise<ResultOf[M]>((resolve, reject) => {
      this.#pending.set(id, { method, resolve: resolve as (value: never) => void, reject })
      const message = (
        method === 'boot' ? { v: PROTOCOL_VERSION, type: 'boot', id, ...fields } : { v: PROTOCOL_VERSION, type: 'request', id, method }
      ) as ToWorkerMessage
      this.#post(message)
      this.#updateRef()
    })
  }

  #post(message: ToWorkerMessage): void {
    try {
      this.#worker.postMessage(message)
    } catch (cause) {
      const what = `Could not send ${message.type === 'request' ? message.method : message.type} to the leader worker: ${describe(cause)}`
      // Only the boot message carries app data (syncPayload) that may not be cloneable.
      const error =
        message.type === 'boot'
          ? new InvalidAdapterOptionsError(`${what} (syncPayload must be structured-cloneable).`, { cause })
          : new LeaderProtocolError(what, { cause })
      if ('id' in message) this.#settle(message.id)?.reject(error)
      else this.#fail(error)
    }
  }

  #receive(data: unknown): void {
    const parsed = parseFromWorker(data)
    if (!parsed.ok) {
      const pending = parsed.id === undefined ? undefined : this.#settle(parsed.id)
      if (pending !== undefined) pending.reject(parsed.error)
      else if (this.#resolveReady !== undefined) this.#fail(parsed.error)
      else console.error(`[cairn] ignoring a message from the leader worker ${this.#url}:`, parsed.error)
      return
    }
    this.#handle(parsed.message)
  }

  #handle(message: FromWorkerMessage): void {
    switch (message.type) {
      case 'ready': {
        const resolve = this.#resolveReady
        if (resolve === undefined) {
          console.error(`[cairn] the leader worker ${this.#url} announced itself twice (makeWorker called twice?); ignored.`)
          return
        }
        clearTimeout(this.#readyTimer)
        this.#resolveReady = undefined
        this.#rejectReady = undefined
        resolve(message.schema)
        return
      }
      case 'bootStatus':
        try {
          this.#onBootStatus(message.status)
        } catch (error) {
          console.error('[cairn] onBootStatus threw:', error)
        }
        return
      case 'written':
        this.#writtenBatch = Math.max(this.#writtenBatch, message.batch)
        this.#updateRef()
        return
      case 'leader':
        if (this.#listener === undefined) this.#leaderMessages.push(message.message)
        else this.#listener(message.message)
        return
      case 'result': {
        const pending = this.#settle(message.id)
        if (pending === undefined) return console.error(`[cairn] the leader worker ${this.#url} answered an unknown request (${message.id}).`)
        const value = checkResult(pending.method, message.value)
        if (value instanceof LeaderProtocolError) pending.reject(value)
        else pending.resolve(value as never)
        return
      }
      case 'failure': {
        const pending = this.#settle(message.id)
        const error = reviveError(message.error)
        if (pending === undefined) return console.error(`[cairn] the leader worker ${this.#url} failed an unknown request (${message.id}):`, error)
        pending.reject(error)
        return
      }
      case 'log':
        if (message.error === null) console[message.level](message.message)
        else console[message.level](message.message, reviveError(message.error))
        return
    }
  }

  /** Takes the pending request `id` out of the table. */
  #settle(id: number): Pending | undefined {
    const pending = this.#pending.get(id)
    this.#pending.delete(id)
    this.#updateRef()
    return pending
  }

  #fail(error: Error): void {
    if (this.#failure !== undefined) return
    this.#failure = error
    clearTimeout(this.#readyTimer)
    this.#rejectReady?.(error)
    this.#resolveReady = undefined
    this.#rejectReady = undefined
    this.#queue = []
    for (const pending of this.#pending.values()) pending.reject(error)
    this.#pending.clear()
    this.#updateRef()
    // A worker that stopped making sense is ended; one that crashed or exited is gone already.
    if (!this.#ending) {
      this.#ending = true
      void this.#worker.terminate()
    }
  }

  /**
   * Keeps the process alive while the worker has work of ours (booting, requests, unwritten events)
   * and lets it end otherwise.
   */
  #updateRef(): void {
    const busy = this.#failure === undefined && (!this.#booted || this.#pending.size > 0 || this.#writtenBatch < this.#sentBatch)
    if (busy === this.#referenced) return
    this.#referenced = busy
    if (busy) this.#worker.ref()
    else this.#worker.unref()
  }
}

const LOST = 'Events committed since the last successful flush were not persisted; the store keeps working in memory only.'

const describe = (cause: unknown): string => (cause instanceof Error ? cause.message : String(cause))
