import type { EncodedEvent, LeaderSyncState, LeaderThread } from '@cairn/store/adapter'
import { LeaderProtocolError } from './errors.js'
import { ERROR_CLASSES } from './error-classes.js'
import {
  parse,
  PROTOCOL_VERSION,
  reviveError,
  type FromLeader,
  type Hello,
  type LeaderMethod,
  type ResultOf,
  type ToLeader,
} from './protocol.js'

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
 * leader tab goes away, `attach` receives a channel to the next leader, and everything the old one
 * had not confirmed (pushed batches, requests) is sent again, in order.
 */
export class SessionChannel {
  readonly leader: LeaderThread
  #port: MessagePort | undefined
  /** Pushes not yet sent (batched per task), and sent ones the leader has not confirmed, by batch. */
  #unsent: PushMessage | undefined
  readonly #unconfirmed = new Map<number, PushMessage>()
  readonly #pending = new Map<number, Pending>()
  readonly #listeners = new Set<(message: unknown) => void>()
  #nextBatch = 1
  #nextId = 1
  #sendScheduled = false
  #failure: Error | undefined

  constructor(onShutdown: () => Promise<void>) {
    let shutdown: Promise<void> | undefined
    this.leader = {
      push: (events, ...extra: unknown[]) => this.#push(events, extra),
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

  /** Receives what the leader tells its sessions; returns the unsubscribe function. */
  subscribe(listener: (message: unknown) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** Asks the leader who this client is (and, for booting, for its state). */
  hello(sessionId: string, state: boolean): Promise<Hello> {
    return this.#send('hello', (id) => ({ v, type: 'hello', id, sessionId, state }))
  }

  /** Talks to the leader over `port` from now on, re-sending what the previous leader did not confirm. */
  attach(port: MessagePort): void {
    this.#port?.close()
    this.#port = port
    port.onmessage = (event) => this.#receive(event.data)
    port.start()
    for (const push of this.#unconfirmed.values()) port.postMessage(push)
    this.#sendUnsent()
    for (const pending of this.#pending.values()) port.postMessage(pending.message)
  }

  /** Fails every waiting and later request with `error` (the leader can no longer be reached). */
  fail(error: Error): void {
    this.#failure ??= error
    for (const pending of this.#pending.values()) pending.reject(error)
    this.#pending.clear()
  }

  /** Stops talking to the leader. */
  close(): void {
    this.#port?.close()
    this.#port = undefined
  }

  #push(events: readonly EncodedEvent[], extra: readonly unknown[]): void {
    if (events.length === 0) return
    const unsent = this.#unsent
    // Consecutive pushes with the same further arguments travel as one batch (one write transaction).
    if (unsent !== undefined && sameArguments(unsent.extra, extra)) (unsent.events as EncodedEvent[]).push(...events)
    else {
      this.#sendUnsent()
      this.#unsent = { v, type: 'push', batch: this.#nextBatch++, events: [...events], extra }
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
    return this.#send(method, (id) => ({ v, type: 'request', id, method }))
  }

  #send<M extends keyof ResultOf>(_method: M, make: (id: number) => ToLeader): Promise<ResultOf[M]> {
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
        for (const listener of this.#listeners) listener(message.message)
        return
      case 'log':
        if (message.error === null) console[message.level](message.message)
        else console[message.level](message.message, reviveError(message.error, ERROR_CLASSES))
        return
    }
  }

  #settle(id: number): Pending | undefined {
    const pending = this.#pending.get(id)
    this.#pending.delete(id)
    return pending
  }
}

const sameArguments = (a: readonly unknown[], b: readonly unknown[]): boolean =>
  a.length === b.length && a.every((value, index) => Object.is(value, b[index]))
