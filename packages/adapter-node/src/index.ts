export { makeAdapter, type NodeAdapterOptions, type NodeStorage } from './make-adapter.js'
