// The options of createSyncServer and the server it returns: types, defaults and validation.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http'
import { DEFAULT_LIMITS, type SyncEvent, type SyncLimits } from '@cairn/store/sync'
import { InvalidSyncServerOptionsError } from './errors.js'
import type { SyncStorage } from './storage.js'
import { MIN_MESSAGE_BYTES } from './frames.js'

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
  /**
   * Answers the HTTP requests the server does not (every one but `GET /health` and the WebSocket
   * upgrade on `/sync`), e.g. to serve the app's files from the same origin. Default: 404. Errors it
   * throws go to `onError` and the request gets a 500 if nothing was sent yet.
   */
  readonly onRequest?: (request: IncomingMessage, response: ServerResponse) => void | Promise<void>
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


export const resolveLimits = (limits: Partial<SyncLimits> | undefined): SyncLimits => {
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

/** The methods every `SyncStorage` has (the rest are optional). */
const STORAGE_METHODS = ['openStore', 'append', 'read', 'clientIdOwner', 'close'] as const

export const checkOptions = (options: SyncServerOptions): void => {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidSyncServerOptionsError(`createSyncServer takes an options object ({ port?, host?, storage?, ... }), got ${String(options)}.`)
  }
  const { port, host, idleTimeoutMs, storage } = options
  if (storage !== undefined) {
    const missing = STORAGE_METHODS.filter((method) => typeof (storage as Partial<SyncStorage> | null)?.[method] !== 'function')
    if (missing.length > 0) {
      throw new InvalidSyncServerOptionsError(
        `storage must be a SyncStorage (e.g. from openSqliteStorage or openPostgresStorage); it lacks ${missing.join(', ')}.`,
      )
    }
  }
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    throw new InvalidSyncServerOptionsError(`port must be an integer from 0 to 65535, got ${String(port)}.`)
  }
  if (host !== undefined && (typeof host !== 'string' || host === '')) {
    throw new InvalidSyncServerOptionsError(`host must be a non-empty string, got ${String(host)}.`)
  }
  if (idleTimeoutMs !== undefined && (!Number.isFinite(idleTimeoutMs) || idleTimeoutMs < 100)) {
    throw new InvalidSyncServerOptionsError(`idleTimeoutMs must be a number of milliseconds of at least 100, got ${String(idleTimeoutMs)}.`)
  }
  for (const hook of ['validatePayload', 'onPush', 'onPull', 'onError', 'onRequest'] as const) {
    if (options[hook] !== undefined && typeof options[hook] !== 'function') {
      throw new InvalidSyncServerOptionsError(`${hook} must be a function, got ${typeof options[hook]}.`)
    }
  }
}

