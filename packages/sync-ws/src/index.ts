/**
 * `@cairn/sync-ws`: `makeWsSync({ url })`, the `SyncBackend` that connects Cairn stores to a Cairn
 * sync server (`@cairn/sync-server`) over WebSocket, as docs/protocol.md describes.
 */
export { makeWsSync, type BackoffOptions, type WebSocketConstructor, type WebSocketLike, type WsSyncOptions } from './make-ws-sync.js'
export {
  InvalidPullError,
  InvalidPushError,
  InvalidWsSyncOptionsError,
  SyncConnectionClosedError,
  SyncConnectionLostError,
  SyncProtocolError,
  SyncServerError,
} from './errors.js'
