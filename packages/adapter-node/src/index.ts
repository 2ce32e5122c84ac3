export { makeAdapter, type NodeAdapterOptions, type NodeStorage } from './make-adapter.js'
export { EventlogUnreadableError, InvalidAdapterOptionsError } from './errors.js'
