/**
 * `createSyncServer`: the WebSocket sync backend of docs/protocol.md (version 1).
 *
 * One connection carries one store. Each store the server has clients for is a `StoreState`: its
 * `backendId`, the head this process knows, its live pulls and a queue that runs its pushes one at a
 * time (storage serializes appends across processes as well). A pull is served by a pump that reads
 * storage from the pull's cursor until it reaches the head, then goes live: accepted pushes are sent
 * to it directly, in order, without gaps (a live pull that falls behind is pumped again).
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import {
  checkPushEvents,
  CLOSE_CODES,
  decodeClientMessage,
  DEFAULT_LIMITS,
  ERROR_CLOSE_CODES,
  HEALTH_PATH,
  isValidStoreId,
  KEEPALIVE_DEFAULTS,
  MAX_BAD_MESSAGES,
  PROTOCOL_VERSION,
  SYNC_PATH,
  type HelloMessage,
  type PullMessage,
  type PushMessage,
  type SyncErrorCode,
  type SyncEvent,
  type SyncLimits,
} from '@cairn/store/sync'
import { WebSocketServer, type RawData, type WebSocket } from 'ws'
import { InvalidSyncServerOptionsError } from './errors.js'
import { openSqliteStorage } from './sqlite-storage.js'
import type { AppendNotice, AppendResult, StoredEvent, SyncStorage } from './storage.js'

/** What `validatePayload` gets besides the payload. */
export interface PayloadContext {
  readonly storeId: string
  readonly clientId: string
  readonly installId: string
  /** The HTTP headers of the WebSocket upgrade request (cookies, origin…). */
  readonly headers: IncomingHttpHeaders
}

/** What `onPush` gets: an accepted push. */
export interface PushInfo {
  readonly storeId: string
  readonly clientId: string
  /** The `payload` of the connection's `hello`. */
  readonly payload: unknown
  /** The appended events, in order. */
  readonly events: readonly SyncEvent[]
  /** The store's head after the push. */
  readonly head: number
}

/** What `onPull` gets: a pull about to be served. */
export interface PullInfo {
  readonly storeId: string
  readonly clientId: string
  readonly payload: unknown
  readonly cursor: number
  readonly live: boolean
}

/** Options of `createSyncServer`. */
export interface SyncServerOptions {
  /** TCP port; `0` (the default) picks a free one (see `SyncServer.port`). */
  readonly port?: number
  /** Interface to listen on; default `127.0.0.1` (use `0.0.0.0` to accept connections from other machines). */
  readonly host?: string
  /**
   * Where events are stored. Default: `openSqliteStorage({ file: './cairn-sync.db' })`. The server
   * owns it from now on: `close()` closes it.
   */
  readonly storage?: SyncStorage
  /**
   * Decides whether a `hello` may use its store: return (or resolve) nothing or `true` to accept;
   * return `false` or throw to refuse with `unauthorized` (the thrown error's message is sent to the
   * client). Default: every client may use every store.
   */
  readonly validatePayload?: (payload: unknown, context: PayloadContext) => void | boolean | Promise<void | boolean>
  /** Called after a push was appended and acknowledged (errors go to `onError`). */
  readonly onPush?: (info: PushInfo) => void | Promise<void>
  /** Called when a pull arrives, before it is served (errors go to `onError`). */
  readonly onPull?: (info: PullInfo) => void | Promise<void>
  /** Receives failures the clients cannot be told about (storage down, hooks that threw). Default: `console.error`. */
  readonly onError?: (error: unknown) => void
  /** Overrides of `DEFAULT_LIMITS` (announced to clients in `welcome.limits`). */
  readonly limits?: Partial<SyncLimits>
  /** Connections silent for this long are closed (code 4408). Default 60 000 ms. */
  readonly idleTimeoutMs?: number
}

/** A running sync server. */
export interface SyncServer {
  /** The port it listens on. */
  readonly port: number
  readonly host: string
  /** The WebSocket URL clients connect to: `ws://host:port/sync`. */
  readonly url: string
  /** The limits it enforces. */
  readonly limits: SyncLimits
  /**
   * Stops accepting connections, closes every connection with 1001 (clients reconnect later), waits
   * for pushes being appended and closes the storage.
   */
  close(): Promise<void>
}

