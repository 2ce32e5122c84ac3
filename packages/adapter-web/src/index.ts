/**
 * `@cairn/adapter-web`: Cairn in the browser. `makePersistedAdapter` keeps a store in OPFS through a
 * leader worker elected across tabs; `makeInMemoryAdapter` keeps it in the tab's memory.
 */
export {
  makePersistedAdapter,
  type PersistedAdapterOptions,
  type SharedWorkerConstructor,
  type WebStorage,
  type WorkerConstructor,
} from './persisted-adapter.js'
export { makeInMemoryAdapter, type InMemoryAdapterOptions } from './in-memory-adapter.js'
export {
  InvalidAdapterOptionsError,
  LeaderProtocolError,
  LeaderWorkerError,
  WorkerSchemaMismatchError,
  type LeaderWorkerFailure,
} from './errors.js'
