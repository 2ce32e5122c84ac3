/**
 * `makeWsSync`: the client side of docs/protocol.md — a `SyncBackend` whose connections talk to a
 * Cairn sync server over WebSocket, reconnect by themselves and resume where they stopped.
 */
import {
  checkPushEvents,
  decodeServerMessage,
  encodeMessage,
  FATAL_ERROR_CODES,
  isValidStoreId,
  KEEPALIVE_DEFAULTS,
  PROTOCOL_VERSION,
  type ClientMessage,
  type EventsMessage,
  type SyncBackend,
  type SyncConnectArgs,
  type SyncConnection,
  type SyncConnectionStatus,
  type SyncEvent,
  type SyncEventBatch,
  type SyncLimits,
  type SyncPushResult,
} from '@cairn/store/sync'
import {
  InvalidPullError,
  InvalidPushError,
  InvalidWsSyncOptionsError,
  SyncConnectionClosedError,
  SyncConnectionLostError,
  SyncProtocolError,
  SyncServerError,
} from './errors.js'
import { networkEvents } from './network-events.js'

/**
 * The part of the WebSocket API `makeWsSync` uses: the browser's `WebSocket`, Node 22's global one
 * and the `ws` package's all fit.
 */
export interface WebSocketLike {
  readonly readyState: number
  onopen: ((event: never) => void) | null
  onmessage: ((event: never) => void) | null
  onclose: ((event: never) => void) | null
  onerror: ((event: never) => void) | null
  send(data: string): void
  close(code?: number, reason?: string): void
}

/** A `WebSocket` class. */
export type WebSocketConstructor = new (url: string) => WebSocketLike

/** Reconnect delays: `initialMs · factor^(n-1)` after the n-th failed attempt, capped at `maxMs`, with jitter. */
export interface BackoffOptions {
  /** Delay after the first failure (default 500 ms). */
  readonly initialMs?: number
  /** Longest delay (default 30 000 ms). */
  readonly maxMs?: number
  /** Growth per failed attempt (default 2). */
  readonly factor?: number
}

/** Options of `makeWsSync`. */
export interface WsSyncOptions {
  /** The server's WebSocket URL, e.g. `ws://localhost:8787/sync` (`ws:` or `wss:`). */
  readonly url: string
  /**
   * The WebSocket class to use. Default: the global `WebSocket` (browsers, Node 22+), else the `ws`
   * package, imported only then (Node 20).
   */
  readonly WebSocket?: WebSocketConstructor
  readonly backoff?: BackoffOptions
  /** Send a `ping` after this long without sending anything (default 20 000 ms). */
  readonly pingIntervalMs?: number
  /** Drop the connection when nothing arrives this long after a `ping` (default 10 000 ms). */
  readonly pongTimeoutMs?: number
  /** Give up an attempt that got no `welcome` within this time (default 15 000 ms). */
  readonly connectTimeoutMs?: number
}

const positive = (name: string, value: number | undefined, fallback: number): number => {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new InvalidWsSyncOptionsError(`makeWsSync: ${name} must be a positive number of milliseconds, got ${String(value)}.`)
  }
  return value
}

interface ResolvedOptions {
  readonly url: string
  readonly WebSocket: WebSocketConstructor | undefined
  readonly initialMs: number
  readonly maxMs: number
  readonly factor: number
  readonly pingIntervalMs: number
  readonly pongTimeoutMs: number
  readonly connectTimeoutMs: number
}

const resolveOptions = (options: WsSyncOptions): ResolvedOptions => {
  if (typeof options !== 'object' || options === null) throw new InvalidWsSyncOptionsError('makeWsSync: pass an options object { url }.')
  let url: URL
  try {
    url = new URL(options.url)
  } catch {
    throw new InvalidWsSyncOptionsError(`makeWsSync: url ${JSON.stringify(options.url)} is not a URL. Give the server's address, e.g. ws://localhost:8787/sync.`)
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw new InvalidWsSyncOptionsError(`makeWsSync: url must start with ws:// or wss://, got ${JSON.stringify(options.url)}.`)
  }
  if (options.WebSocket !== undefined && typeof options.WebSocket !== 'function') {
    throw new InvalidWsSyncOptionsError('makeWsSync: WebSocket must be a WebSocket class.')
  }
  const factor = options.backoff?.factor ?? 2
  if (typeof factor !== 'number' || !Number.isFinite(factor) || factor < 1) {
    throw new InvalidWsSyncOptionsError(`makeWsSync: backoff.factor must be a number of at least 1, got ${String(factor)}.`)
  }
  const initialMs = positive('backoff.initialMs', options.backoff?.initialMs, 500)
  return {
    url: url.href,
    WebSocket: options.WebSocket,
    initialMs,
    maxMs: Math.max(initialMs, positive('backoff.maxMs', options.backoff?.maxMs, 30_000)),
    factor,
    pingIntervalMs: positive('pingIntervalMs', options.pingIntervalMs, KEEPALIVE_DEFAULTS.pingIntervalMs),
    pongTimeoutMs: positive('pongTimeoutMs', options.pongTimeoutMs, 10_000),
    connectTimeoutMs: positive('connectTimeoutMs', options.connectTimeoutMs, 15_000),
  }
}

