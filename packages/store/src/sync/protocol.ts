/**
 * The Cairn sync wire protocol, version 1 (docs/protocol.md): the schemas of every message, the
 * decoders both sides run on every frame they receive, the error codes with the close codes that go
 * with them, the default limits and the `storeId` rule. Both `@cairn/sync-server` and
 * `@cairn/sync-ws` use this module, so they cannot disagree about what a valid message is.
 */
import * as Schema from 'effect/Schema'
import * as Result from 'effect/Result'
import { CairnError } from '../errors.js'
import { describeValue, issuesOf } from '../schema/issues.js'

/** The protocol version this module speaks: every message carries it as `v`. */
export const PROTOCOL_VERSION = 1

/** The HTTP path of the WebSocket endpoint (`ws(s)://host:port/sync`). */
export const SYNC_PATH = '/sync'

/** The HTTP path of the health check (`GET /health` → `200 {"ok":true,"version":1}`). */
export const HEALTH_PATH = '/health'

// ------------------------------------------------------------------------------------------ store ids

/** What a `storeId` must look like: 1–128 of `A–Z a–z 0–9 _ - .`, starting with a letter or digit. */
export const STORE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/

/** Whether `value` is a valid `storeId` (see `STORE_ID_PATTERN`). */
export const isValidStoreId = (value: unknown): value is string => typeof value === 'string' && STORE_ID_PATTERN.test(value)

// ------------------------------------------------------------------------------------------ limits

/** The limits a server announces in `welcome.limits`. */
export interface SyncLimits {
  /** Largest frame (UTF-8 bytes) either side sends; the server refuses larger ones with `too-large`. */
  readonly maxMessageBytes: number
  /** Most events in one `push`. */
  readonly maxEventsPerPush: number
  /** Most events in one `events` batch or in `pushRejected.missing`. */
  readonly maxEventsPerBatch: number
  /** Most messages a connection may send per second (`rate-limited` beyond). */
  readonly maxMessagesPerSecond: number
}

/** The limits of a server that was not configured otherwise. */
export const DEFAULT_LIMITS: SyncLimits = Object.freeze({
  maxMessageBytes: 1024 * 1024,
  maxEventsPerPush: 1000,
  maxEventsPerBatch: 1000,
  maxMessagesPerSecond: 200,
})

/** Keep-alive defaults: clients ping after 20 s without sending; servers close connections silent for 60 s. */
export const KEEPALIVE_DEFAULTS = Object.freeze({ pingIntervalMs: 20_000, idleTimeoutMs: 60_000 })

/** How many `bad-message` errors a connection may cause before the server closes it (with 4400). */
export const MAX_BAD_MESSAGES = 10

// ------------------------------------------------------------------------------------------ errors

/** Every `error.code` of protocol version 1. */
export const SYNC_ERROR_CODES = [
  'bad-message',
  'unknown-type',
  'version-mismatch',
  'too-large',
  'invalid-store-id',
  'not-welcomed',
  'unauthorized',
  'client-id-taken',
  'invalid-events',
  'rate-limited',
  'internal',
] as const

/** An `error.code` of protocol version 1. */
export type SyncErrorCode = (typeof SYNC_ERROR_CODES)[number]

/**
 * The WebSocket close code the server closes with after sending an `error` of each code, or `null`
 * when the connection stays open (`bad-message` closes with 4400 only after `MAX_BAD_MESSAGES`).
 */
export const ERROR_CLOSE_CODES: { readonly [C in SyncErrorCode]: number | null } = Object.freeze({
  'bad-message': null,
  'unknown-type': null,
  'version-mismatch': 4426,
  'too-large': 4413,
  'invalid-store-id': 4400,
  'not-welcomed': 4401,
  unauthorized: 4403,
  'client-id-taken': 4409,
  'invalid-events': null,
  'rate-limited': 4429,
  internal: 1011,
})

/** Close codes that carry no `error` message. */
export const CLOSE_CODES = Object.freeze({
  /** The server shuts down (or restarts): reconnect with backoff. */
  goingAway: 1001,
  /** A frame larger than the server reads at all (twice `maxMessageBytes`): closed by the WebSocket layer. */
  messageTooBig: 1009,
  /** The connection was silent for longer than the idle timeout: reconnect. */
  idle: 4408,
  /** Too many `bad-message` errors on one connection. */
  tooManyBadMessages: 4400,
})

