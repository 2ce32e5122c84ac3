/**
 * The messages between the app's thread (the session, `makeWorkerAdapter`) and the leader worker
 * (`makeWorker`), version 1. Every message is a plain object `{ v: 1, type, ... }` sent with
 * `postMessage` (structured clone); each side validates what it receives with `parseToWorker` /
 * `parseFromWorker` and turns anything else into a `LeaderProtocolError` instead of crashing.
 *
 * Conversation:
 *
 *     worker → app   ready { schema }                       makeWorker was called; the app compares schemas
 *     app → worker   boot { id, storeId, storage, syncPayload }
 *     worker → app   bootStatus { status }*                 migration / rehydration progress
 *     worker → app   result { id, value: BootResult }       or failure { id, error }
 *     app → worker   push { batch, events, epoch }*         the events one tick committed, in order
 *     worker → app   written { batch }*                     the leader has handled batches up to `batch`
 *     worker → app   leader { message }*                    a LeaderMessage for the session (echoes, rebases, sync status)
 *     app → worker   syncPayload { payload }*               reconnect sync with a new payload (e.g. a refreshed token)
 *     app → worker   request { id, method }                 flush, exportEventlog, syncState, hardReset, shutdown
 *     worker → app   result { id, value } | failure { id, error }
 *     worker → app   log { level, message, error }*         warnings and write failures, for the app's console
 *
 * Requests are answered in any order (by `id`); pushes and requests are handled in the order sent, so
 * a `flush` covers every push sent before it. Errors travel as `SerializedError` and are revived in
 * the app's thread as instances of the same Cairn error classes (same `_tag`, message and fields).
 */
import type { EncodedEvent, LeaderMessage, LeaderSyncState, SchemaFingerprint, SeqNum } from '@cairn/store/adapter'
import {
  CairnError,
  ColumnDecodeError,
  EventDecodeError,
  EventEncodeError,
  InvalidArgumentError,
  InvalidColumnValueError,
  InvalidEventArgsError,
  MaterializerError,
  MissingRequiredColumnError,
  QueryBuilderError,
  QueryError,
  RowNotFoundError,
  SchemaError,
  StoreBootError,
  StoredEventDecodeError,
  StoreShutdownError,
  UnknownEventError,
  UnknownStoredEventError,
  type BootStatus,
} from '@cairn/store'
import { DatabaseLockedError, SqliteError } from '@cairn/sqlite'
import {
  EventlogUnreadableError,
  InvalidAdapterOptionsError,
  LeaderProtocolError,
  LeaderWorkerError,
  WorkerSchemaMismatchError,
} from '../errors.js'
import type { ResolvedStorage } from '../storage.js'

/** The version both sides must speak. Bump it on any incompatible change to the messages below. */
export const PROTOCOL_VERSION = 1

type V = { readonly v: typeof PROTOCOL_VERSION }

/** The requests the app's thread makes after boot, named after the `LeaderThread` methods. */
export type LeaderMethod = 'flush' | 'exportEventlog' | 'syncState' | 'hardReset' | 'shutdown'

/** What booting the worker's leader answers. */
export interface BootResult {
  readonly clientId: string
  readonly storageMode: 'in-memory' | 'persisted'
  /** The persisted state as SQLite file bytes (transferred), or null for a fresh state. */
  readonly state: Uint8Array | null
  /** The events the state's undo segments cover. */
  readonly recentEvents: readonly EncodedEvent[]
  /** The worker's leader has no sync backend: the session is never rewound. */
  readonly neverRewound: boolean
}

/** The value each request resolves with. */
export interface ResultOf {
  readonly boot: BootResult
  readonly flush: null
  readonly exportEventlog: Uint8Array
  readonly syncState: LeaderSyncState
  readonly hardReset: null
  readonly shutdown: null
}

/** App's thread → worker. */
export type ToWorkerMessage =
  | (V & {
      readonly type: 'boot'
      readonly id: number
      readonly storeId: string
      readonly storage: ResolvedStorage
      readonly syncPayload: unknown
    })
  | (V & { readonly type: 'push'; readonly batch: number; readonly events: readonly EncodedEvent[]; readonly epoch: number })
  | (V & { readonly type: 'syncPayload'; readonly payload: unknown })
  | (V & { readonly type: 'request'; readonly id: number; readonly method: LeaderMethod })

