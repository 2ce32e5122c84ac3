import type { LiveStoreSchema } from '@cairn/store'
import { schemaDifference, schemaFingerprint, type BootStatus, type EncodedEvent } from '@cairn/store/adapter'
import { ERROR_CLASSES } from './error-classes.js'
import { InvalidAdapterOptionsError, LeaderProtocolError, LeaderWorkerError, WorkerSchemaMismatchError } from './errors.js'
import { parse, PROTOCOL_VERSION, reviveError, type FromWorker, type LeaderStorage, type ToWorker } from './protocol.js'

/** What Vite's `import LiveStoreWorker from './livestore.worker?worker'` gives: a constructor of the worker. */
export type WorkerConstructor = new (options?: { name?: string }) => Worker

/** How long a leader worker may take to load its file and call `makeWorker`. */
const READY_TIMEOUT_MS = 30_000
/** How long a stopping leader gets to write what is queued before its worker is terminated. */
const STOP_TIMEOUT_MS = 5_000

const v = PROTOCOL_VERSION

/** What a tab needs to run the leader of a store when it wins the election. */
export interface LeadershipOptions {
  readonly lockName: string
  readonly worker: WorkerConstructor
  readonly schema: LiveStoreSchema
  readonly storeId: string
  readonly storage: LeaderStorage
  readonly resetPersistence: boolean
  readonly syncPayload: unknown
  readonly onBootStatus: (status: BootStatus) => void
  /** What previous leader tabs left unwritten (./unwritten-events.ts): the new leader writes it first. */
  readonly takeUnwritten: () => { readonly batches: readonly (readonly EncodedEvent[])[]; readonly forget: () => void }
  /** This tab won the election but could not start the leader. */
  readonly onFailure: (error: Error) => void
}

/**
 * This tab's part in the leader election of a store: a Web Lock named after the store, held while
 * this tab leads. The holder starts the app's leader worker (`makeWorker`), which opens the store's
 * OPFS databases; when the tab closes, the browser ends the worker and releases the lock, and the
 * next tab in the lock's queue becomes leader.
 */
export class Leadership {
  readonly #options: LeadershipOptions
  readonly #abort = new AbortController()
  #release: (() => void) | undefined
  #worker: Worker | undefined
  #stopForwarding: (() => void) | undefined
  /** Fails a start in progress (the store stopped while its leader was starting). */
  #cancelStart: ((error: Error) => void) | undefined
  #stopped: Promise<void> | undefined

  constructor(options: LeadershipOptions) {
    this.#options = options
  }

  /**
   * Queues for the lock; once this tab holds it, starts the leader worker and hands `onLead` the
   * port on which the worker accepts session channels. Without Web Locks (an insecure context) the
   * tab leads at once.
   */
  campaign(onLead: (sessions: MessagePort) => void): void {
    const locks = locksOf()
    if (locks === undefined) {
      this.#lead().then(onLead, (error: unknown) => this.#options.onFailure(asError(error)))
      return
    }
    locks
      .request(this.#options.lockName, { signal: this.#abort.signal }, async () => {
        if (this.#stopped !== undefined) return
        onLead(await this.#lead())
        await new Promise<void>((resolve) => (this.#release = resolve))
      })
      .catch((error: unknown) => {
        if (!this.#abort.signal.aborted) this.#options.onFailure(asError(error))
      })
  }

  /**
   * Leads if no other tab does (single-tab mode, without a shared worker to reach another tab's
   * leader): resolves to the sessions port, or `undefined` when another tab holds the store.
   */
  tryLead(): Promise<MessagePort | undefined> {
    const locks = locksOf()
    if (locks === undefined) return this.#lead()
    return new Promise((resolve, reject) => {
      locks
        .request(this.#options.lockName, { ifAvailable: true }, async (lock) => {
          if (lock === null) return resolve(undefined)
          try {
            resolve(await this.#lead())
          } catch (error) {
            reject(error)
            return
          }
          await new Promise<void>((release) => (this.#release = release))
        })
        .catch(reject)
    })
  }

  /** Leaves the election; a leading tab lets its worker write and close the store first, then hands over. */
  stop(): Promise<void> {
    this.#stopped ??= (async () => {
      this.#abort.abort()
      this.#stopForwarding?.()
      const starting = this.#cancelStart
      // A worker still starting has nothing to write: the failed start terminates it.
      starting?.(new LeaderWorkerError('start-failed', 'The store was shut down while its leader worker was starting.'))
      const worker = starting === undefined ? this.#worker : undefined
      if (worker !== undefined) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, STOP_TIMEOUT_MS)
          worker.addEventListener('message', (event: MessageEvent) => {
            if ((event.data as { type?: unknown } | null)?.type === 'stopped') {
              clearTimeout(timer)
              resolve()
            }
          })
          worker.postMessage({ v, type: 'stop' } satisfies ToWorker)
        })
        worker.terminate()
      }
      this.#release?.()
    })()
    return this.#stopped
  }

