import { loadSqlite } from '@cairn/sqlite'
import type { LiveStoreSchema } from '@cairn/store'
import { schemaFingerprint, type EncodedEvent, type LeaderLog, type LeaderThread, type SyncOptions } from '@cairn/store/adapter'
import { LeaderProtocolError } from '../errors.js'
import { openLeader } from '../open-leader.js'
import {
  parseToWorker,
  PROTOCOL_VERSION,
  serializeError,
  type FromWorkerMessage,
  type InvalidMessage,
  type LeaderMethod,
  type ToWorkerMessage,
} from './protocol.js'

/** The end of a message channel the leader talks through (`parentPort` in a worker thread). */
export interface LeaderPort {
  postMessage(message: unknown, transfer?: readonly ArrayBuffer[]): void
  on(event: 'message', listener: (data: unknown) => void): unknown
}

type Phase = 'waiting' | 'booting' | 'running' | 'closed'

/**
 * Runs a Node leader (the eventlog and persisted state, as `makeAdapter` would open them) for the
 * session at the other end of `port`, speaking the protocol of ./protocol.ts: announces itself with
 * `ready`, boots on `boot`, hands pushed events to the leader and answers requests.
 *
 * Pushes that arrive together (before the worker gets back to its event loop) are handed to the
 * leader at once, so they are written in one transaction.
 */
export const serveLeader = (port: LeaderPort, schema: LiveStoreSchema, sync: SyncOptions | undefined): void => {
  const v = PROTOCOL_VERSION
  let phase: Phase = 'waiting'
  let leader: LeaderThread | undefined
  /** Set when a push could not be taken: events may be missing, so flushes fail with it. */
  let failure: Error | undefined
  let buffered: { readonly events: readonly EncodedEvent[]; readonly epoch: number }[] = []
  let bufferedThrough = 0
  let drainScheduled = false

  const post = (message: FromWorkerMessage, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer)
  // SQLite's wasm module loads while the app's thread checks the schema and sends `boot`.
  const sqliteLoading = loadSqlite()
  sqliteLoading.catch(() => {})

  const log: LeaderLog = {
    warn: (message) => post({ v, type: 'log', level: 'warn', message, error: null }),
    error: (message, error) => post({ v, type: 'log', level: 'error', message, error: serializeError(error) }),
  }

  const drain = (): void => {
    drainScheduled = false
    if (buffered.length === 0 || leader === undefined) return
    const pushes = buffered
    const through = bufferedThrough
    buffered = []
    for (const { events, epoch } of pushes) leader.push(events, epoch)
    const written = (): void => post({ v, type: 'written', batch: through })
    // A failed write is reported by the leader's onError (and by the next flush): ack all the same.
    leader.flush().then(written, written)
  }

  const fail = (invalid: InvalidMessage): void => {
    if (invalid.id !== undefined) {
      post({ v, type: 'failure', id: invalid.id, error: serializeError(invalid.error) })
      return
    }
    // Unanswerable, and it may have carried events: the leader can no longer vouch for the eventlog.
    failure ??= invalid.error
    log.error('[cairn] the leader worker received a message it does not understand:', invalid.error)
  }

  const boot = async (message: Extract<ToWorkerMessage, { type: 'boot' }>): Promise<void> => {
    if (phase !== 'waiting') {
      fail({ id: message.id, error: new LeaderProtocolError(`The leader worker was asked to boot twice (it is ${phase}).`) })
      return
    }
    phase = 'booting'
    try {
      const sqlite = await sqliteLoading.catch(() => loadSqlite())
      const opened = await openLeader(
        sqlite,
        message.storage,
        {
          schema,
          storeId: message.storeId,
          syncPayload: message.syncPayload,
          onBootStatus: (status) => post({ v, type: 'bootStatus', status }),
        },
        log,
        sync,
      )
      leader = opened.leader
      phase = 'running'
      const state = opened.state ?? null
      const value = { clientId: opened.clientId, storageMode: opened.storageMode, state, recentEvents: opened.recentEvents, neverRewound: opened.neverRewound }
      post({ v, type: 'result', id: message.id, value }, transferable(state))
      opened.leader.subscribe((leaderMessage) => post({ v, type: 'leader', message: leaderMessage }))
    } catch (error) {
      phase = 'closed'
      post({ v, type: 'failure', id: message.id, error: serializeError(error) })
    }
  }

  const push = (message: Extract<ToWorkerMessage, { type: 'push' }>): void => {
    if (phase !== 'running') {
      fail({ id: undefined, error: new LeaderProtocolError(`The leader worker received events while it is ${phase}; they were not written.`) })
      return
    }
    buffered.push({ events: message.events, epoch: message.epoch })
    bufferedThrough = message.batch
    if (!drainScheduled) {
      drainScheduled = true
      setImmediate(drain)
    }
  }

  const run = async (method: LeaderMethod, running: LeaderThread): Promise<{ value: unknown; transfer?: ArrayBuffer[] }> => {
    switch (method) {
      case 'flush':
        drain()
        if (failure !== undefined) throw failure
        await running.flush()
        return { value: null }
      case 'exportEventlog': {
        drain()
        if (failure !== undefined) throw failure
        const bytes = await running.exportEventlog()
        return { value: bytes, transfer: transferable(bytes) }
      }
      case 'syncState':
        drain()
        return { value: await running.syncState() }
      case 'hardReset':
        buffered = []
        phase = 'closed'
        await running.hardReset()
        return { value: null }
      case 'shutdown':
        drain()
        phase = 'closed'
        await running.shutdown()
        if (failure !== undefined) throw failure
        return { value: null }
    }
  }

  const request = async (message: Extract<ToWorkerMessage, { type: 'request' }>): Promise<void> => {
    try {
      if (phase !== 'running' || leader === undefined) {
        throw new LeaderProtocolError(
          `The leader worker was asked to ${message.method} while it is ${phase === 'closed' ? 'shut down' : 'not booted'}.`,
        )
      }
      const { value, transfer } = await run(message.method, leader)
      post({ v, type: 'result', id: message.id, value }, transfer)
    } catch (error) {
      post({ v, type: 'failure', id: message.id, error: serializeError(error) })
    }
  }

  port.on('message', (data) => {
    const parsed = parseToWorker(data)
    if (!parsed.ok) return fail(parsed)
    const message = parsed.message
    if (message.type === 'boot') void boot(message)
    else if (message.type === 'push') push(message)
    else if (message.type === 'syncPayload') void leader?.updateSyncPayload(message.payload)
    else void request(message)
  })
  post({ v, type: 'ready', schema: schemaFingerprint(schema) })
}

/** The buffer of `bytes`, when it can be handed over instead of copied (it is exactly theirs). */
const transferable = (bytes: Uint8Array | null): ArrayBuffer[] =>
  bytes !== null && bytes.buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
    ? [bytes.buffer]
    : []
