import { ROOT_SEQ_NUM, type EncodedEvent, type LeaderMessage, type LeaderSyncState, type LeaderThread, type SeqNum } from '@cairn/store/adapter'
import { ERROR_CLASSES } from './error-classes.js'
import { LeaderProtocolError } from './errors.js'
import { parse, PROTOCOL_VERSION, reviveError, type FromLeader, type Hello, type LeaderMethod, type Resume, type ResultOf, type ToLeader } from './protocol.js'

const v = PROTOCOL_VERSION

type PushMessage = Extract<ToLeader, { type: 'push' }>

interface Pending {
  readonly message: ToLeader
  readonly resolve: (value: never) => void
  readonly reject: (error: unknown) => void
}

/**
 * The tab's end of its session's conversation with the leader worker (./protocol.ts, session ↔
 * leader), behind the `LeaderThread` the store uses. The channel to the leader can change: when the
 * leader tab goes away, `attach` receives a channel to the next leader; the session says hello with
 * the last head it heard of (the new leader catches it up from there), then everything the old
 * leader had not confirmed (pushed batches, requests) is sent again, in order.
 */
export class SessionChannel {
  readonly leader: LeaderThread
  #sessionId = ''
  #port: MessagePort | undefined
  /** The leader's head as its messages told it; set once booted. */
  #head: SeqNum | undefined
  /** The session of the head's event, when a message named it. */
  #headSessionId: string | null = null
  /** Pushes not yet sent (batched per task), and sent ones the leader has not confirmed, by batch. */
  #unsent: PushMessage | undefined
  readonly #unconfirmed = new Map<number, PushMessage>()
  readonly #pending = new Map<number, Pending>()
  readonly #listeners = new Set<(message: LeaderMessage) => void>()
  /** Messages that arrived while nobody listened (the store subscribes once it is made). */
  #buffered: LeaderMessage[] = []
  #lastStatus: LeaderMessage | undefined
  #nextBatch = 1
  #nextId = 1
  #sendScheduled = false
  #failure: Error | undefined

