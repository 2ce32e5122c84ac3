export { makeAdapter, type NodeAdapterOptions } from './make-adapter.js'
export { DEFAULT_BASE_DIRECTORY, type NodeStorage } from './storage.js'
export { EventlogUnreadableError, InvalidAdapterOptionsError } from './errors.js'