/** Worker → app's thread. */
export type FromWorkerMessage =
  | (V & { readonly type: 'ready'; readonly schema: SchemaFingerprint })
  | (V & { readonly type: 'bootStatus'; readonly status: BootStatus })
  | (V & { readonly type: 'written'; readonly batch: number })
  | (V & { readonly type: 'leader'; readonly message: LeaderMessage })
  | (V & { readonly type: 'result'; readonly id: number; readonly value: unknown })
  | (V & { readonly type: 'failure'; readonly id: number; readonly error: SerializedError })
  | (V & { readonly type: 'log'; readonly level: 'warn' | 'error'; readonly message: string; readonly error: SerializedError | null })

/** A message that did not validate: what is wrong with it, and the request it answers if that is known. */
export interface InvalidMessage {
  readonly error: LeaderProtocolError
  readonly id: number | undefined
}

/** The outcome of validating a received message. */
export type Parsed<T> = { readonly ok: true; readonly message: T } | ({ readonly ok: false } & InvalidMessage)

// ---------------------------------------------------------------------------------------- validation

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)
const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0
const isString = (value: unknown): value is string => typeof value === 'string'
const isStringArray = (value: unknown): value is string[] => Array.isArray(value) && value.every(isString)

const isSeqNum = (value: unknown): value is SeqNum =>
  isRecord(value) && isCount(value.global) && isCount(value.client) && isCount(value.rebaseGeneration)

const isEncodedEvent = (value: unknown): value is EncodedEvent =>
  isRecord(value) &&
  isString(value.name) &&
  'args' in value &&
  isSeqNum(value.seqNum) &&
  isSeqNum(value.parentSeqNum) &&
  isString(value.clientId) &&
  isString(value.sessionId) &&
  typeof value.timestamp === 'number' &&
  Number.isFinite(value.timestamp)

const isEventArray = (value: unknown): value is EncodedEvent[] => Array.isArray(value) && value.every(isEncodedEvent)

const isLeaderMessage = (value: unknown): value is LeaderMessage => {
  if (!isRecord(value)) return false
  switch (value._tag) {
    case 'advance':
      return isEventArray(value.events)
    case 'rewind':
      return isSeqNum(value.to) && isEventArray(value.events)
    case 'sync-status':
      return isRecord(value.status) && isString(value.status.connection) && isSeqNum(value.status.confirmedHead)
    case 'shutdown':
      return isString(value.reason)
    default:
      return false
  }
}

const STAGES_WITH_PROGRESS = new Set(['migrating', 'rehydrating', 'syncing'])

const isBootStatus = (value: unknown): value is BootStatus => {
  if (!isRecord(value)) return false
  if (value.stage === 'loading' || value.stage === 'done') return true
  if (!STAGES_WITH_PROGRESS.has(value.stage as string)) return false
  const progress = value.progress
  return isRecord(progress) && isCount(progress.done) && isCount(progress.total)
}

const isStorage = (value: unknown): value is ResolvedStorage =>
  isRecord(value) && (value.type === 'in-memory' || (value.type === 'fs' && isString(value.baseDirectory) && value.baseDirectory.length > 0))

const METHODS = new Set<string>(['flush', 'exportEventlog', 'syncState', 'hardReset', 'shutdown'])

const invalid = (problem: string, data: unknown): { ok: false } & InvalidMessage => {
  const id = isRecord(data) && isCount(data.id) ? data.id : undefined
  return { ok: false, id, error: new LeaderProtocolError(problem) }
}

const describeMessage = (data: unknown): string => {
  if (!isRecord(data)) return `a ${data === null ? 'null' : typeof data} instead of a message object`
  if (data.v === undefined) return `a message that is not of the leader protocol (${preview(data)})`
  return `a message of type ${JSON.stringify(data.type)}`
}

/** Checks the version; `undefined` when it is ours (or when there is none: not a protocol message at all). */
const versionProblem = (data: Record<string, unknown>, sender: string): string | undefined => {
  if (data.v === PROTOCOL_VERSION || data.v === undefined) return undefined
  return (
    `The ${sender} speaks leader protocol version ${preview(data.v)}, this side version ${PROTOCOL_VERSION}: ` +
    `the worker file and the app load different versions of @cairn/adapter-node. Install one version for both.`
  )
}

