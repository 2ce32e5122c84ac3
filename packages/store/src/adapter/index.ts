/**
 * The toolkit for adapter authors (`@cairn/store/adapter`): what a platform adapter needs to give a
 * store its databases and leader, plus the few helpers framework bindings (`@cairn/react`) share with
 * the store. App code does not need this module.
 */
export type {
  Adapter,
  AdapterArgs,
  BootStatus,
  ClientSession,
  LeaderMessage,
  LeaderSyncState,
  LeaderSyncStatus,
  LeaderThread,
} from './adapter.js'
export type { EncodedEvent } from '../eventlog/event.js'
export { ROOT_SEQ_NUM, compareSeqNum, nextSeqNum, sameSeqNum, seqNumToString, type SeqNum } from '../eventlog/seq-num.js'
export { appendEvents, countEventsAfter, eventlogHead, initializeEventlogDb, readEvents } from '../eventlog/eventlog-db.js'
export { initializeStateDb, readStateHead, readUndoSegments, type UndoSegment } from '../materializer/state-db.js'
export { consoleLeaderLog, makeLeader, type Leader, type LeaderLog, type LeaderOptions } from '../leader/leader.js'
export type { SyncOptions } from '../sync/sync-options.js'
export { renumber } from '../sync/merge.js'
export { makeUnknownEventHandler } from '../leader/unknown-events.js'
export { replayEventlog, type ReplayOptions } from '../materializer/replay.js'
export { STORAGE_FORMAT_VERSION } from '../materializer/state-db.js'
export type { BindValue, BindValues, SqliteDb, SqliteDbFactory, SqliteRow, SqliteSession } from '../sqlite/sqlite-db.js'
export { randomId } from '../utils/random-id.js'
export { isLiveQueryDef } from '../live-queries/live-query-def.js'
export { deepEqual } from '../utils/deep-equal.js'
export {
  describeSchemaDifference,
  schemaDifference,
  schemaFingerprint,
  type SchemaDifference,
  type SchemaFingerprint,
} from './schema-fingerprint.js'
