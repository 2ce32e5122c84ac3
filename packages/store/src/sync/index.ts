/**
 * `@cairn/store/sync`: what sync transports and servers share — the wire protocol of
 * docs/protocol.md (message schemas, decoders, error and close codes, limits, the `storeId` rule)
 * and the `SyncBackend` contract a transport implements. Apps do not need this module; they pass a
 * backend (e.g. `makeWsSync` from `@cairn/sync-ws`) to their adapter.
 */
export { CairnError } from '../errors.js'
export type {
  SyncBackend,
  SyncConnectArgs,
  SyncConnection,
  SyncConnectionStatus,
  SyncEvent,
  SyncEventBatch,
  SyncPushResult,
} from './sync-backend.js'
export * from './protocol.js'