/**
 * Error codes after which a client stops retrying: reconnecting would get the same answer. The app
 * must act (new credentials, an update, a new `clientId`, another `storeId`).
 */
export const FATAL_ERROR_CODES: ReadonlySet<SyncErrorCode> = new Set<SyncErrorCode>([
  'unauthorized',
  'version-mismatch',
  'client-id-taken',
  'invalid-store-id',
])

// ------------------------------------------------------------------------------------------ schemas

const NonNegativeInt = Schema.Number.check(Schema.isInt(), Schema.isGreaterThanOrEqualTo(0))
const PositiveInt = Schema.Number.check(Schema.isInt(), Schema.isGreaterThanOrEqualTo(1))
const boundedString = (max: number) => Schema.String.check(Schema.isMinLength(1), Schema.isMaxLength(max))

/** A request id chosen by the client (1–64 characters), echoed in the answers to that request. */
export const RequestIdSchema = boundedString(64)

/** A `storeId`: see `STORE_ID_PATTERN`. */
export const StoreIdSchema = Schema.String.check(
  Schema.isPattern(STORE_ID_PATTERN, { message: 'Expected 1–128 of A–Z a–z 0–9 _ - ., starting with a letter or digit' }),
)

/** An event as it travels: global sequence numbers only (`SyncEvent` in the transport contract). */
export const SyncEventSchema = Schema.Struct({
  name: boundedString(256),
  /** The arguments as the event's schema encoded them (any JSON value). */
  args: Schema.Unknown,
  seqNum: PositiveInt,
  parentSeqNum: NonNegativeInt,
  clientId: boundedString(64),
  sessionId: boundedString(128),
  /** Commit time, ms since the epoch (the committing device's clock). */
  timestamp: Schema.Finite,
})

/** The limits of `welcome.limits`. */
export const SyncLimitsSchema = Schema.Struct({
  maxMessageBytes: PositiveInt,
  maxEventsPerPush: PositiveInt,
  maxEventsPerBatch: PositiveInt,
  maxMessagesPerSecond: PositiveInt,
})

const V = Schema.Literal(PROTOCOL_VERSION)

/** client → server: the first message of a connection. */
export const HelloMessage = Schema.Struct({
  v: V,
  type: Schema.Literal('hello'),
  /** The store this connection is for; checked against `STORE_ID_PATTERN` (`invalid-store-id`). */
  storeId: Schema.String,
  clientId: boundedString(64),
  /** Random per installation, kept with the client's eventlog: detects `clientId` collisions. */
  installId: boundedString(128),
  /** The app's `syncPayload` (e.g. an auth token), any JSON value; absent when the app has none. */
  payload: Schema.optionalKey(Schema.Unknown),
})

/** client → server: deliver events with `seqNum > cursor` (then live ones if `live`). */
export const PullMessage = Schema.Struct({
  v: V,
  type: Schema.Literal('pull'),
  requestId: RequestIdSchema,
  cursor: NonNegativeInt,
  live: Schema.Boolean,
})

/** client → server: append these consecutive events on top of `events[0].parentSeqNum`. */
export const PushMessage = Schema.Struct({
  v: V,
  type: Schema.Literal('push'),
  requestId: RequestIdSchema,
  events: Schema.Array(SyncEventSchema).check(Schema.isMinLength(1)),
})

/** client → server: keep-alive; answered with `pong` carrying the same `id`. */
export const PingMessage = Schema.Struct({
  v: V,
  type: Schema.Literal('ping'),
  id: RequestIdSchema,
})

/** server → client: the `hello` was accepted. */
export const WelcomeMessage = Schema.Struct({
  v: V,
  type: Schema.Literal('welcome'),
  backendId: boundedString(128),
  head: NonNegativeInt,
  limits: SyncLimitsSchema,
})

/** server → client: a batch of events for the `pull` with this `requestId`. */
export const EventsMessage = Schema.Struct({
  v: V,
  type: Schema.Literal('events'),
  requestId: RequestIdSchema,
  events: Schema.Array(SyncEventSchema),
  head: NonNegativeInt,
  caughtUp: Schema.Boolean,
})

