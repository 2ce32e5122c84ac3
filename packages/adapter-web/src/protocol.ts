/**
 * The messages between a tab, the shared worker and the leader worker, version 2. Every message is a
 * plain object `{ v: 1, type, ... }` sent with `postMessage` (structured clone, ports transferred).
 *
 * Three conversations:
 *
 *   tab ↔ its leader worker (`worker.postMessage`), only in the tab that holds the leader lock:
 *     worker → tab   ready { schema }                      makeWorker was called; the tab compares schemas
 *     tab → worker   start { storeId, storage, resetPersistence, syncPayload, unwritten }
 *                                                         unwritten: what the previous leader tab left unwritten
 *     worker → tab   bootStatus { status }* then started { storageMode, warning, restored } | failed { error }
 *     tab → worker   sessions { port }                     a port on which `session { port }` messages arrive
 *     worker → tab   log { level, message, error }*        for the leader tab's console
 *     tab → worker   stop                                  write, close, release OPFS; answered by stopped
 *
 *   tab ↔ shared worker (`sharedWorker.port`), every tab:
 *     tab → shared   leader { key, port }                  this tab's worker now leads store `key` (a `sessions` port)
 *     tab → shared   session { key, connection }           connect this session to the leader of `key`
 *     shared → tab   connect { key, port }*                a channel to the (new) leader; again when the leader changes
 *     tab → shared   bye { key, connection }               the tab is going away
 *   shared → worker  session { port }                      over the `sessions` port: a new session channel
 *
 *   session ↔ leader worker (one MessageChannel per session and leader):
 *     session → leader  hello { id, sessionId, resume }    answered by result { id, value: Hello }, then
 *                                                         message { advance } with the events after the
 *                                                         session's state (resume: null, booting) or
 *                                                         after `resume.head` (a new leader), or
 *                                                         message { rewind } to `resume.confirmed` when
 *                                                         the eventlog no longer holds that head (a
 *                                                         rebase the session missed); from then on the
 *                                                         session gets every message of the leader
 *     session → leader  push { batch, events, epoch }      the events one tick committed, in order
 *     leader → session  written { batch }                  batches up to `batch` are handled
 *     session → leader  request { id, method }             answered by result { id, value } | failure { id, error }
 *     session → leader  syncPayload { id, payload }        reconnect sync with a new payload; answered the same way
 *     leader → session  message { message }               a LeaderMessage (advance, rewind, sync-status, shutdown)
 *     leader → session  log { level, message, error }
 *
 * On a new leader's channel a session says hello with the last head the previous leader told it
 * of, then re-sends every batch not yet `written` and every request not yet answered. The leader
 * drops re-sent events it already has (the previous leader wrote them to the same OPFS files), so a
 * change of leader neither loses nor duplicates events; the catch-up tells the session what it
 * missed, and events the previous leader never wrote are pushed again.
 */
import type { BootStatus, EncodedEvent, LeaderMessage, LeaderSyncState, SchemaFingerprint, SeqNum } from '@cairn/store/adapter'
import { CairnError } from '@cairn/store'
import { LeaderProtocolError } from './errors.js'

/** The version every side must speak. Bump it on any incompatible change to the messages below. */
export const PROTOCOL_VERSION = 2

type V = { readonly v: typeof PROTOCOL_VERSION }

/** Where the leader keeps a store: `<directory>/<storeId>` in OPFS (in memory where OPFS is missing). */
export type LeaderStorage = { readonly type: 'opfs'; readonly directory: string }

/** What a session learns when it says hello. */
export interface Hello {
  readonly clientId: string
  readonly storageMode: 'in-memory' | 'persisted'
  /** Why the store is not persisted although OPFS storage was asked for, for every tab's console. */
  readonly warning: string | null
  /** The leader's state as SQLite file bytes when booting (`null`: an empty state, or resuming). */
  readonly state: Uint8Array | null
  /** The events the state's undo segments cover (see `ClientSession.recentEvents`); empty when resuming. */
  readonly recentEvents: readonly EncodedEvent[]
  /** The head of `state` (or the `resume` head): the catch-up that follows starts after it. */
  readonly head: SeqNum
}

