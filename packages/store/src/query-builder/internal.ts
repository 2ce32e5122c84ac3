/**
 * What the store uses from the query builder: compiling builders to SQL and recognising them.
 * Not re-exported by the package index.
 */
export * from './index.js'
export { compileQuery, isQueryBuilder } from './compile.js'
export type { CompiledBindValue, CompiledQuery, RowInsert } from './types.js'
export { isTableDef } from '../schema/sqlite/table.js'
export { QueryBuilderTypeId } from './type-id.js'
export {
  incrementalRead,
  MAX_PATCH_ROWIDS,
  ROWID_COLUMN,
  sortKeyColumn,
  storeRead,
  UNKNOWN_ELEMENT,
  type IncrementalRead,
  type StoreRead,
} from './live-read.js'
