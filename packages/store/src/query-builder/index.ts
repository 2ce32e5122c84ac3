/**
 * Public query builder API, re-exported by the package index: builder types and errors. Builders
 * themselves come from tables (`tables.todos.where(...)`).
 */
export type {
  ElementOf,
  FirstOptions,
  OnConflictAction,
  OrderBySpec,
  OrderDirection,
  QueryBuilder,
  QueryBuilderMethod,
  QueryResult,
  TableQueryBuilder,
  WhereConditions,
  WhereOp,
  WhereOpValue,
  WhereValue,
} from './types.js'
export { MissingRequiredColumnError, QueryBuilderError, RowNotFoundError } from './errors.js'