// ---------------------------------------------------------------------------------------------- state

interface Pull {
  readonly requestId: string
  readonly live: boolean
  readonly connection: Connection
  /** Last `seqNum` delivered. */
  cursor: number
  /** Whether a batch reached the head (from then on, every batch says `caughtUp: true`). */
  caughtUp: boolean
  pumping: boolean
  sentFirst: boolean
  done: boolean
}

interface StoreState {
  readonly storeId: string
  readonly backendId: string
  /** The highest head this process knows (exact for single-process storage). */
  head: number
  readonly pulls: Set<Pull>
  /** Pushes to this store, one at a time. */
  queue: Promise<void>
  connections: number
}

/** An event ready to send: its number, JSON text and UTF-8 size. */
interface WireEvent {
  readonly seqNum: number
  readonly json: string
  readonly bytes: number
}

const toWire = (event: StoredEvent): WireEvent => ({ seqNum: event.seqNum, json: event.json, bytes: Buffer.byteLength(event.json) })

/** Room kept in a frame for the message around its events (type, requestId, head…). */
const ENVELOPE_BYTES = 512
const MIN_MESSAGE_BYTES = 4096
/** A connection with more than this many `maxMessageBytes` waiting to be sent gets live events through its pump. */
const CONGESTED_BYTES_PER_LIMIT = 4

/** How many of `events` (from `start`) fit in one message: at least one, at most `maxCount` and the byte budget. */
const batchEnd = (events: readonly WireEvent[], start: number, maxCount: number, maxBytes: number): number => {
  let end = start
  let bytes = ENVELOPE_BYTES
  while (end < events.length && end - start < maxCount) {
    const size = events[end]!.bytes + 1
    if (end > start && bytes + size > maxBytes) break
    bytes += size
    end++
  }
  return end
}

const eventsFrame = (requestId: string, events: readonly WireEvent[], head: number, caughtUp: boolean): string =>
  `{"v":${PROTOCOL_VERSION},"type":"events","requestId":${JSON.stringify(requestId)},"events":[${events.map((e) => e.json).join(',')}],` +
  `"head":${head},"caughtUp":${caughtUp}}`

const rejectedFrame = (requestId: string, head: number, missing: readonly WireEvent[], more: boolean): string =>
  `{"v":${PROTOCOL_VERSION},"type":"pushRejected","requestId":${JSON.stringify(requestId)},"reason":"parent-mismatch",` +
  `"head":${head},"missing":[${missing.map((e) => e.json).join(',')}],"more":${more}}`

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error))

// ---------------------------------------------------------------------------------------------- options

const resolveLimits = (limits: Partial<SyncLimits> | undefined): SyncLimits => {
  const resolved = { ...DEFAULT_LIMITS, ...limits }
  for (const [key, value] of Object.entries(resolved)) {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new InvalidSyncServerOptionsError(`limits.${key} must be a positive integer, got ${String(value)}.`)
    }
  }
  if (resolved.maxMessageBytes < MIN_MESSAGE_BYTES) {
    throw new InvalidSyncServerOptionsError(`limits.maxMessageBytes must be at least ${MIN_MESSAGE_BYTES}, got ${resolved.maxMessageBytes}.`)
  }
  return Object.freeze(resolved)
}

const checkOptions = (options: SyncServerOptions): void => {
  const { port, host, idleTimeoutMs } = options
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    throw new InvalidSyncServerOptionsError(`port must be an integer from 0 to 65535, got ${String(port)}.`)
  }
  if (host !== undefined && (typeof host !== 'string' || host === '')) {
    throw new InvalidSyncServerOptionsError(`host must be a non-empty string, got ${String(host)}.`)
  }
  if (idleTimeoutMs !== undefined && (!Number.isFinite(idleTimeoutMs) || idleTimeoutMs < 100)) {
    throw new InvalidSyncServerOptionsError(`idleTimeoutMs must be a number of milliseconds of at least 100, got ${String(idleTimeoutMs)}.`)
  }
  for (const hook of ['validatePayload', 'onPush', 'onPull', 'onError'] as const) {
    if (options[hook] !== undefined && typeof options[hook] !== 'function') {
      throw new InvalidSyncServerOptionsError(`${hook} must be a function, got ${typeof options[hook]}.`)
    }
  }
}

