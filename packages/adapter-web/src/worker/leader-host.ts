import { compareSeqNum, eventlogHead, seqNumToString, type EncodedEvent, type SeqNum } from '@cairn/store/adapter'
import { ConflictingEventError, LeaderProtocolError } from '../errors.js'
import {
  parse,
  PROTOCOL_VERSION,
  serializeError,
  type FromLeader,
  type Hello,
  type LeaderMethod,
  type ToLeader,
} from '../protocol.js'
import type { LeaderLog, OpenedLeader } from './open-leader.js'

const v = PROTOCOL_VERSION

/**
 * Serves the sessions of every tab from one leader: each session talks to it over its own
 * MessagePort (./protocol.ts, session ↔ leader). Pushes of all sessions go into the one eventlog in
 * the order they arrive.
 *
 * Events the leader has already stored are dropped: a session re-sends the batches a previous
 * leader did not confirm (it may have written them before its tab closed), so a change of leader
 * does not duplicate events.
 */
export class LeaderHost {
  readonly #opened: OpenedLeader
  readonly #log: LeaderLog
  readonly #ports = new Set<MessagePort>()
  /** The last event handed to the leader (stored, or queued to be). */
  #head: SeqNum
  #closed: Promise<void> | undefined

  constructor(opened: OpenedLeader, log: LeaderLog) {
    this.#opened = opened
    this.#log = log
    this.#head = eventlogHead(opened.eventlogDb)
  }

  get storageMode(): 'in-memory' | 'persisted' {
    return this.#opened.storageMode
  }

  /** Why the store lives in memory although OPFS was asked for. */
  get warning(): string | null {
    return this.#opened.warning
  }

  /** Serves the session at the other end of `port`. */
  attach(port: MessagePort): void {
    this.#ports.add(port)
    port.onmessage = (event) => {
      const message = parse<ToLeader>('leader', event.data)
      if (message instanceof LeaderProtocolError) {
        const id = (event.data as { id?: unknown } | null)?.id
        if (typeof id === 'number') post(port, { v, type: 'failure', id, error: serializeError(message) })
        else post(port, { v, type: 'log', level: 'error', message: '[cairn] the leader worker ignored a message:', error: serializeError(message) })
        return
      }
      if (message.type === 'push') this.#push(port, message.batch, message.events, message.extra)
      else if (message.type === 'hello') void this.#answer(port, message.id, () => this.#hello(message.state))
      else void this.#answer(port, message.id, () => this.#request(port, message.method))
    }
    port.start()
  }

  /** Writes what is queued, closes the databases and releases the OPFS directory (for the next leader). */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      for (const port of this.#ports) port.close()
      this.#ports.clear()
      try {
        await this.#opened.leader.shutdown()
      } finally {
        this.#opened.release()
      }
    })()
    return this.#closed
  }

  #push(port: MessagePort, batch: number, events: readonly EncodedEvent[], extra: readonly unknown[]): void {
    if (this.#closed !== undefined) return
    const fresh: EncodedEvent[] = []
    for (const event of events) {
      if (compareSeqNum(event.seqNum, this.#head) > 0) {
        fresh.push(event)
        this.#head = event.seqNum
      } else if (!this.#isStored(event)) {
        const error = new ConflictingEventError(seqNumToString(event.seqNum), event.sessionId)
        post(port, { v, type: 'log', level: 'error', message: `[cairn] ${error.message}`, error: serializeError(error) })
      }
    }
    const { leader } = this.#opened
    if (fresh.length > 0) (leader.push as (events: readonly EncodedEvent[], ...extra: unknown[]) => void)(fresh, ...extra)
    // A failed write is reported by the leader's onError and by the session's next flush: confirm all the same.
    const written = (): void => post(port, { v, type: 'written', batch })
    leader.flush().then(written, written)
  }

  /** Whether the eventlog holds this very event (same place, same session): a re-sent one. */
  #isStored(event: EncodedEvent): boolean {
    const row = this.#opened.eventlogDb.select<{ sessionId: string }>(
      'SELECT sessionId FROM eventlog WHERE seqNumGlobal = ? AND seqNumClient = ?',
      [event.seqNum.global, event.seqNum.client],
    )[0]
    return row?.sessionId === event.sessionId
  }

  async #hello(withState: boolean): Promise<{ value: Hello; transfer: Transferable[] }> {
    const { leader, clientId, storageMode, warning, stateDb } = this.#opened
    if (!withState) return { value: { clientId, storageMode, warning, state: null }, transfer: [] }
    // The snapshot covers every event pushed before the hello, in any session.
    await leader.flush()
    const state = stateDb.export()
    return { value: { clientId, storageMode, warning, state }, transfer: [state.buffer] }
  }

  async #request(port: MessagePort, method: LeaderMethod): Promise<{ value: unknown; transfer: Transferable[] }> {
    const { leader } = this.#opened
    switch (method) {
      case 'flush':
        await leader.flush()
        return { value: null, transfer: [] }
      case 'exportEventlog': {
        const bytes = await leader.exportEventlog()
        return { value: bytes, transfer: [bytes.buffer] }
      }
      case 'syncState':
        return { value: await leader.syncState(), transfer: [] }
      case 'hardReset':
        this.#closed ??= leader.hardReset()
        await this.#closed
        return { value: null, transfer: [] }
      case 'shutdown':
        // One session leaves; the leader goes on for the others until its tab stops it.
        await leader.flush()
        this.#ports.delete(port)
        return { value: null, transfer: [] }
    }
  }

  async #answer(port: MessagePort, id: number, run: () => Promise<{ value: unknown; transfer: Transferable[] }>): Promise<void> {
    try {
      if (this.#closed !== undefined) throw new LeaderProtocolError('The leader of this store has shut down (its tab stopped the store or reset it).')
      const { value, transfer } = await run()
      post(port, { v, type: 'result', id, value }, transfer)
    } catch (error) {
      post(port, { v, type: 'failure', id, error: serializeError(error) })
    }
  }
}

const post = (port: MessagePort, message: FromLeader, transfer: Transferable[] = []): void => port.postMessage(message, transfer)
