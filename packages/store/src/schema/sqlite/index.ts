/**
 * `State.SQLite`: column types, tables, client documents, materializers and `makeState`.
 */
export { blob, boolean, datetime, datetimeInteger, integer, json, real, text } from './columns.js'
export type {
  AnyColumn,
  ColumnDefault,
  ColumnDefaultInput,
  ColumnDefinition,
  ColumnKind,
  ColumnOptions,
  SqlDefault,
  SqlType,
} from './column-def.js'
export { table } from './table.js'
export type { AnyTableDef, EncodedRowOf, TableDef, TableDefExtras, TableOptions } from './table.js'
export type {
  AnySqliteTableDef,
  ColumnName,
  ColumnType,
  Columns,
  IndexDef,
  InsertValues,
  RowOf,
  SqliteTableDef,
  UpdateValues,
} from './table-def.js'
export { clientDocument } from './client-document.js'
export type {
  ClientDocumentExtras,
  ClientDocumentId,
  ClientDocumentOptions,
  ClientDocumentSetArgs,
  ClientDocumentSetValue,
  ClientDocumentSqliteDef,
  ClientDocumentTableDef,
} from './client-document.js'
export { materializers } from './materializers.js'
export type {
  EventDefRecord,
  Materializer,
  MaterializerDb,
  MaterializerContext,
  MaterializerEvent,
  MaterializerHandlers,
  MaterializerQuery,
  MaterializerResult,
  MaterializerSeqNum,
  MaterializerWrite,
  MaterializerWrites,
  Materializers,
  RawQuery,
  RawWrite,
} from './materializers.js'
export { makeState } from './make-state.js'
export type { MakeStateOptions, State, TablesInput } from './make-state.js'
