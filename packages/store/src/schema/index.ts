/**
 * Public schema API, re-exported by the package index: `Schema`, `Events`, `State`, `makeSchema`,
 * `SessionIdSymbol`, their types and errors.
 */
export * as Schema from './effect-schema.js'
export * as State from './state.js'
export { Events } from './events.js'
export type { AnyEventDef, EventArgs, EventArgsSchema, EventDef, EventDefOptions, EventPayload } from './events.js'
export { makeSchema } from './make-schema.js'
export type { EventsInput, LiveStoreSchema, MakeSchemaOptions } from './make-schema.js'
export { SessionIdSymbol } from './session-id.js'
export type {
  ClientDocumentId,
  ClientDocumentTableDef,
  ColumnDefinition,
  InsertValues,
  Materializer,
  MaterializerContext,
  MaterializerEvent,
  MaterializerDb,
  MaterializerResult,
  MaterializerWrite,
  MaterializerWrites,
  RowOf,
  SqliteTableDef,
  TableDef,
  UpdateValues,
} from './sqlite/index.js'
export {
  ColumnDecodeError,
  EventDecodeError,
  EventEncodeError,
  InvalidColumnValueError,
  InvalidEventArgsError,
  SchemaError,
} from './errors.js'
export type { ArgsIssue } from './errors.js'