/** server → client: the push was appended; `head` is its last event's `seqNum`. */
export const PushAckMessage = Schema.Struct({
  v: V,
  type: Schema.Literal('pushAck'),
  requestId: RequestIdSchema,
  head: PositiveInt,
})

/** server → client: the push was not appended (its parent is not the head); here is what is missing. */
export const PushRejectedMessage = Schema.Struct({
  v: V,
  type: Schema.Literal('pushRejected'),
  requestId: RequestIdSchema,
  reason: Schema.Literal('parent-mismatch'),
  head: NonNegativeInt,
  missing: Schema.Array(SyncEventSchema),
  more: Schema.Boolean,
})

/** server → client: the answer to `ping`. */
export const PongMessage = Schema.Struct({
  v: V,
  type: Schema.Literal('pong'),
  id: RequestIdSchema,
})

/** server → client: something went wrong; see `ERROR_CLOSE_CODES` for whether the connection closes. */
export const ErrorMessage = Schema.Struct({
  v: V,
  type: Schema.Literal('error'),
  code: Schema.Literals(SYNC_ERROR_CODES),
  message: Schema.String,
  requestId: Schema.optionalKey(RequestIdSchema),
})

/** A `hello` message. */
export type HelloMessage = typeof HelloMessage.Type
/** A `pull` message. */
export type PullMessage = typeof PullMessage.Type
/** A `push` message. */
export type PushMessage = typeof PushMessage.Type
/** A `ping` message. */
export type PingMessage = typeof PingMessage.Type
/** A `welcome` message. */
export type WelcomeMessage = typeof WelcomeMessage.Type
/** An `events` message. */
export type EventsMessage = typeof EventsMessage.Type
/** A `pushAck` message. */
export type PushAckMessage = typeof PushAckMessage.Type
/** A `pushRejected` message. */
export type PushRejectedMessage = typeof PushRejectedMessage.Type
/** A `pong` message. */
export type PongMessage = typeof PongMessage.Type
/** An `error` message. */
export type ErrorMessage = typeof ErrorMessage.Type

/** Any message a client sends. */
export type ClientMessage = HelloMessage | PullMessage | PushMessage | PingMessage
/** Any message a server sends. */
export type ServerMessage = WelcomeMessage | EventsMessage | PushAckMessage | PushRejectedMessage | PongMessage | ErrorMessage

const CLIENT_SCHEMAS = { hello: HelloMessage, pull: PullMessage, push: PushMessage, ping: PingMessage } as const
const SERVER_SCHEMAS = {
  welcome: WelcomeMessage,
  events: EventsMessage,
  pushAck: PushAckMessage,
  pushRejected: PushRejectedMessage,
  pong: PongMessage,
  error: ErrorMessage,
} as const

/** The `type`s a client may send, in protocol version 1. */
export const CLIENT_MESSAGE_TYPES = Object.keys(CLIENT_SCHEMAS) as ReadonlyArray<ClientMessage['type']>
/** The `type`s a server may send, in protocol version 1. */
export const SERVER_MESSAGE_TYPES = Object.keys(SERVER_SCHEMAS) as ReadonlyArray<ServerMessage['type']>

// ------------------------------------------------------------------------------------------ decoding

/** The codes a decoder reports: the message could not be read as a valid message of this version. */
export type DecodeErrorCode = Extract<SyncErrorCode, 'bad-message' | 'unknown-type' | 'version-mismatch'>

/**
 * A received frame is not a valid protocol message: not JSON or not of the message's shape
 * (`bad-message`), of a `type` this version does not know (`unknown-type`), or of another protocol
 * version (`version-mismatch`). The message names the offending field (`field`, e.g.
 * `events[1].seqNum`).
 */
export class SyncMessageError extends CairnError {
  readonly _tag = 'SyncMessageError'
  constructor(
    readonly code: DecodeErrorCode,
    message: string,
    /** The offending field (`type`, `events[1].seqNum`…), or `undefined` for the frame as a whole. */
    readonly field: string | undefined,
    /** The message's `requestId` when it had a readable one, so an answer can name the request. */
    readonly requestId: string | undefined,
  ) {
    super(message)
  }
}

/** What a decoder returns: the typed message, or the error to report. */
export type DecodeResult<M> = { readonly ok: true; readonly message: M } | { readonly ok: false; readonly error: SyncMessageError }

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