let loadedWs: Promise<WebSocketConstructor> | undefined

/** The global WebSocket, or the `ws` package where there is none (Node 20), imported on first use only. */
const defaultWebSocket = (): Promise<WebSocketConstructor> => {
  const global = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket
  if (global !== undefined) return Promise.resolve(global)
  loadedWs ??= import('ws').then((module) => module.WebSocket as unknown as WebSocketConstructor)
  return loadedWs
}

const utf8Length = (text: string): number => {
  let bytes = 0
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code < 0x80) bytes += 1
    else if (code < 0x800) bytes += 2
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      bytes += 4
      i++
    } else bytes += 3
  }
  return bytes
}

const frameText = (data: unknown): string | undefined => {
  if (typeof data === 'string') return data
  return undefined
}

/**
 * A `SyncBackend` that talks to a Cairn sync server (`@cairn/sync-server`, docs/protocol.md) over
 * WebSocket. Each `connect` opens one connection for one store; it reconnects with exponential
 * backoff and jitter, resumes pulling after the last event it delivered, pings while idle, and stops
 * for good (status `failed`) when the server refuses the client (`unauthorized`, `version-mismatch`,
 * `client-id-taken`, `invalid-store-id`).
 *
 * @throws InvalidWsSyncOptionsError for an unusable `url` or option.
 */
export function makeWsSync(options: WsSyncOptions): SyncBackend {
  const resolved = resolveOptions(options)
  return {
    connect(args: SyncConnectArgs): SyncConnection {
      return new WsSyncConnection(resolved, args)
    },
  }
}

interface PendingPush {
  readonly events: readonly SyncEvent[]
  readonly resolve: (result: SyncPushResult) => void
  readonly reject: (error: unknown) => void
  sent: boolean
}

class WsSyncConnection implements SyncConnection {
  private socket: WebSocketLike | undefined
  private welcomed = false
  private limits: SyncLimits | undefined
  /** Consecutive attempts since the last welcome. */
  private attempt = 0
  private closedByUser = false
  private closing: Promise<void> | undefined
  private fatal: unknown
  /** The server error that preceded the current drop, reported with `disconnected`. */
  private lastError: unknown
  private pullState: { cursor: number; requestId: string | undefined } | undefined
  private readonly pending = new Map<string, PendingPush>()
  private readonly eventListeners = new Set<(batch: SyncEventBatch) => void>()
  private readonly statusListeners = new Set<(status: SyncConnectionStatus) => void>()
  private status: SyncConnectionStatus | undefined
  private nextId = 0
  private retryTimer: ReturnType<typeof setTimeout> | undefined
  private connectTimer: ReturnType<typeof setTimeout> | undefined
  private pingTimer: ReturnType<typeof setTimeout> | undefined
  private pongTimer: ReturnType<typeof setTimeout> | undefined
  private onSocketGone: (() => void) | undefined
  private readonly network = networkEvents()

  constructor(
    private readonly options: ResolvedOptions,
    private readonly args: SyncConnectArgs,
  ) {
    // Connect on the next microtask, so listeners added right after `connect()` see `connecting`.
    queueMicrotask(() => void this.open())
    this.network?.listen(this.wentOffline, this.cameOnline)
  }

  // ------------------------------------------------------------------------------------ public

  pull(cursor: number): void {
    if (this.pullState !== undefined) throw new InvalidPullError('pull() was already called on this connection: call it once.')
    if (!Number.isSafeInteger(cursor) || cursor < 0) {
      throw new InvalidPullError(`pull(cursor): cursor must be a non-negative integer (a global seqNum), got ${String(cursor)}.`)
    }
    this.pullState = { cursor, requestId: undefined }
    if (this.welcomed) this.sendPull()
  }

  onEvents(listener: (batch: SyncEventBatch) => void): () => void {
    this.eventListeners.add(listener)
    return () => void this.eventListeners.delete(listener)
  }