/** Validates a message the worker received. */
export const parseToWorker = (data: unknown): Parsed<ToWorkerMessage> => {
  const what = `The leader worker received ${describeMessage(data)}`
  if (!isRecord(data)) return invalid(`${what}.`, data)
  const version = versionProblem(data, "app's thread")
  if (version !== undefined) return invalid(version, data)
  switch (data.type) {
    case 'boot':
      if (isCount(data.id) && isString(data.storeId) && isStorage(data.storage) && 'syncPayload' in data) {
        return { ok: true, message: data as ToWorkerMessage }
      }
      return invalid(`${what} without a valid id, storeId or storage.`, data)
    case 'push': {
      if (!isCount(data.batch) || !Array.isArray(data.events) || !isCount(data.epoch)) {
        return invalid(`${what} without a valid batch number, events or epoch.`, data)
      }
      const bad = data.events.findIndex((event) => !isEncodedEvent(event))
      if (bad >= 0) return invalid(`${what} whose event #${bad} is not an encoded event: ${preview(data.events[bad])}.`, data)
      return { ok: true, message: data as ToWorkerMessage }
    }
    case 'syncPayload':
      if ('payload' in data) return { ok: true, message: data as ToWorkerMessage }
      return invalid(`${what} without a payload.`, data)
    case 'request':
      if (isCount(data.id) && METHODS.has(data.method as string)) return { ok: true, message: data as ToWorkerMessage }
      return invalid(`${what} without a valid id, or for the unknown method ${JSON.stringify(data.method)}.`, data)
    default:
      return invalid(data.v === undefined ? `${what}.` : `${what}, which it does not know.`, data)
  }
}

/** Validates a message the app's thread received from the worker. */
export const parseFromWorker = (data: unknown): Parsed<FromWorkerMessage> => {
  const what = `The app's thread received ${describeMessage(data)} from the leader worker`
  if (!isRecord(data)) return invalid(`${what}.`, data)
  const version = versionProblem(data, 'leader worker')
  if (version !== undefined) return invalid(version, data)
  switch (data.type) {
    case 'ready': {
      const schema = data.schema
      if (isRecord(schema) && isString(schema.stateHash) && isStringArray(schema.eventNames)) return { ok: true, message: data as FromWorkerMessage }
      return invalid(`${what} without a valid schema fingerprint.`, data)
    }
    case 'bootStatus':
      if (isBootStatus(data.status)) return { ok: true, message: data as FromWorkerMessage }
      return invalid(`${what} with an invalid status ${preview(data.status)}.`, data)
    case 'written':
      if (isCount(data.batch)) return { ok: true, message: data as FromWorkerMessage }
      return invalid(`${what} without a valid batch number.`, data)
    case 'leader':
      if (isLeaderMessage(data.message)) return { ok: true, message: data as FromWorkerMessage }
      return invalid(`${what} with an invalid leader message ${preview(data.message)}.`, data)
    case 'result':
      if (isCount(data.id) && 'value' in data) return { ok: true, message: data as FromWorkerMessage }
      return invalid(`${what} without a valid id or value.`, data)
    case 'failure':
      if (isCount(data.id) && isSerializedError(data.error)) return { ok: true, message: data as FromWorkerMessage }
      return invalid(`${what} without a valid id or error.`, data)
    case 'log':
      if ((data.level === 'warn' || data.level === 'error') && isString(data.message) && (data.error === null || isSerializedError(data.error))) {
        return { ok: true, message: data as FromWorkerMessage }
      }
      return invalid(`${what} with an invalid level, message or error.`, data)
    default:
      return invalid(data.v === undefined ? `${what}.` : `${what}, which it does not know.`, data)
  }
}

/**
 * Checks the value of a `result` against what `method` resolves with; returns it typed, or a
 * `LeaderProtocolError`.
 */
export const checkResult = <M extends keyof ResultOf>(method: M, value: unknown): ResultOf[M] | LeaderProtocolError => {
  const ok = (() => {
    switch (method) {
      case 'boot':
        return (
          isRecord(value) &&
          isString(value.clientId) &&
          (value.storageMode === 'in-memory' || value.storageMode === 'persisted') &&
          (value.state === null || value.state instanceof Uint8Array) &&
          isEventArray(value.recentEvents) &&
          typeof value.neverRewound === 'boolean'
        )
      case 'exportEventlog':
        return value instanceof Uint8Array
      case 'syncState':
        return isRecord(value) && isSeqNum(value.localHead) && isCount(value.eventCount)
      default:
        return value === null
    }
  })()
  if (ok) return value as ResultOf[M]
  return new LeaderProtocolError(`The leader worker answered ${method} with ${preview(value)}, which is not what ${method} returns.`)
}

const preview = (value: unknown): string => {
  if (value instanceof Uint8Array) return `${value.length} bytes`
  try {
    const text = JSON.stringify(value)
    if (text === undefined) return String(value)
    return text.length > 120 ? `${text.slice(0, 117)}...` : text
  } catch {
    return Object.prototype.toString.call(value)
  }
}

// ---------------------------------------------------------------------------------------- errors

/** A plain value an error carries as an own property (`eventName`, `seqNum`, `path`, `code`, ...). */
export type ErrorField = string | number | boolean | null | undefined | readonly string[]

