/**
 * `@cairn/sync-server`: a self-hosted Cairn sync backend. `createSyncServer` serves the WebSocket
 * protocol of docs/protocol.md on top of a `SyncStorage`: `openSqliteStorage` (one SQLite file, the
 * default) or `openPostgresStorage` (several server processes sharing one database).
 */
export {
  createSyncServer,
  type PayloadContext,
  type PullInfo,
  type PushInfo,
  type SyncServer,
  type SyncServerOptions,
} from './server.js'
export { openSqliteStorage, type SqliteStorageOptions } from './sqlite-storage.js'
export type { AppendNotice, AppendRequest, AppendResult, StoredEvent, StoreInfo, SyncStorage } from './storage.js'
export { InvalidSyncServerOptionsError, SyncStorageClosedError, SyncStorageError, SyncStorageOpenError } from './errors.js'
export { openPostgresStorage, type PostgresStorageOptions } from './postgres-storage.js'