  /** Receives status changes; a listener added later is first called with the current status. */
  onStatus(listener: (status: SyncConnectionStatus) => void): () => void {
    this.statusListeners.add(listener)
    if (this.status !== undefined) this.callListener(listener, this.status)
    return () => void this.statusListeners.delete(listener)
  }

  push(events: readonly SyncEvent[]): Promise<SyncPushResult> {
    if (this.fatal !== undefined) return Promise.reject(this.fatal)
    if (this.closedByUser) return Promise.reject(new SyncConnectionClosedError('push() after close(): the connection is closed.'))
    if (!Array.isArray(events) || events.length === 0) {
      return Promise.reject(new InvalidPushError('push() needs at least one event.'))
    }
    const problem = checkPushEvents(events, this.args.clientId)
    if (problem !== undefined) return Promise.reject(new InvalidPushError(`push(): ${problem}`))
    return new Promise<SyncPushResult>((resolve, reject) => {
      const requestId = `push-${++this.nextId}`
      const entry: PendingPush = { events, resolve, reject, sent: false }
      this.pending.set(requestId, entry)
      if (this.welcomed) this.sendPush(requestId, entry)
    })
  }

  close(): Promise<void> {
    if (this.closing !== undefined) return this.closing
    this.closedByUser = true
    this.network?.stop(this.wentOffline, this.cameOnline)
    this.clearTimers()
    clearTimeout(this.retryTimer)
    this.rejectPending(() => new SyncConnectionClosedError('The sync connection was closed before the server answered this push.'))
    const socket = this.socket
    this.socket = undefined
    this.welcomed = false
    if (socket === undefined) {
      this.closing = Promise.resolve()
      return this.closing
    }
    this.closing = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 1000)
      this.onSocketGone = () => {
        clearTimeout(timer)
        resolve()
      }
      try {
        socket.close(1000, 'client closed')
      } catch {
        resolve()
      }
    })
    return this.closing
  }

  // ------------------------------------------------------------------------------------ connection

  /**
   * The browser says the device lost its network: a socket would only notice at the next ping
   * timeout (up to pingIntervalMs + pongTimeoutMs), so report `disconnected` now.
   */
  private readonly wentOffline = (): void => {
    if (this.socket !== undefined) this.drop(this.socket, new SyncConnectionLostError('The device went offline.', undefined, undefined))
  }

  /** Back online: reconnect now instead of when the backoff timer fires. */
  private readonly cameOnline = (): void => {
    // Only while waiting to retry: a connection being opened (e.g. after the same event twice) is left alone.
    if (this.status?.state !== 'disconnected' || this.closedByUser || this.fatal !== undefined) return
    clearTimeout(this.retryTimer)
    this.attempt = 0
    void this.open()
  }

  private async open(): Promise<void> {
    if (this.closedByUser || this.fatal !== undefined) return
    this.attempt++
    this.setStatus({ state: 'connecting', attempt: this.attempt })
    if (!isValidStoreId(this.args.storeId)) {
      this.fail(
        new SyncServerError(
          'invalid-store-id',
          `storeId ${JSON.stringify(this.args.storeId)} is not valid: use 1–128 of A–Z a–z 0–9 _ - ., starting with a letter or digit.`,
          undefined,
          true,
        ),
      )
      return
    }
    let WebSocketClass: WebSocketConstructor
    let socket: WebSocketLike
    try {
      WebSocketClass = this.options.WebSocket ?? (await defaultWebSocket())
      if (this.closedByUser) return
      socket = new WebSocketClass(this.options.url)
    } catch (error) {
      this.lastError = error
      this.afterDrop(new SyncConnectionLostError(`Cannot open a WebSocket to ${this.options.url}: ${String(error)}`, undefined, undefined))
      return
    }
    this.socket = socket
    this.welcomed = false
    this.lastError = undefined
    this.connectTimer = setTimeout(() => {
      this.drop(socket, new SyncConnectionLostError(`No welcome from ${this.options.url} within ${this.options.connectTimeoutMs} ms.`, undefined, undefined))
    }, this.options.connectTimeoutMs)
    socket.onopen = () => {
      if (socket !== this.socket) return
      const { storeId, clientId, installId, payload } = this.args
      this.send({ v: PROTOCOL_VERSION, type: 'hello', storeId, clientId, installId, ...(payload === undefined ? {} : { payload }) })
    }
    socket.onmessage = ((event: { readonly data: unknown }) => {
      if (socket === this.socket) this.onFrame(socket, event.data)
    }) as (event: never) => void
    socket.onclose = ((event: { readonly code: number; readonly reason: string }) => {
      if (socket === this.socket) this.onClosed(event.code, event.reason)
      else this.onSocketGone?.()
    }) as (event: never) => void
    socket.onerror = () => {
      // A close event follows.
    }
  }

  private send(message: ClientMessage): void {
    this.sendFrame(encodeMessage(message))
  }

  private sendFrame(frame: string): void {
    const socket = this.socket
    if (socket === undefined) return
    try {
      socket.send(frame)
    } catch (error) {
      this.drop(socket, new SyncConnectionLostError(`Sending failed: ${String(error)}`, undefined, undefined))
      return
    }
    if (this.welcomed) this.schedulePing()
  }

  private schedulePing(): void {
    clearTimeout(this.pingTimer)
    this.pingTimer = setTimeout(() => {
      const socket = this.socket
      if (socket === undefined || !this.welcomed) return
      this.send({ v: PROTOCOL_VERSION, type: 'ping', id: `ping-${++this.nextId}` })
      // Counted from the first ping nothing answered (any frame received clears it).
      this.pongTimer ??= setTimeout(() => {
        this.drop(socket, new SyncConnectionLostError(`No answer to ping within ${this.options.pongTimeoutMs} ms.`, undefined, undefined))
      }, this.options.pongTimeoutMs)
    }, this.options.pingIntervalMs)
  }

  private onFrame(socket: WebSocketLike, data: unknown): void {
    clearTimeout(this.pongTimer)
    this.pongTimer = undefined
    const text = frameText(data)
    if (text === undefined) {
      this.drop(socket, new SyncProtocolError('The server sent a binary frame; protocol version 1 has text frames only.'))
      return
    }
    const decoded = decodeServerMessage(text)
    if (!decoded.ok) {
      const { code, message } = decoded.error
      if (code === 'unknown-type') return // Something newer than this client knows: not for us.
      if (code === 'version-mismatch') {
        this.fatal = new SyncServerError('version-mismatch', message, undefined, true)
        this.closeSocket(socket)
        return
      }
      this.drop(socket, new SyncProtocolError(`The server sent an invalid message: ${message}`))
      return
    }
    const message = decoded.message
    switch (message.type) {
      case 'welcome': {
        if (this.welcomed) {
          this.drop(socket, new SyncProtocolError('The server sent welcome twice.'))
          return
        }
        clearTimeout(this.connectTimer)
        this.welcomed = true
        this.attempt = 0
        this.limits = message.limits
        this.setStatus({ state: 'connected', backendId: message.backendId, head: message.head })
        if (this.socket !== socket) return // A status listener closed the connection.
        if (this.pullState !== undefined) this.sendPull()
        for (const [requestId, entry] of this.pending) if (!entry.sent) this.sendPush(requestId, entry)
        this.schedulePing()
        return
      }
      case 'events':
        this.onEvents_(socket, message)
        return
      case 'pushAck': {
        const entry = this.pending.get(message.requestId)
        if (entry === undefined) return
        this.pending.delete(message.requestId)
        entry.resolve({ ok: true, head: message.head })
        return
      }
      case 'pushRejected': {
        const entry = this.pending.get(message.requestId)
        if (entry === undefined) return
        this.pending.delete(message.requestId)
        entry.resolve({ ok: false, reason: message.reason, head: message.head, missing: message.missing, more: message.more })
        return
      }
      case 'pong':
        return
      case 'error': {
        const fatal = FATAL_ERROR_CODES.has(message.code)
        const error = new SyncServerError(message.code, message.message, message.requestId, fatal)
        if (fatal) {
          this.fatal = error
          this.closeSocket(socket)
          return
        }
        const entry = message.requestId === undefined ? undefined : this.pending.get(message.requestId)
        if (entry !== undefined && message.requestId !== undefined) {
          this.pending.delete(message.requestId)
          entry.reject(error)
        } else {
          this.lastError = error
        }
        return
      }
    }
  }

  private onEvents_(socket: WebSocketLike, message: EventsMessage): void {
    const pull = this.pullState
    if (pull === undefined || message.requestId !== pull.requestId) return
    const events = message.events.filter((event) => event.seqNum > pull.cursor)
    const first = events[0]
    if (first !== undefined && first.seqNum !== pull.cursor + 1) {
      this.drop(socket, new SyncProtocolError(`The server skipped events: expected seqNum ${pull.cursor + 1}, got ${first.seqNum}.`))
      return
    }
    for (let i = 1; i < events.length; i++) {
      if (events[i]!.seqNum !== events[i - 1]!.seqNum + 1) {
        this.drop(socket, new SyncProtocolError(`The server sent events out of order (seqNum ${events[i]!.seqNum} after ${events[i - 1]!.seqNum}).`))
        return
      }
    }
    if (events.length === 0 && !message.caughtUp) return
    const last = events.at(-1)
    if (last !== undefined) pull.cursor = last.seqNum
    const batch: SyncEventBatch = { events, head: message.head, caughtUp: message.caughtUp }
    for (const listener of this.eventListeners) this.callListener(listener, batch)
  }

  private sendPull(): void {
    const pull = this.pullState!
    pull.requestId = `pull-${++this.nextId}`
    this.send({ v: PROTOCOL_VERSION, type: 'pull', requestId: pull.requestId, cursor: pull.cursor, live: true })
  }

  private sendPush(requestId: string, entry: PendingPush): void {
    const limits = this.limits!
    const frame = encodeMessage({ v: PROTOCOL_VERSION, type: 'push', requestId, events: entry.events })
    let problem: string | undefined
    if (entry.events.length > limits.maxEventsPerPush) {
      problem = `${entry.events.length} events are more than the server's maxEventsPerPush (${limits.maxEventsPerPush}): push fewer at a time.`
    } else {
      const bytes = utf8Length(frame)
      if (bytes > limits.maxMessageBytes) {
        problem = `the push is ${bytes} bytes, more than the server's maxMessageBytes (${limits.maxMessageBytes}): push fewer events at a time.`
      }
    }
    if (problem !== undefined) {
      this.pending.delete(requestId)
      entry.reject(new InvalidPushError(`push(): ${problem}`))
      return
    }
    entry.sent = true
    this.sendFrame(frame)
  }

  /** Closes the socket after a fatal error; `onClosed` reports `failed`. */
  private closeSocket(socket: WebSocketLike): void {
    try {
      socket.close(1000, 'client stops')
    } catch {}
    // Do not wait for the close handshake: the outcome is decided.
    if (socket === this.socket) this.onClosed(undefined, undefined)
  }

  /** Gives up on a socket that misbehaves or went silent, and reconnects. */
  private drop(socket: WebSocketLike, error: unknown): void {
    if (socket !== this.socket) return
    this.lastError = error
    try {
      socket.close(1000, 'client reconnects')
    } catch {}
    this.onClosed(undefined, undefined)
  }

  private onClosed(code: number | undefined, reason: string | undefined): void {
    this.clearTimers()
    const socket = this.socket
    this.socket = undefined
    this.welcomed = false
    if (socket !== undefined) {
      socket.onopen = null
      socket.onmessage = null
      socket.onerror = null
      socket.onclose = (() => this.onSocketGone?.()) as (event: never) => void
    }
    if (this.closedByUser) {
      this.onSocketGone?.()
      return
    }
    if (this.fatal !== undefined) {
      this.fail(this.fatal)
      return
    }
    const what = code === undefined ? 'The sync connection was dropped' : `The sync connection closed (code ${code}${reason ? `, ${reason}` : ''})`
    const cause = this.lastError instanceof Error ? `: ${this.lastError.message}` : ''
    this.afterDrop(new SyncConnectionLostError(`${what}${cause}`, code, reason || undefined))
  }

  private afterDrop(lost: SyncConnectionLostError): void {
    this.rejectPending(() => lost)
    const n = Math.max(1, this.attempt)
    const { initialMs, maxMs, factor } = this.options
    const delay = Math.min(maxMs, initialMs * factor ** (n - 1))
    const retryInMs = Math.round(delay / 2 + Math.random() * (delay / 2))
    const error = this.lastError ?? lost
    this.lastError = undefined
    this.setStatus({ state: 'disconnected', error, retryInMs })
    if (this.closedByUser) return
    clearTimeout(this.retryTimer)
    this.retryTimer = setTimeout(() => void this.open(), retryInMs)
  }

  private fail(error: unknown): void {
    this.fatal = error
    this.network?.stop(this.wentOffline, this.cameOnline)
    this.clearTimers()
    this.rejectPending(() => error)
    this.setStatus({ state: 'failed', error })
  }

  private rejectPending(error: () => unknown): void {
    const entries = [...this.pending.values()]
    this.pending.clear()
    for (const entry of entries) entry.reject(error())
  }

  private clearTimers(): void {
    clearTimeout(this.connectTimer)
    clearTimeout(this.pingTimer)
    clearTimeout(this.pongTimer)
    this.pongTimer = undefined
  }

  private setStatus(status: SyncConnectionStatus): void {
    this.status = status
    for (const listener of this.statusListeners) this.callListener(listener, status)
  }

  private callListener<T>(listener: (value: T) => void, value: T): void {
    try {
      listener(value)
    } catch (error) {
      console.error('[cairn sync-ws] a listener threw:', error)
    }
  }
}