/**
 * Where a session stands when it resumes with a new leader: the last head the previous leader told
 * it of, the session of that head's event (`null` when it does not know it), and the backend's
 * confirmed head as it last heard (never rebased, so it can always roll back to there).
 */
export interface Resume {
  readonly head: SeqNum
  readonly headSessionId: string | null
  readonly confirmed: SeqNum
}

/** The requests a session makes, named after the `LeaderThread` methods. */
export type LeaderMethod = 'flush' | 'exportEventlog' | 'syncState' | 'hardReset' | 'shutdown'

/** The value each request resolves with. */
export interface ResultOf {
  readonly hello: Hello
  readonly flush: null
  readonly exportEventlog: Uint8Array
  readonly syncState: LeaderSyncState
  readonly hardReset: null
  readonly shutdown: null
  readonly syncPayload: null
}

/** Tab → its leader worker. */
export type ToWorker =
  | (V & {
      readonly type: 'start'
      readonly storeId: string
      readonly storage: LeaderStorage
      readonly resetPersistence: boolean
      readonly syncPayload: unknown
      /** Batches the previous leader tab had not written when its page went away (see ./unwritten-events.ts). */
      readonly unwritten: readonly (readonly EncodedEvent[])[]
    })
  | (V & { readonly type: 'sessions'; readonly port: MessagePort })
  | (V & { readonly type: 'stop' })
  /** The tab's `online` / `offline` event, re-dispatched in the worker (see `forwardNetworkEvents`). */
  | (V & { readonly type: 'network'; readonly online: boolean })

/** Leader worker → its tab. */
export type FromWorker =
  | (V & { readonly type: 'ready'; readonly schema: SchemaFingerprint })
  | (V & { readonly type: 'bootStatus'; readonly status: BootStatus })
  | (V & {
      readonly type: 'started'
      readonly storageMode: 'in-memory' | 'persisted'
      readonly warning: string | null
      /** How many of the `unwritten` events it wrote (the others were there already); `null` when writing them failed. */
      readonly restored: number | null
    })
  | (V & { readonly type: 'failed'; readonly error: SerializedError })
  | (V & { readonly type: 'stopped' })
  | LogMessage

/** Tab → shared worker. */
export type ToShared =
  | (V & { readonly type: 'leader'; readonly key: string; readonly port: MessagePort })
  | (V & { readonly type: 'session'; readonly key: string; readonly connection: string })
  | (V & { readonly type: 'bye'; readonly key: string; readonly connection: string })

/** Shared worker → tab. */
export type FromShared = V & { readonly type: 'connect'; readonly key: string; readonly port: MessagePort }

/** Shared worker (or, without one, the tab) → leader worker, over a `sessions` port. */
export type ToSessions = V & { readonly type: 'session'; readonly port: MessagePort }

/** Session → leader. */
export type ToLeader =
  | (V & { readonly type: 'hello'; readonly id: number; readonly sessionId: string; readonly resume: Resume | null })
  | (V & { readonly type: 'push'; readonly batch: number; readonly events: readonly EncodedEvent[]; readonly epoch: number })
  | (V & { readonly type: 'request'; readonly id: number; readonly method: LeaderMethod })
  | (V & { readonly type: 'syncPayload'; readonly id: number; readonly payload: unknown })

/** Leader → session. */
export type FromLeader =
  | (V & { readonly type: 'written'; readonly batch: number })
  | (V & { readonly type: 'result'; readonly id: number; readonly value: unknown })
  | (V & { readonly type: 'failure'; readonly id: number; readonly error: SerializedError })
  | (V & { readonly type: 'message'; readonly message: LeaderMessage })
  | LogMessage

/** A warning or error for the console of the tab that receives it. */
export type LogMessage = V & {
  readonly type: 'log'
  readonly level: 'warn' | 'error'
  readonly message: string
  readonly error: SerializedError | null
}

const TYPES = {
  worker: new Set(['start', 'sessions', 'stop', 'network']),
  tab: new Set(['ready', 'bootStatus', 'started', 'failed', 'stopped', 'log']),
  shared: new Set(['leader', 'session', 'bye']),
  fromShared: new Set(['connect']),
  sessions: new Set(['session']),
  leader: new Set(['hello', 'push', 'request', 'syncPayload']),
  session: new Set(['written', 'result', 'failure', 'message', 'log']),
} as const