  /** Starts the leader worker, checks its schema and opens the store in it. */
  async #lead(): Promise<MessagePort> {
    const { worker: WorkerClass, schema, onBootStatus } = this.#options
    let worker: Worker
    try {
      worker = new WorkerClass({ name: `cairn-leader-${this.#options.storeId}` })
    } catch (cause) {
      throw new LeaderWorkerError('start-failed', `The leader worker could not be started: ${describe(cause)}`, { cause })
    }
    this.#worker = worker
    const started = new Promise<void>((resolve, reject) => {
      this.#cancelStart = reject
      const timer = setTimeout(
        () => reject(new LeaderWorkerError('not-ready', `The leader worker did not call makeWorker({ schema }) within ${READY_TIMEOUT_MS / 1000} s.`)),
        READY_TIMEOUT_MS,
      )
      let isStarted = false
      let unwritten: ReturnType<LeadershipOptions['takeUnwritten']> | undefined
      worker.onerror = (event) => {
        event.preventDefault()
        if (isStarted) {
          // An uncaught error does not end a worker: the leader goes on, the error is for the console.
          console.error(`[cairn] store "${this.#options.storeId}": uncaught error in the leader worker: ${event.message}`)
          return
        }
        clearTimeout(timer)
        reject(
          new LeaderWorkerError(
            'start-failed',
            `The leader worker failed to start: ${event.message || 'it could not be loaded'}. The worker file must call ` +
              `makeWorker({ schema }) from '@cairn/adapter-web/worker' and load without errors.`,
          ),
        )
      }
      worker.onmessage = (event) => {
        const message = parse<FromWorker>('tab', event.data)
        if (message instanceof LeaderProtocolError) {
          clearTimeout(timer)
          return reject(message)
        }
        switch (message.type) {
          case 'ready': {
            clearTimeout(timer)
            const difference = schemaDifference(schemaFingerprint(schema), message.schema)
            if (difference !== undefined) return reject(new WorkerSchemaMismatchError(difference))
            const { storeId, storage, resetPersistence, syncPayload } = this.#options
            // Read as late as possible: a page that went away just now has kept its events by then.
            unwritten = this.#options.takeUnwritten()
            try {
              worker.postMessage({ v, type: 'start', storeId, storage, resetPersistence, syncPayload, unwritten: unwritten.batches } satisfies ToWorker)
            } catch (cause) {
              reject(new InvalidAdapterOptionsError(`syncPayload must be structured-cloneable to reach the leader worker: ${describe(cause)}`, { cause }))
            }
            return
          }
          case 'bootStatus':
            return onBootStatus(message.status)
          case 'started':
            isStarted = true
            if (message.restored !== null) unwritten?.forget()
            if (message.restored !== null && message.restored > 0) {
              console.info(`[cairn] store "${this.#options.storeId}": wrote ${message.restored} events that a page committed but had not written before it went away.`)
            }
            return resolve()
          case 'failed':
            return reject(reviveError(message.error, ERROR_CLASSES))
          case 'log':
            if (message.error === null) console[message.level](message.message)
            else console[message.level](message.message, reviveError(message.error, ERROR_CLASSES))
            return
          case 'stopped':
            return
        }
      }
    })
    try {
      await started
    } catch (error) {
      worker.terminate()
      this.#worker = undefined
      throw error
    } finally {
      this.#cancelStart = undefined
    }
    this.#stopForwarding = forwardNetworkEvents(worker)
    const channel = new MessageChannel()
    worker.postMessage({ v, type: 'sessions', port: channel.port1 } satisfies ToWorker, [channel.port1])
    return channel.port2
  }
}

const locksOf = (): LockManager | undefined => (typeof navigator === 'object' ? navigator.locks : undefined) ?? undefined

/**
 * Hands the tab's `online` / `offline` events to its leader worker, whose sync connection then
 * notices a lost network at once. Browsers do not reliably fire these events in workers (Chromium's
 * network emulation, for one, only reaches pages), while pages always get them.
 */
const forwardNetworkEvents = (worker: Worker): (() => void) | undefined => {
  const scope = globalThis as { addEventListener?: unknown; removeEventListener?: unknown }
  if (typeof scope.addEventListener !== 'function' || typeof scope.removeEventListener !== 'function') return undefined
  const online = (): void => worker.postMessage({ v, type: 'network', online: true } satisfies ToWorker)
  const offline = (): void => worker.postMessage({ v, type: 'network', online: false } satisfies ToWorker)
  globalThis.addEventListener('online', online)
  globalThis.addEventListener('offline', offline)
  return () => {
    globalThis.removeEventListener('online', online)
    globalThis.removeEventListener('offline', offline)
  }
}

const describe = (cause: unknown): string => (cause instanceof Error ? cause.message : String(cause))
const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)))