// ---------------------------------------------------------------------------------------------- core

/** What every connection of one server shares: storage, stores, limits, hooks. */
class ServerCore {
  closing = false
  readonly connections = new Set<Connection>()
  private readonly stores = new Map<string, Promise<StoreState>>()
  readonly openedStores = new Map<string, StoreState>()

  constructor(
    readonly storage: SyncStorage,
    readonly limits: SyncLimits,
    readonly options: SyncServerOptions,
    readonly reportError: (error: unknown) => void,
  ) {}

  /** Runs an app hook without letting it break the server. */
  runHook(run: () => void | Promise<void>): void {
    try {
      Promise.resolve(run()).catch(this.reportError)
    } catch (error) {
      this.reportError(error)
    }
  }

  acquireStore(storeId: string): Promise<StoreState> {
    let pending = this.stores.get(storeId)
    if (pending === undefined) {
      pending = this.storage.openStore(storeId).then((info) => {
        const state: StoreState = { storeId, backendId: info.backendId, head: info.head, pulls: new Set(), queue: Promise.resolve(), connections: 0 }
        this.openedStores.set(storeId, state)
        return state
      })
      this.stores.set(storeId, pending)
      pending.catch(() => this.stores.delete(storeId))
    }
    return pending.then((state) => {
      state.connections++
      return state
    })
  }

  releaseStore(state: StoreState): void {
    state.connections--
    if (state.connections > 0) return
    // Forget the store once its queued pushes are done (its head is read again on the next hello).
    void state.queue.then(() => {
      if (state.connections === 0 && this.openedStores.get(state.storeId) === state) {
        this.openedStores.delete(state.storeId)
        this.stores.delete(state.storeId)
      }
    })
  }

  /** Reads storage from the pull's cursor and sends batches until the pull reached the head. */
  async pump(pull: Pull, store: StoreState): Promise<void> {
    if (pull.pumping || pull.done) return
    pull.pumping = true
    const { maxEventsPerBatch, maxMessageBytes } = this.limits
    try {
      for (;;) {
        const headBefore = store.head
        const rows = await this.storage.read(store.storeId, pull.cursor, maxEventsPerBatch)
        if (pull.done) return
        const events = rows.filter((row) => row.seqNum > pull.cursor).map(toWire)
        const last = events.at(-1)
        if (last !== undefined && last.seqNum > store.head) store.head = last.seqNum
        const batch = events.slice(0, batchEnd(events, 0, maxEventsPerBatch, maxMessageBytes))
        const cursor = batch.at(-1)?.seqNum ?? pull.cursor
        // Storage having nothing after the cursor counts as reaching the head, whatever this process believed.
        const reached = cursor >= store.head || events.length === 0
        if (batch.length > 0 || !pull.sentFirst) {
          pull.sentFirst = true
          pull.cursor = cursor
          await pull.connection.sendAndWait(eventsFrame(pull.requestId, batch, store.head, pull.caughtUp || reached))
          if (pull.done) return
        }
        if (!reached) continue
        // Pushes accepted meanwhile skipped this pull (it was pumping): read on.
        if (store.head > headBefore && pull.cursor < store.head) continue
        pull.caughtUp = true
        if (!pull.live) {
          pull.done = true
          store.pulls.delete(pull)
        }
        return
      }
    } catch (error) {
      if (pull.done) return
      this.reportError(error)
      pull.connection.fail('internal', `The server could not read the eventlog (${describe(error)}). Retry later.`)
    } finally {
      pull.pumping = false
    }
  }

