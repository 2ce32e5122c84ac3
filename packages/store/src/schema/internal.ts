/**
 * What the store (and other Cairn packages) use from the schema, beyond the public API. Not
 * re-exported by the package index.
 */
export * from './index.js'
export { decodeEventArgs, decodeEventArgsJson, encodeEventArgs, isEventDef } from './events.js'
export { SessionIdSymbol } from './session-id.js'
export { tableDdl, sqlLiteral } from './sqlite/ddl.js'
export { isTableDef, makeTableDef } from './sqlite/table.js'
export type { AnyTableDef } from './sqlite/table.js'
export { isClientDocumentTable } from './sqlite/client-document.js'
export { isState } from './sqlite/make-state.js'
export type { State } from './sqlite/make-state.js'
export { isMaterializers } from './sqlite/materializers.js'
export type {
  Materializer,
  MaterializerContext,
  MaterializerEvent,
  MaterializerResult,
  MaterializerSeqNum,
  MaterializerWrite,
  MaterializerWrites,
  MaterializerDb,
  RawQuery,
  RawWrite,
} from './sqlite/materializers.js'
export { canonicalTable, computeStateHash } from './sqlite/state-hash.js'
export { fnv1a64 } from './hash.js'
export { quoteIdentifier } from './sqlite/identifiers.js'
export { ColumnCodecIssue } from './sqlite/column-codecs.js'
export { isColumnDefinition } from './sqlite/columns.js'
export type { LiveStoreSchema } from './make-schema.js'
