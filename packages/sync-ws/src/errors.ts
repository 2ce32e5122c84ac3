import { CairnError, type SyncErrorCode } from '@cairn/store/sync'

/** `makeWsSync` was given options it cannot use. */
export class InvalidWsSyncOptionsError extends CairnError {
  readonly _tag = 'InvalidWsSyncOptionsError'
}

/**
 * The connection dropped (or could not be opened) before the server answered. A push that fails with
 * it may or may not have been appended: pull, then push again what is still pending.
 */
export class SyncConnectionLostError extends CairnError {
  readonly _tag = 'SyncConnectionLostError'
  constructor(
    message: string,
    /** The WebSocket close code, when the socket closed. */
    readonly closeCode: number | undefined,
    /** The close reason the server gave, if any. */
    readonly closeReason: string | undefined,
  ) {
    super(message)
  }
}

/**
 * The server answered with a protocol `error` (docs/protocol.md, "Errors"). `fatal` errors
 * (`unauthorized`, `version-mismatch`, `client-id-taken`, `invalid-store-id`) stop the connection
 * for good (status `failed`); the others are retried with backoff or concern one push only.
 */
export class SyncServerError extends CairnError {
  readonly _tag = 'SyncServerError'
  constructor(
    readonly code: SyncErrorCode,
    /** What the server said. */
    readonly serverMessage: string,
    /** The request the error answers (a push), if any. */
    readonly requestId: string | undefined,
    readonly fatal: boolean,
  ) {
    super(`The sync server answered ${code}: ${serverMessage}`)
  }
}

/** `close()` was called: the connection is closed for good. */
export class SyncConnectionClosedError extends CairnError {
  readonly _tag = 'SyncConnectionClosedError'
}

/**
 * `push` was called with events the server would refuse (none, not consecutive, another client's,
 * more than `maxEventsPerPush`, or a frame above `maxMessageBytes`). Nothing was sent.
 */
export class InvalidPushError extends CairnError {
  readonly _tag = 'InvalidPushError'
}

/** The server sent something that is not protocol version 1 (the connection is dropped and retried). */
export class SyncProtocolError extends CairnError {
  readonly _tag = 'SyncProtocolError'
}

/** `SyncConnection.pull` was called a second time, or with a cursor that is not a non-negative integer. */
export class InvalidPullError extends CairnError {
  readonly _tag = 'InvalidPullError'
}