  /**
   * Sends appended events (numbered from `from + 1`) to the store's live pulls that are at `from`;
   * pulls further behind are pumped from storage. `from = -1` with no events: just catch up.
   */
  deliver(store: StoreState, from: number, events: readonly WireEvent[]): void {
    const { maxEventsPerBatch, maxMessageBytes } = this.limits
    for (const pull of store.pulls) {
      if (pull.done || pull.pumping || !pull.caughtUp) continue
      // A client that does not read fast enough is served by its pump instead (it waits for each batch to be written).
      if (pull.cursor === from && events.length > 0 && !pull.connection.congested) {
        for (let start = 0; start < events.length; ) {
          const end = batchEnd(events, start, maxEventsPerBatch, maxMessageBytes)
          pull.connection.send(eventsFrame(pull.requestId, events.slice(start, end), store.head, true))
          start = end
        }
        pull.cursor = events.at(-1)!.seqNum
      } else if (pull.cursor < store.head) {
        void this.pump(pull, store)
      }
    }
  }

  /** Storage shared with other processes reported an append. */
  onNotice(notice: AppendNotice): void {
    const store = this.openedStores.get(notice.storeId)
    if (store === undefined) return
    if (notice.head > store.head) store.head = notice.head
    this.deliver(store, -1, [])
  }

  /** Storage reconnected to its database: appends may have been missed, pump every live pull. */
  onResync(): void {
    for (const store of this.openedStores.values()) {
      for (const pull of store.pulls) if (pull.caughtUp && !pull.done) void this.pump(pull, store)
    }
  }
}

const clientIdTaken = (clientId: string, storeId: string): string =>
  `clientId ${JSON.stringify(clientId)} is already used in store ${JSON.stringify(storeId)} by another installation. ` +
  `Pick a new random clientId and reconnect.`

const frameText = (data: RawData): string =>
  Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8')

const frameBytes = (data: RawData): number => (Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data.byteLength)

// ---------------------------------------------------------------------------------------------- connection

/** One client connection: hello, then pulls, pushes and pings, as docs/protocol.md says. */
class Connection {
  private state: 'hello' | 'validating' | 'welcomed' | 'closed' = 'hello'
  private store: StoreState | undefined
  private hello: HelloMessage | undefined
  private pull: Pull | undefined
  private badMessages = 0
  private tokens: number
  private refilledAt = performance.now()
  lastActivity = performance.now()

