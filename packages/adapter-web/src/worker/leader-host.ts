import { compareSeqNum, readEvents, readStateHead, ROOT_SEQ_NUM, type EncodedEvent, type LeaderMessage } from '@cairn/store/adapter'
import { LeaderProtocolError } from '../errors.js'
import { parse, PROTOCOL_VERSION, serializeError, type FromLeader, type Hello, type LeaderMethod, type Resume, type ToLeader } from '../protocol.js'
import type { OpenedLeader } from './open-leader.js'
import { dropStored, holdsEvent } from './stored-events.js'

const v = PROTOCOL_VERSION

type Answer = { readonly value: unknown; readonly transfer: Transferable[] }

/**
 * Serves the sessions of every tab from one leader: each session talks to it over its own
 * MessagePort (./protocol.ts, session ↔ leader). The host is the leader's one subscriber and fans its
 * messages out to the sessions that said hello, so a session that joins (a new tab, or every tab
 * after a change of leader) gets a catch-up from the eventlog and then every later message, with
 * nothing missed or repeated in between.
 *
 * Events the leader already has are dropped from pushes: a session re-sends the batches a previous
 * leader did not confirm (it may have written them before its tab closed).
 */
export class LeaderHost {
  readonly #opened: OpenedLeader
  /** Sessions that said hello: they get the leader's messages. */
  readonly #sessions = new Set<MessagePort>()
  readonly #ports = new Set<MessagePort>()
  #status: LeaderMessage | undefined
  #closed: Promise<void> | undefined

  constructor(opened: OpenedLeader) {
    this.#opened = opened
    opened.leader.subscribe((message) => {
      if (message._tag === 'sync-status') this.#status = message
      for (const port of this.#sessions) post(port, { v, type: 'message', message })
    })
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
      if (message.type === 'push') this.#push(port, message.batch, message.events, message.epoch)
      else if (message.type === 'hello') void this.#hello(port, message.id, message.resume)
      else if (message.type === 'syncPayload') {
        const { payload } = message
        void this.#answer(port, message.id, async () => {
          await this.#opened.leader.updateSyncPayload(payload)
          return { value: null, transfer: [] }
        })
      }
      else void this.#answer(port, message.id, () => this.#request(port, message.method))
    }
    port.start()
  }

  /** Writes what is queued, closes the databases and releases the OPFS directory (for the next leader). */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      for (const port of this.#ports) port.close()
      this.#ports.clear()
      this.#sessions.clear()
      try {
        await this.#opened.leader.shutdown()
      } finally {
        this.#opened.release()
      }
    })()
    return this.#closed
  }

  #push(port: MessagePort, batch: number, events: readonly EncodedEvent[], epoch: number): void {
    if (this.#closed !== undefined) return
    const { leader } = this.#opened
    const fresh = dropStored(this.#opened.eventlogDb, events)
    if (fresh.length > 0) leader.push(fresh, epoch)
    // A failed write is reported by the leader's log and by the session's next flush: confirm all the same.
    const written = (): void => post(port, { v, type: 'written', batch })
    leader.flush().then(written, written)
  }

  /**
   * Boot (`resume` null): the leader's state after writing what is queued, plus the events after it.
   * Resume: the events after `resume.head`; when the eventlog no longer holds that head (the
   * previous leader rebased and its tab went away before the session heard of it), a rewind to the
   * session's confirmed head with every event after it. Either way the session gets every later message.
   */
  async #hello(port: MessagePort, id: number, resume: Resume | null): Promise<void> {
    const { leader, storageMode, warning, stateDb, eventlogDb } = this.#opened
    try {
      if (this.#closed !== undefined) throw new LeaderProtocolError('The leader of this store has shut down (its tab stopped the store or reset it).')
      await leader.flush()
    } catch (error) {
      post(port, { v, type: 'failure', id, error: serializeError(error) })
      return
    }
    // From here on synchronous: no message of the leader can come between the catch-up and the
    // session joining the fan-out, and the port delivers them in this order.
    let hello: Hello
    if (resume === null) {
      const { state, recentEvents } = leader.snapshot()
      const head = state === undefined ? ROOT_SEQ_NUM : readStateHead(stateDb)
      hello = { clientId: leader.clientId, storageMode, warning, state: state ?? null, recentEvents, head }
    } else {
      hello = { clientId: leader.clientId, storageMode, warning, state: null, recentEvents: [], head: resume.head }
    }
    post(port, { v, type: 'result', id, value: hello }, hello.state === null ? [] : [hello.state.buffer])
    // The rewind goes before the status: a newer confirmed head would let the session drop the undo records it needs.
    if (resume !== null && !this.#holdsHead(resume)) {
      post(port, { v, type: 'message', message: { _tag: 'rewind', to: resume.confirmed, events: readEvents(eventlogDb, resume.confirmed) } })
      if (this.#status !== undefined) post(port, { v, type: 'message', message: this.#status })
    } else {
      const catchUp = readEvents(eventlogDb, hello.head)
      if (this.#status !== undefined) post(port, { v, type: 'message', message: this.#status })
      if (catchUp.length > 0) post(port, { v, type: 'message', message: { _tag: 'advance', events: catchUp } })
    }
    this.#sessions.add(port)
  }

  /**
   * Whether the session's head is still in the eventlog as the session knew it. Only a rebase on
   * the backend's events rewrites the eventlog, so without sync it always is.
   */
  #holdsHead({ head, headSessionId }: Resume): boolean {
    if (this.#status?._tag === 'sync-status' && this.#status.status.connection === 'off') return true
    if (compareSeqNum(head, ROOT_SEQ_NUM) === 0) return true
    return headSessionId !== null && holdsEvent(this.#opened.eventlogDb, head, headSessionId)
  }

  async #request(port: MessagePort, method: LeaderMethod): Promise<Answer> {
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
        // The other tabs' stores end too: their data is gone.
        for (const session of this.#sessions) {
          if (session !== port) post(session, { v, type: 'message', message: { _tag: 'shutdown', reason: 'another tab reset the store (hardReset).' } })
        }
        this.#sessions.clear()
        this.#closed ??= leader.hardReset().finally(() => this.#opened.release())
        await this.#closed
        return { value: null, transfer: [] }
      case 'shutdown':
        // One session leaves; the leader goes on for the others until its tab stops it.
        this.#sessions.delete(port)
        await leader.flush()
        return { value: null, transfer: [] }
    }
  }

  async #answer(port: MessagePort, id: number, run: () => Promise<Answer>): Promise<void> {
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
