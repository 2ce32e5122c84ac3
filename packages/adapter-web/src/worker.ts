/**
 * `@cairn/adapter-web/worker`: the leader worker of `makePersistedAdapter`. The app's worker file
 * calls `makeWorker({ schema })`; the tab that wins the leader election starts it, and it keeps the
 * store's eventlog and state in OPFS for every tab of the app.
 */
import type { LiveStoreSchema } from '@cairn/store'
import { schemaFingerprint, type LeaderLog, type SyncOptions } from '@cairn/store/adapter'
import { InvalidAdapterOptionsError, LeaderProtocolError } from './errors.js'
import { parse, PROTOCOL_VERSION, serializeError, type FromWorker, type ToSessions, type ToWorker } from './protocol.js'
import { LeaderHost } from './worker/leader-host.js'
import { openLeader } from './worker/open-leader.js'
import { restoreUnwritten } from './worker/restore-unwritten.js'

/** Options of `makeWorker`. */
export interface MakeWorkerOptions {
  /** The schema made with `makeSchema`: the same one the app passes to `createStorePromise` (import it from the same module). */
  readonly schema: LiveStoreSchema
  /** Sync with a backend, e.g. `{ backend: makeWsSync({ url }) }` from `@cairn/sync-ws`; the leader syncs for every tab. */
  readonly sync?: SyncOptions
}

/** The parts of a dedicated worker's global scope used here (this package is typed against the DOM library). */
interface DedicatedWorkerScope {
  postMessage(message: unknown, transfer?: Transferable[]): void
  onmessage: ((event: MessageEvent) => void) | null
  dispatchEvent(event: Event): boolean
}

const v = PROTOCOL_VERSION

/**
 * Makes this dedicated worker the leader of a store whose tabs use `makePersistedAdapter({ worker })`:
 * call it once, at the top level of the worker file. When its tab wins the leader election, the
 * worker opens the store in OPFS (creating, migrating or catching up its databases), serves the
 * sessions of all tabs, and writes the events they commit. The schema must be the app's (checked
 * when the store boots).
 *
 * @example
 * // livestore.worker.ts
 * import { makeWorker } from '@cairn/adapter-web/worker'
 * import { schema } from './schema.js'
 *
 * makeWorker({ schema })
 */
export const makeWorker = (options: MakeWorkerOptions): void => {
  const scope = globalThis as unknown as DedicatedWorkerScope & { DedicatedWorkerGlobalScope?: unknown }
  if (typeof scope.DedicatedWorkerGlobalScope !== 'function' || typeof scope.postMessage !== 'function') {
    throw new InvalidAdapterOptionsError(
      'makeWorker must run in a dedicated web worker: the file passed as makePersistedAdapter({ worker }), ' +
        "imported with Vite as `import LiveStoreWorker from './livestore.worker?worker'`.",
    )
  }
  const schema = options?.schema as Partial<LiveStoreSchema> | undefined
  if (typeof schema?.stateHash !== 'string' || !(schema.eventsByName instanceof Map)) {
    throw new InvalidAdapterOptionsError('makeWorker needs { schema }: the schema made with makeSchema that the app uses too.')
  }
  serve(scope, options.schema, options.sync)
}

const serve = (scope: DedicatedWorkerScope, schema: LiveStoreSchema, sync: SyncOptions | undefined): void => {
  const post = (message: FromWorker, transfer: Transferable[] = []): void => scope.postMessage(message, transfer)
  const log: LeaderLog = {
    warn: (message) => post({ v, type: 'log', level: 'warn', message, error: null }),
    error: (message, error) => post({ v, type: 'log', level: 'error', message, error: serializeError(error) }),
  }
  let host: Promise<LeaderHost> | undefined

  scope.onmessage = (event) => {
    const message = parse<ToWorker>('worker', event.data)
    if (message instanceof LeaderProtocolError) return log.error('[cairn] the leader worker ignored a message:', message)
    switch (message.type) {
      case 'start': {
        if (host !== undefined) return log.error('[cairn] the leader worker was started twice; ignored.', new LeaderProtocolError('start twice'))
        const starting = openLeader(
          message.storage,
          {
            schema,
            storeId: message.storeId,
            resetPersistence: message.resetPersistence,
            onBootStatus: (status) => post({ v, type: 'bootStatus', status }),
            sync,
            syncPayload: message.syncPayload,
          },
          log,
        ).then(async (opened) => {
          let restored: number | null = null
          try {
            restored = await restoreUnwritten(opened.leader, opened.eventlogDb, message.unwritten)
          } catch (error) {
            log.error('[cairn] the leader worker could not write the events the previous page left unwritten; they are kept for the next start:', error)
          }
          try {
            await opened.leader.initialSync((done, total) => post({ v, type: 'bootStatus', status: { stage: 'syncing', progress: { done, total } } }))
          } catch (error) {
            await opened.leader.shutdown().catch(() => {})
            opened.release()
            throw error
          }
          return { host: new LeaderHost(opened), restored }
        })
        host = starting.then((started) => started.host)
        // A failed start is reported below, as `failed`.
        host.catch(() => {})
        starting.then(
          ({ host: started, restored }) => post({ v, type: 'started', storageMode: started.storageMode, warning: started.warning, restored }),
          (error: unknown) => post({ v, type: 'failed', error: serializeError(error) }),
        )
        return
      }
      case 'sessions': {
        // Session channels arrive from the shared worker (or the tab, without one) over this port.
        const sessions = message.port
        sessions.onmessage = (sessionEvent) => {
          const request = parse<ToSessions>('sessions', sessionEvent.data)
          if (request instanceof LeaderProtocolError) return log.error('[cairn] the leader worker ignored a message:', request)
          void host?.then((started) => started.attach(request.port), () => request.port.close())
        }
        sessions.start()
        return
      }
      case 'network':
        // Sync connections here (e.g. @cairn/sync-ws) listen for these on the worker's global scope.
        scope.dispatchEvent(new Event(message.online ? 'online' : 'offline'))
        return
      case 'stop':
        if (host === undefined) return post({ v, type: 'stopped' })
        // A store that failed to open has nothing to close.
        void host
          .then(
            (started) => started.close().catch((error: unknown) => log.error('[cairn] the leader worker could not write and close the store:', error)),
            () => {},
          )
          .finally(() => post({ v, type: 'stopped' }))
        return
    }
  }
  post({ v, type: 'ready', schema: schemaFingerprint(schema) })
}
