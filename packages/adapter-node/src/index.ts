export { makeAdapter, type NodeAdapterOptions } from './make-adapter.js'
export { makeWorkerAdapter, type LeaderWorkerOptions, type WorkerAdapterOptions } from './worker/make-worker-adapter.js'
export { DEFAULT_BASE_DIRECTORY, type NodeStorage } from './storage.js'
export {
  EventlogUnreadableError,
  InvalidAdapterOptionsError,
  LeaderProtocolError,
  LeaderWorkerError,
  WorkerSchemaMismatchError,
  type LeaderWorkerFailure,
} from './errors.js'