/** An error as it crosses threads. */
export interface SerializedError {
  readonly name: string
  readonly message: string
  readonly stack: string | null
  /** The `_tag` of a Cairn error. */
  readonly tag: string | null
  /** The error's own plain-valued properties. */
  readonly fields: Readonly<Record<string, ErrorField>>
  readonly cause: SerializedError | null
}

const RESERVED = new Set(['name', 'message', 'stack', 'cause', '_tag'])
const MAX_CAUSE_DEPTH = 8

const isErrorField = (value: unknown): value is ErrorField =>
  value === null || value === undefined || ['string', 'number', 'boolean'].includes(typeof value) || isStringArray(value)

const isSerializedError = (value: unknown, depth = 0): value is SerializedError =>
  isRecord(value) &&
  isString(value.name) &&
  isString(value.message) &&
  (value.stack === null || isString(value.stack)) &&
  (value.tag === null || isString(value.tag)) &&
  isRecord(value.fields) &&
  Object.values(value.fields).every(isErrorField) &&
  (value.cause === null || (depth < MAX_CAUSE_DEPTH && isSerializedError(value.cause, depth + 1)))

/** Turns anything thrown into a `SerializedError`: message, name, stack, `_tag`, plain fields and causes. */
export const serializeError = (error: unknown, depth = 0): SerializedError => {
  if (typeof error !== 'object' || error === null || typeof (error as { message?: unknown }).message !== 'string') {
    return { name: 'Error', message: typeof error === 'string' ? error : preview(error), stack: null, tag: null, fields: {}, cause: null }
  }
  const record = error as Record<string, unknown> & { message: string }
  const fields: Record<string, ErrorField> = {}
  for (const key of Object.keys(record)) {
    const value = record[key]
    if (!RESERVED.has(key) && isErrorField(value)) fields[key] = Array.isArray(value) ? [...(value as string[])] : value
  }
  const cause = record.cause
  return {
    name: isString(record.name) ? record.name : 'Error',
    message: record.message,
    stack: isString(record.stack) ? record.stack : null,
    tag: isString(record._tag) ? record._tag : null,
    fields,
    cause: cause === undefined || cause === null || depth >= MAX_CAUSE_DEPTH ? null : serializeError(cause, depth + 1),
  }
}

/** A Cairn error from the worker whose class this thread does not know; `_tag` tells what it is. */
class ForwardedCairnError extends CairnError {
  declare readonly _tag: string
}

/** The Cairn error classes revived as themselves, by `_tag` (each class's tag is its name). */
const CAIRN_ERRORS: Readonly<Record<string, abstract new (...args: never[]) => Error>> = {
  ColumnDecodeError,
  DatabaseLockedError,
  EventDecodeError,
  EventEncodeError,
  EventlogUnreadableError,
  InvalidAdapterOptionsError,
  InvalidArgumentError,
  InvalidColumnValueError,
  InvalidEventArgsError,
  LeaderProtocolError,
  LeaderWorkerError,
  MaterializerError,
  MissingRequiredColumnError,
  QueryBuilderError,
  QueryError,
  RowNotFoundError,
  SchemaError,
  SqliteError,
  StoreBootError,
  StoredEventDecodeError,
  StoreShutdownError,
  UnknownEventError,
  UnknownStoredEventError,
  WorkerSchemaMismatchError,
}

const STANDARD_ERRORS: Readonly<Record<string, ErrorConstructor>> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
}

/**
 * The error of the worker, rebuilt in this thread: an instance of the same class when it is one of
 * Cairn's (so `instanceof DatabaseLockedError` holds) or a standard one, with the same `_tag`, name,
 * message, fields, stack (the worker's) and cause. The class's constructor is not run: the error is
 * made by `Error` with the class as `new.target`, and the properties are copied over.
 */
export const reviveError = (serialized: SerializedError): Error => {
  const cause = serialized.cause === null ? undefined : reviveError(serialized.cause)
  const target =
    serialized.tag === null ? (STANDARD_ERRORS[serialized.name] ?? Error) : (CAIRN_ERRORS[serialized.tag] ?? ForwardedCairnError)
  const args = cause === undefined ? [serialized.message] : [serialized.message, { cause }]
  const error = Reflect.construct(Error, args, target) as Error & Record<string, unknown>
  if (error.name !== serialized.name) error.name = serialized.name
  if (serialized.tag !== null) error._tag = serialized.tag
  for (const [key, value] of Object.entries(serialized.fields)) error[key] = value
  if (serialized.stack !== null) error.stack = serialized.stack
  return error
}