/** Who receives a message, for `parse`. */
export type Receiver = keyof typeof TYPES

/**
 * Checks that `data` is a message of our protocol version that `receiver` handles. The senders are
 * Cairn's own code, so the fields are trusted; what is checked is that both ends are Cairn of the
 * same protocol version (a stale worker file after a deploy is the likely mismatch).
 */
export const parse = <T>(receiver: Receiver, data: unknown): T | LeaderProtocolError => {
  const message = data as { v?: unknown; type?: unknown } | null
  if (typeof message !== 'object' || message === null || message.v === undefined) {
    return new LeaderProtocolError(`The ${receiver} received a message that is not of Cairn's web adapter protocol.`)
  }
  if (message.v !== PROTOCOL_VERSION) {
    return new LeaderProtocolError(
      `The ${receiver} received a message of protocol version ${String(message.v)}, it speaks version ${PROTOCOL_VERSION}: ` +
        `the page and its worker files come from different versions of @cairn/adapter-web. Reload the page; rebuild the app if it persists.`,
    )
  }
  if (!TYPES[receiver].has(message.type as never)) {
    return new LeaderProtocolError(`The ${receiver} received a message of the unknown type ${JSON.stringify(message.type)}.`)
  }
  return data as T
}

// ---------------------------------------------------------------------------------------- errors

/** An error as it crosses threads: what makes it recognisable (`_tag`, fields) and readable. */
export interface SerializedError {
  readonly name: string
  readonly message: string
  readonly stack: string | null
  readonly tag: string | null
  readonly fields: Readonly<Record<string, unknown>>
  readonly cause: SerializedError | null
}

const RESERVED = new Set(['name', 'message', 'stack', 'cause', '_tag'])

const isPlain = (value: unknown): boolean =>
  value === null || ['string', 'number', 'boolean', 'undefined'].includes(typeof value) || (Array.isArray(value) && value.every((item) => typeof item === 'string'))

/** Turns anything thrown into a `SerializedError`: message, name, stack, `_tag`, plain fields and causes. */
export const serializeError = (error: unknown, depth = 0): SerializedError => {
  if (typeof error !== 'object' || error === null || typeof (error as { message?: unknown }).message !== 'string') {
    return { name: 'Error', message: String(error), stack: null, tag: null, fields: {}, cause: null }
  }
  const record = error as Record<string, unknown> & { message: string }
  const fields: Record<string, unknown> = {}
  for (const key of Object.keys(record)) if (!RESERVED.has(key) && isPlain(record[key])) fields[key] = record[key]
  const cause = record.cause
  return {
    name: typeof record.name === 'string' ? record.name : 'Error',
    message: record.message,
    stack: typeof record.stack === 'string' ? record.stack : null,
    tag: typeof record._tag === 'string' ? record._tag : null,
    fields,
    cause: cause === undefined || cause === null || depth >= 8 ? null : serializeError(cause, depth + 1),
  }
}

/** A Cairn error from another thread whose class this side does not list; `_tag` tells what it is. */
class ForwardedCairnError extends CairnError {
  declare readonly _tag: string
}

/**
 * The error of another thread, rebuilt here: an instance of the class of `classes` with its `_tag`
 * (so `instanceof` and `_tag` checks hold), else a `CairnError` for any tagged error, with the same
 * name, message, fields, stack and cause. The class's constructor is not run; the fields are copied.
 */
export const reviveError = (serialized: SerializedError, classes: Readonly<Record<string, abstract new (...args: never[]) => Error>>): Error => {
  const cause = serialized.cause === null ? undefined : reviveError(serialized.cause, classes)
  const target = serialized.tag === null ? Error : (classes[serialized.tag] ?? ForwardedCairnError)
  const error = Reflect.construct(Error, cause === undefined ? [serialized.message] : [serialized.message, { cause }], target) as Error &
    Record<string, unknown>
  if (error.name !== serialized.name) error.name = serialized.name
  if (serialized.tag !== null) error._tag = serialized.tag
  for (const [key, value] of Object.entries(serialized.fields)) error[key] = value
  if (serialized.stack !== null) error.stack = serialized.stack
  return error
}
