// One client connection of the sync server.
import type { IncomingHttpHeaders } from 'node:http'
import {
  checkPushEvents,
  CLOSE_CODES,
  decodeClientMessage,
  ERROR_CLOSE_CODES,
  isValidStoreId,
  MAX_BAD_MESSAGES,
  PROTOCOL_VERSION,
  type HelloMessage,
  type PullMessage,
  type PushMessage,
  type SyncErrorCode,
} from '@cairn/store/sync'
import { type RawData, type WebSocket } from 'ws'
import type { AppendResult } from './storage.js'
import {
  batchEnd,
  CONGESTED_BYTES_PER_LIMIT,
  describe,
  frameBytes,
  frameText,
  rejectedFrame,
  toWire,
} from './frames.js'
import { ServerCore, type Pull, type StoreState } from './server-core.js'

const clientIdTaken = (clientId: string, storeId: string): string =>
  `clientId ${JSON.stringify(clientId)} is already used in store ${JSON.stringify(storeId)} by another installation. ` +
  `Pick a new random clientId and reconnect.`


/** One client connection: hello, then pulls, pushes and pings, as docs/protocol.md says. */
export class Connection {
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