  constructor(
    private readonly core: ServerCore,
    readonly ws: WebSocket,
    private readonly headers: IncomingHttpHeaders,
  ) {
    this.tokens = core.limits.maxMessagesPerSecond
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary))
    ws.on('ping', () => this.touch())
    ws.on('pong', () => this.touch())
    ws.on('close', () => this.onClose())
    // WebSocket-level violations (a frame above maxPayload, invalid UTF-8): ws closes the socket itself.
    ws.on('error', () => {})
  }

  /** Whether the connection was closed (a getter: the state changes across awaits). */
  private get isClosed(): boolean {
    return this.state === 'closed'
  }

  private get isOpen(): boolean {
    return this.state !== 'closed' && this.ws.readyState === this.ws.OPEN
  }

  private touch(): void {
    this.lastActivity = performance.now()
  }

  send(frame: string): void {
    if (this.isOpen) this.ws.send(frame)
  }

  /** Whether frames pile up unsent (the client reads slower than events arrive). */
  get congested(): boolean {
    return this.ws.bufferedAmount > CONGESTED_BYTES_PER_LIMIT * this.core.limits.maxMessageBytes
  }

  /** Sends and resolves once the frame is written (backpressure for pumps). */
  sendAndWait(frame: string): Promise<void> {
    if (!this.isOpen) return Promise.resolve()
    return new Promise((resolve) => this.ws.send(frame, () => resolve()))
  }

  /** Sends an `error`; closes the connection when the code's row of the protocol's table says so. */
  fail(code: SyncErrorCode, message: string, requestId?: string): void {
    if (!this.isOpen) return
    this.ws.send(JSON.stringify({ v: PROTOCOL_VERSION, type: 'error', code, message, ...(requestId === undefined ? {} : { requestId }) }))
    const closeCode = ERROR_CLOSE_CODES[code]
    if (closeCode !== null) this.close(closeCode, code)
  }

  close(code: number, reason: string): void {
    if (this.state === 'closed') return
    this.state = 'closed'
    this.stopPull()
    this.ws.close(code, reason)
  }

  private stopPull(): void {
    if (this.pull === undefined) return
    this.pull.done = true
    this.store?.pulls.delete(this.pull)
    this.pull = undefined
  }

  private onClose(): void {
    this.state = 'closed'
    this.stopPull()
    this.core.connections.delete(this)
    if (this.store !== undefined) {
      const store = this.store
      this.store = undefined
      this.core.releaseStore(store)
    }
  }

  private rateLimited(): boolean {
    const now = performance.now()
    const rate = this.core.limits.maxMessagesPerSecond
    this.tokens = Math.min(rate, this.tokens + ((now - this.refilledAt) / 1000) * rate)
    this.refilledAt = now
    if (this.tokens < 1) return true
    this.tokens -= 1
    return false
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    this.touch()
    if (this.isClosed) return
    const { limits } = this.core
    if (this.rateLimited()) {
      this.fail('rate-limited', `More than ${limits.maxMessagesPerSecond} messages per second: slow down and reconnect later.`)
      return
    }
    const bytes = frameBytes(data)
    if (bytes > limits.maxMessageBytes) {
      this.fail('too-large', `A frame of ${bytes} bytes is above maxMessageBytes (${limits.maxMessageBytes}): send fewer events per push.`)
      return
    }
    if (isBinary) {
      this.badMessage('Binary frames are not part of the protocol: send JSON text frames.', undefined)
      return
    }
    const decoded = decodeClientMessage(frameText(data))
    if (!decoded.ok) {
      const { code, message, requestId } = decoded.error
      if (code === 'bad-message') this.badMessage(message, requestId)
      else this.fail(code, message, requestId)
      return
    }
    const message = decoded.message
    if (this.state !== 'welcomed') {
      if (message.type === 'hello' && this.state === 'hello') void this.onHello(message)
      else this.fail('not-welcomed', `A ${message.type} message before the server answered hello with welcome: send hello first and wait for welcome.`)
      return
    }
    switch (message.type) {
      case 'hello':
        this.badMessage(`This connection already said hello (store ${JSON.stringify(this.hello?.storeId)}): open a new connection for another store.`, undefined)
        return
      case 'ping':
        this.send(JSON.stringify({ v: PROTOCOL_VERSION, type: 'pong', id: message.id }))
        return
      case 'pull':
        this.onPull(message)
        return
      case 'push':
        this.onPush(message)
        return
    }
  }

  private badMessage(message: string, requestId: string | undefined): void {
    this.badMessages++
    this.fail('bad-message', message, requestId)
    if (this.badMessages >= MAX_BAD_MESSAGES) this.close(CLOSE_CODES.tooManyBadMessages, 'too many bad messages')
  }

  private async onHello(hello: HelloMessage): Promise<void> {
    this.state = 'validating'
    const { core } = this
    if (!isValidStoreId(hello.storeId as unknown)) {
      this.fail(
        'invalid-store-id',
        `storeId ${JSON.stringify(hello.storeId.slice(0, 140))} is not valid: use 1–128 of A–Z a–z 0–9 _ - ., starting with a letter or digit.`,
      )
      return
    }
    const validatePayload = core.options.validatePayload
    if (validatePayload !== undefined) {
      let refusal: string | undefined
      try {
        const context = { storeId: hello.storeId, clientId: hello.clientId, installId: hello.installId, headers: this.headers }
        if ((await validatePayload(hello.payload, context)) === false) refusal = 'validatePayload refused the payload'
      } catch (error) {
        refusal = describe(error)
      }
      if (refusal !== undefined) {
        this.fail('unauthorized', `The server refused this client for store ${JSON.stringify(hello.storeId)}: ${refusal}`)
        return
      }
      if (this.isClosed) return
    }
    let store: StoreState
    try {
      store = await core.acquireStore(hello.storeId)
    } catch (error) {
      core.reportError(error)
      this.fail('internal', `The server could not open the store (${describe(error)}). Retry later.`)
      return
    }
    if (this.isClosed) {
      core.releaseStore(store)
      return
    }
    this.store = store
    let owner: string | undefined
    try {
      owner = await core.storage.clientIdOwner(hello.storeId, hello.clientId)
    } catch (error) {
      core.reportError(error)
      this.fail('internal', `The server could not read the store (${describe(error)}). Retry later.`)
      return
    }
    if (this.isClosed) return
    if (owner !== undefined && owner !== hello.installId) {
      this.fail('client-id-taken', clientIdTaken(hello.clientId, hello.storeId))
      return
    }
    this.hello = hello
    this.state = 'welcomed'
    this.send(JSON.stringify({ v: PROTOCOL_VERSION, type: 'welcome', backendId: store.backendId, head: store.head, limits: core.limits }))
  }

  private onPull(message: PullMessage): void {
    const store = this.store!
    const hello = this.hello!
    // A new pull replaces the connection's previous one.
    this.stopPull()
    const pull: Pull = {
      requestId: message.requestId,
      live: message.live,
      connection: this,
      cursor: message.cursor,
      caughtUp: false,
      pumping: false,
      sentFirst: false,
      done: false,
    }
    this.pull = pull
    store.pulls.add(pull)
    const onPull = this.core.options.onPull
    if (onPull !== undefined) {
      this.core.runHook(() =>
        onPull({ storeId: store.storeId, clientId: hello.clientId, payload: hello.payload, cursor: message.cursor, live: message.live }),
      )
    }
    void this.core.pump(pull, store)
  }

  private onPush(message: PushMessage): void {
    const store = this.store!
    const hello = this.hello!
    const { core } = this
    const { limits } = core
    const { requestId, events } = message
    if (events.length > limits.maxEventsPerPush) {
      this.fail('too-large', `A push of ${events.length} events is above maxEventsPerPush (${limits.maxEventsPerPush}): push fewer events at a time.`, requestId)
      return
    }
    const problem = checkPushEvents(events, hello.clientId)
    if (problem !== undefined) {
      this.fail('invalid-events', `The push was not appended: ${problem}`, requestId)
      return
    }
    const wire = events.map((event) => toWire({ seqNum: event.seqNum, json: JSON.stringify(event) }))
    const parentSeqNum = events[0]!.parentSeqNum
    const task = async (): Promise<void> => {
      if (this.isClosed) return
      let result: AppendResult
      try {
        result = await core.storage.append({ storeId: store.storeId, clientId: hello.clientId, installId: hello.installId, parentSeqNum, events: wire })
      } catch (error) {
        core.reportError(error)
        this.fail('internal', `The server could not store the push (${describe(error)}); nothing was appended. Retry later.`, requestId)
        return
      }
      if (result.ok) {
        const head = result.head
        if (head > store.head) store.head = head
        this.send(JSON.stringify({ v: PROTOCOL_VERSION, type: 'pushAck', requestId, head }))
        core.deliver(store, parentSeqNum, wire)
        const onPush = core.options.onPush
        if (onPush !== undefined) {
          core.runHook(() => onPush({ storeId: store.storeId, clientId: hello.clientId, payload: hello.payload, events, head }))
        }
        return
      }
      if (result.reason === 'client-id-taken') {
        this.fail('client-id-taken', clientIdTaken(hello.clientId, store.storeId), requestId)
        return
      }
      const head = result.head
      if (head > store.head) store.head = head
      try {
        const rows = parentSeqNum < head ? await core.storage.read(store.storeId, parentSeqNum, limits.maxEventsPerBatch) : []
        const missing = rows.filter((row) => row.seqNum > parentSeqNum && row.seqNum <= head).map(toWire)
        const sent = missing.slice(0, batchEnd(missing, 0, limits.maxEventsPerBatch, limits.maxMessageBytes))
        const reached = sent.at(-1)?.seqNum ?? parentSeqNum
        this.send(rejectedFrame(requestId, head, sent, reached < head))
      } catch (error) {
        core.reportError(error)
        this.fail('internal', `The server could not read the events the push is missing (${describe(error)}). Retry later.`, requestId)
      }
    }
    const run = store.queue.then(task)
    store.queue = run.catch(core.reportError)
  }
}