const readableRequestId = (value: Record<string, unknown>): string | undefined => {
  const id = value.requestId
  return typeof id === 'string' && id.length >= 1 && id.length <= 64 ? id : undefined
}

const fail = (code: DecodeErrorCode, message: string, field: string | undefined, requestId: string | undefined) =>
  ({ ok: false, error: new SyncMessageError(code, message, field, requestId) }) as const

/** `['events', 1, 'seqNum']` → `events[1].seqNum`. */
const formatField = (path: ReadonlyArray<PropertyKey>): string =>
  path.map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`)).join('')

type Decoder = (input: unknown) => Result.Result<unknown, unknown>

/** Compiles the schema's decoder on first use (importing this module stays cheap). */
const decoderOf = (schema: Parameters<typeof Schema.decodeUnknownResult>[0]): Decoder => {
  let compiled: ReturnType<typeof Schema.decodeUnknownResult> | undefined
  return (input) => (compiled ??= Schema.decodeUnknownResult(schema))(input, { errors: 'all', onExcessProperty: 'ignore' })
}

const CLIENT_DECODERS: Readonly<Record<string, Decoder>> = Object.fromEntries(
  Object.entries(CLIENT_SCHEMAS).map(([type, schema]) => [type, decoderOf(schema)]),
)
const SERVER_DECODERS: Readonly<Record<string, Decoder>> = Object.fromEntries(
  Object.entries(SERVER_SCHEMAS).map(([type, schema]) => [type, decoderOf(schema)]),
)

/** The field of a message that carries events, if any. */
const EVENT_FIELDS = ['events', 'missing'] as const

const isText = (value: unknown, max: number): value is string => typeof value === 'string' && value.length >= 1 && value.length <= max

/**
 * An event as `SyncEventSchema` decodes it (unknown fields dropped), or `undefined` when a plain
 * check cannot vouch for it. The check accepts a subset of what the schema accepts, so a message
 * it passes decodes the same either way.
 */
const checkedEvent = (event: unknown): SyncEventMessage | undefined => {
  if (!isRecord(event) || !Object.hasOwn(event, 'args')) return undefined
  const { name, args, seqNum, parentSeqNum, clientId, sessionId, timestamp } = event
  if (!isText(name, 256) || !isText(clientId, 64) || !isText(sessionId, 128)) return undefined
  if (!Number.isSafeInteger(seqNum) || (seqNum as number) < 1) return undefined
  if (!Number.isSafeInteger(parentSeqNum) || (parentSeqNum as number) < 0) return undefined
  if (typeof timestamp !== 'number' || !Number.isFinite(timestamp)) return undefined
  return { name, args, seqNum: seqNum as number, parentSeqNum: parentSeqNum as number, clientId, sessionId, timestamp }
}

/**
 * Decodes a message that carries events by checking its events with plain code and only the rest
 * with its schema: the schema decoder costs ~8 µs per event, which dominated a client catching up.
 * `undefined` when the message has no events or a plain check fails (the schema then says why).
 */
const decodeEventsFast = (decode: Decoder, value: Record<string, unknown>): unknown => {
  const field = EVENT_FIELDS.find((name) => Array.isArray(value[name]))
  if (field === undefined) return undefined
  const events: SyncEventMessage[] = []
  for (const event of value[field] as unknown[]) {
    const checked = checkedEvent(event)
    if (checked === undefined) return undefined
    events.push(checked)
  }
  const envelope = decode({ ...value, [field]: events.slice(0, 1) })
  if (!Result.isSuccess(envelope)) return undefined
  return { ...(envelope.success as Record<string, unknown>), [field]: events }
}

const decodeWith = <M>(side: 'client' | 'server', schemas: Readonly<Record<string, Decoder>>, input: unknown): DecodeResult<M> => {
  let value = input
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input) as unknown
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      return fail('bad-message', `The frame is not JSON (${reason}). Every message is a JSON object { v: 1, type, … }.`, undefined, undefined)
    }
  }
  if (!isRecord(value)) {
    return fail('bad-message', `The message is ${describeValue(value)}, not a JSON object { v: 1, type, … }.`, undefined, undefined)
  }
  const requestId = readableRequestId(value)
  if (typeof value.v !== 'number') {
    return fail(
      'bad-message',
      `v: ${value.v === undefined ? 'missing' : `Expected the protocol version number ${PROTOCOL_VERSION}, got ${describeValue(value.v)}`}. ` +
        `Every message carries v: ${PROTOCOL_VERSION}.`,
      'v',
      requestId,
    )
  }
  if (value.v !== PROTOCOL_VERSION) {
    return fail(
      'version-mismatch',
      `v: this side speaks sync protocol version ${PROTOCOL_VERSION}, the message is version ${value.v}. ` +
        `Update the ${side === 'client' ? 'client app' : 'sync server'} (or the other side) so both speak the same version.`,
      'v',
      requestId,
    )
  }
  if (typeof value.type !== 'string') {
    return fail(
      'bad-message',
      `type: ${value.type === undefined ? 'missing' : `Expected a string, got ${describeValue(value.type)}`}. ` +
        `Messages a ${side} sends have type ${Object.keys(schemas).join(', ')}.`,
      'type',
      requestId,
    )
  }
  const decode = Object.hasOwn(schemas, value.type) ? schemas[value.type] : undefined
  if (decode === undefined) {
    return fail(
      'unknown-type',
      `type: ${JSON.stringify(value.type.length > 40 ? `${value.type.slice(0, 40)}…` : value.type)} is not a message a ${side} sends ` +
        `in sync protocol version ${PROTOCOL_VERSION} (expected ${Object.keys(schemas).join(', ')}).`,
      'type',
      requestId,
    )
  }
  const fast = decodeEventsFast(decode, value)
  if (fast !== undefined) return { ok: true, message: fast as M }
  const result = decode(value)
  if (Result.isSuccess(result)) return { ok: true, message: result.success as M }
  const issues = issuesOf(result.failure, value)
  const shown = issues.slice(0, 5).map((issue) => `${formatField(issue.path) || '(message)'}: ${issue.message}`)
  if (issues.length > 5) shown.push(`and ${issues.length - 5} more`)
  const field = issues[0] === undefined ? undefined : formatField(issues[0].path) || undefined
  return fail('bad-message', `Invalid ${value.type} message: ${shown.join('; ')}.`, field, requestId)
}

/**
 * Decodes what a server received: the frame's text (parsed as JSON first) or an already parsed
 * value. Returns the typed message, or a `SyncMessageError` whose `code` is the `error.code` to
 * answer with. Fields the message does not define are dropped.
 */
export const decodeClientMessage = (input: unknown): DecodeResult<ClientMessage> => decodeWith('client', CLIENT_DECODERS, input)

/**
 * Decodes what a client received: the frame's text (parsed as JSON first) or an already parsed
 * value. Returns the typed message or a `SyncMessageError`. Fields the message does not define are dropped.
 */
export const decodeServerMessage = (input: unknown): DecodeResult<ServerMessage> => decodeWith('server', SERVER_DECODERS, input)

/** The frame text of a message (JSON). */
export const encodeMessage = (message: ClientMessage | ServerMessage): string => JSON.stringify(message)

// ------------------------------------------------------------------------------------------ push rules

/** An event as `SyncEventSchema` describes it. */
export type SyncEventMessage = typeof SyncEventSchema.Type

/**
 * Checks the rules a push's events must follow beyond their shape: each `seqNum` is its
 * `parentSeqNum + 1`, each event's parent is the previous event's `seqNum`, and every event carries
 * the connection's `clientId` (a client pushes only its own events). Returns what is wrong (the
 * message of an `invalid-events` error), or `undefined` when the events are fine.
 */
export const checkPushEvents = (events: ReadonlyArray<SyncEventMessage>, clientId: string): string | undefined => {
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!
    if (event.seqNum !== event.parentSeqNum + 1) {
      return `events[${i}]: seqNum ${event.seqNum} is not parentSeqNum ${event.parentSeqNum} + 1. Events get the next global number after their parent.`
    }
    const previous = i > 0 ? events[i - 1]! : undefined
    if (previous !== undefined && event.parentSeqNum !== previous.seqNum) {
      return `events[${i}]: parentSeqNum ${event.parentSeqNum} is not the previous event's seqNum ${previous.seqNum}. A push carries consecutive events.`
    }
    if (event.clientId !== clientId) {
      return `events[${i}]: clientId ${JSON.stringify(event.clientId)} is not this connection's clientId ${JSON.stringify(clientId)}. A client pushes only its own events.`
    }
  }
  return undefined
}
