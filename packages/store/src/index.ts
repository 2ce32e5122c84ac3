export * from './schema/index.js'
export * from './query-builder/index.js'
export { CairnError } from './errors.js'
export type {
  BindValue,
  BindValues,
  ColumnAssignment,
  RowChanges,
  RowChangeTracker,
  SqliteDb,
  SqliteDbFactory,
  SqliteRow,
  SqliteSession,
} from './sqlite/sqlite-db.js'
export { queryDb, type DbQueryInput, type DbQueryResult, type QueryDbOptions } from './live-queries/query-db.js'
export { signal, type SignalDef } from './live-queries/signal.js'
export { computed } from './live-queries/computed.js'
export { sql } from './live-queries/sql.js'
export type { LiveQueryDef, LiveQueryResult, GetLiveQuery } from './live-queries/live-query-def.js'
export type { DefSubscribeOptions } from './live-queries/running-stores.js'
export type { RawSqlQuery } from './live-queries/compiled-query.js'
export { createStorePromise, type CreateStoreOptions } from './store/create-store.js'
export { Store, type CommittableEvent, type StoreDevHelpers, type SubscribeOptions, type SyncStates } from './store/store.js'
export {
  InvalidArgumentError,
  MaterializerError,
  QueryError,
  StoreBootError,
  StoreShutdownError,
  UnknownEventError,
} from './store/errors.js'
export type { Adapter, BootStatus } from './adapter/adapter.js'
export { UnknownStoredEventError, type UnknownEventHandling } from './leader/unknown-events.js'
export { StoredEventDecodeError } from './materializer/replay.js'
export type { SeqNum } from './eventlog/seq-num.js'
export type { SyncStatus } from './store/session-sync.js'
export type { InitialSyncOptions, SyncOptions } from './sync/sync-options.js'
export { BackendResetError, SyncUnavailableError } from './sync/sync-errors.js'
export type {
  SyncBackend,
  SyncConnectArgs,
  SyncConnection,
  SyncConnectionStatus,
  SyncEvent,
  SyncEventBatch,
  SyncPushResult,
} from './sync/sync-backend.js'