// ---------------------------------------------------------------------------------------------- server

/**
 * Starts a sync server: `ws://host:port/sync` speaks docs/protocol.md, `GET /health` answers
 * `{"ok":true,"version":1}`. Resolves once it listens.
 *
 * @throws InvalidSyncServerOptionsError for unusable options; the listen error (e.g. `EADDRINUSE`)
 *   when the port is taken (the storage is closed then).
 */
export async function createSyncServer(options: SyncServerOptions = {}): Promise<SyncServer> {
  checkOptions(options)
  const limits = resolveLimits(options.limits)
  const host = options.host ?? '127.0.0.1'
  const idleTimeoutMs = options.idleTimeoutMs ?? KEEPALIVE_DEFAULTS.idleTimeoutMs
  const storage = options.storage ?? (await openSqliteStorage({ file: './cairn-sync.db' }))
  const reportError =
    options.onError ??
    ((error: unknown) => {
      console.error('[cairn-sync-server]', error)
    })
  const core = new ServerCore(storage, limits, options, reportError)
  const stopNotices = storage.onAppend?.((notice) => core.onNotice(notice))
  const stopResync = storage.onResync?.(() => core.onResync())

  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxMessageBytes * 2, perMessageDeflate: false, clientTracking: false })

  const httpServer = createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname
    if (path === HEALTH_PATH && (request.method === 'GET' || request.method === 'HEAD')) {
      const ok = !core.closing
      response.writeHead(ok ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' })
      response.end(request.method === 'HEAD' ? undefined : JSON.stringify({ ok, version: PROTOCOL_VERSION }))
      return
    }
    response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' })
    response.end(`Not found. The sync endpoint is ws://<host>:<port>${SYNC_PATH}, the health check GET ${HEALTH_PATH}.\n`)
  })

  httpServer.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname
    if (core.closing || path !== SYNC_PATH) {
      const status = core.closing ? '503 Service Unavailable' : '404 Not Found'
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
      return
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      if (core.closing) ws.close(CLOSE_CODES.goingAway, 'server shutting down')
      else core.connections.add(new Connection(core, ws, request.headers))
    })
  })

  const sweeper = setInterval(
    () => {
      const now = performance.now()
      for (const connection of core.connections) {
        if (now - connection.lastActivity > idleTimeoutMs) connection.close(CLOSE_CODES.idle, 'idle timeout')
      }
    },
    Math.max(50, Math.min(5000, Math.floor(idleTimeoutMs / 4))),
  )
  sweeper.unref()

  try {
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject)
      httpServer.listen(options.port ?? 0, host, () => {
        httpServer.off('error', reject)
        resolve()
      })
    })
  } catch (error) {
    clearInterval(sweeper)
    stopNotices?.()
    stopResync?.()
    await storage.close().catch(() => {})
    throw error
  }
  httpServer.on('error', reportError)

  const port = (httpServer.address() as AddressInfo).port
  let closed: Promise<void> | undefined

  return {
    port,
    host,
    url: `ws://${host.includes(':') ? `[${host}]` : host}:${port}${SYNC_PATH}`,
    limits,
    close() {
      closed ??= (async () => {
        core.closing = true
        clearInterval(sweeper)
        stopNotices?.()
        stopResync?.()
        const stopped = new Promise<void>((resolve) => httpServer.close(() => resolve()))
        await Promise.all(
          [...core.connections].map(
            (connection) =>
              new Promise<void>((resolve) => {
                const timer = setTimeout(() => {
                  connection.ws.terminate()
                  resolve()
                }, 2000)
                connection.ws.once('close', () => {
                  clearTimeout(timer)
                  resolve()
                })
                connection.close(CLOSE_CODES.goingAway, 'server shutting down')
              }),
          ),
        )
        httpServer.closeAllConnections()
        await stopped
        await Promise.all([...core.openedStores.values()].map((store) => store.queue))
        await storage.close()
      })()
      return closed
    },
  }
}