  constructor(onShutdown: () => Promise<void>) {
    let shutdown: Promise<void> | undefined
    this.leader = {
      push: (events, epoch) => this.#push(events, epoch),
      subscribe: (listener) => {
        const buffered = this.#buffered
        this.#buffered = []
        if (this.#lastStatus !== undefined && !buffered.includes(this.#lastStatus)) listener(this.#lastStatus)
        for (const message of buffered) listener(message)
        this.#listeners.add(listener)
        return () => {
          this.#listeners.delete(listener)
        }
      },
      updateSyncPayload: async (payload) => {
        await this.#send<'syncPayload'>((id) => ({ v, type: 'syncPayload', id, payload }))
      },
      flush: async () => {
        await this.#request('flush')
      },
      exportEventlog: () => this.#request('exportEventlog'),
      syncState: (): Promise<LeaderSyncState> => this.#request('syncState'),
      hardReset: async () => {
        this.#unsent = undefined
        try {
          await this.#request('hardReset')
        } finally {
          await onShutdown()
        }
      },
      shutdown: () => {
        shutdown ??= (async () => {
          try {
            await this.#request('shutdown')
          } finally {
            await onShutdown()
          }
        })()
        return shutdown
      },
    }
  }

  /** Boots the session: the leader's state, and from then on its messages. */
  async boot(sessionId: string): Promise<Hello> {
    this.#sessionId = sessionId
    const hello = await this.#send<'hello'>((id) => ({ v, type: 'hello', id, sessionId, resume: null }))
    this.#head = hello.head
    return hello
  }

  /** Talks to the leader over `port` from now on, re-sending what the previous leader did not confirm. */
  attach(port: MessagePort): void {
    this.#port?.close()
    this.#port = port
    port.onmessage = (event) => this.#receive(event.data)
    port.start()
    for (const [id, pending] of this.#pending) {
      // A resume that the previous new leader did not answer is replaced by the one below.
      if (pending.message.type === 'hello' && pending.message.resume !== null) {
        this.#pending.delete(id)
        pending.resolve(undefined as never)
      }
    }
    if (this.#head !== undefined) {
      // Resuming with a new leader: its catch-up comes before anything re-sent is answered.
      const resume: Resume = {
        head: this.#head,
        headSessionId: this.#headSessionId,
        confirmed: this.#lastStatus?._tag === 'sync-status' ? this.#lastStatus.status.confirmedHead : ROOT_SEQ_NUM,
      }
      this.#send<'hello'>((id) => ({ v, type: 'hello', id, sessionId: this.#sessionId, resume })).catch((error: unknown) =>
        console.error('[cairn] this tab could not reconnect to the new leader:', error),
      )
    }
    for (const push of this.#unconfirmed.values()) port.postMessage(push)
    this.#sendUnsent()
    for (const pending of this.#pending.values()) {
      const message = pending.message
      if (message.type !== 'hello' || message.resume === null) port.postMessage(message)
    }
  }

  /** Fails every waiting and later request with `error` (the leader can no longer be reached). */
  fail(error: Error): void {
    this.#failure ??= error
    for (const pending of this.#pending.values()) pending.reject(error)
    this.#pending.clear()
  }

  /**
   * The events pushed that the leader has not confirmed as written, by batch. Batches of an earlier
   * epoch are left out: the session rebased every event of theirs the leader did not take and pushed
   * it again at the later epoch.
   */
  unwritten(): EncodedEvent[][] {
    const batches = [...this.#unconfirmed.values()]
    if (this.#unsent !== undefined) batches.push(this.#unsent)
    const epoch = Math.max(...batches.map((batch) => batch.epoch))
    return batches.filter((batch) => batch.epoch === epoch).map((batch) => [...batch.events])
  }

  /** Stops talking to the leader. */
  close(): void {
    this.#port?.close()
    this.#port = undefined
  }

  #push(events: readonly EncodedEvent[], epoch: number): void {
    if (events.length === 0) return
    const unsent = this.#unsent
    // Consecutive pushes at the same epoch travel as one batch (one write transaction).
    if (unsent !== undefined && unsent.epoch === epoch) (unsent.events as EncodedEvent[]).push(...events)
    else {
      this.#sendUnsent()
      this.#unsent = { v, type: 'push', batch: this.#nextBatch++, events: [...events], epoch }
    }
    if (!this.#sendScheduled) {
      this.#sendScheduled = true
      queueMicrotask(() => this.#sendUnsent())
    }
  }

  #sendUnsent(): void {
    this.#sendScheduled = false
    const push = this.#unsent
    if (push === undefined) return
    this.#unsent = undefined
    this.#unconfirmed.set(push.batch, push)
    this.#port?.postMessage(push)
  }

  #request<M extends LeaderMethod>(method: M): Promise<ResultOf[M]> {
    // A request covers every event pushed before it.
    this.#sendUnsent()
    return this.#send<M>((id) => ({ v, type: 'request', id, method }))
  }

  #send<M extends keyof ResultOf>(make: (id: number) => ToLeader): Promise<ResultOf[M]> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure)
    const message = make(this.#nextId++)
    return new Promise<ResultOf[M]>((resolve, reject) => {
      this.#pending.set((message as { id: number }).id, { message, resolve: resolve as (value: never) => void, reject })
      this.#port?.postMessage(message)
    })
  }

  #receive(data: unknown): void {
    const message = parse<FromLeader>('session', data)
    if (message instanceof LeaderProtocolError) {
      console.error('[cairn] a tab ignored a message from the leader worker:', message)
      return
    }
    switch (message.type) {
      case 'written':
        for (const batch of this.#unconfirmed.keys()) if (batch <= message.batch) this.#unconfirmed.delete(batch)
        return
      case 'result':
        this.#settle(message.id)?.resolve(message.value as never)
        return
      case 'failure':
        this.#settle(message.id)?.reject(reviveError(message.error, ERROR_CLASSES))
        return
      case 'message':
        return this.#deliver(message.message)
      case 'log':
        if (message.error === null) console[message.level](message.message)
        else console[message.level](message.message, reviveError(message.error, ERROR_CLASSES))
        return
    }
  }

  #deliver(message: LeaderMessage): void {
    if (message._tag === 'advance' && message.events.length > 0) this.#setHead(message.events.at(-1)!.seqNum, message.events.at(-1)!.sessionId)
    else if (message._tag === 'rewind') this.#setHead(message.events.at(-1)?.seqNum ?? message.to, message.events.at(-1)?.sessionId ?? null)
    else if (message._tag === 'sync-status') this.#lastStatus = message
    if (this.#listeners.size === 0) this.#buffered.push(message)
    for (const listener of this.#listeners) listener(message)
  }

  #setHead(head: SeqNum, sessionId: string | null): void {
    this.#head = head
    this.#headSessionId = sessionId
  }

  #settle(id: number): Pending | undefined {
    const pending = this.#pending.get(id)
    this.#pending.delete(id)
    return pending
  }
}
