import { CairnError } from '../errors.js'

/**
 * A query builder was used in a way that cannot become valid SQL: an unknown column, an operator
 * that does not take the given value, an update with nothing to set, a negative limit...
 * Thrown when the builder method is called, so the stack points at the offending code.
 */
export class QueryBuilderError extends CairnError {
  readonly _tag = 'QueryBuilderError'
  constructor(
    readonly tableName: string,
    detail: string,
  ) {
    super(`Invalid query on table "${tableName}": ${detail}`)
  }
}

/** An insert leaves out a column that is required: not nullable, no default, not an integer primary key. */
export class MissingRequiredColumnError extends CairnError {
  readonly _tag = 'MissingRequiredColumnError'
  constructor(
    readonly tableName: string,
    readonly columnName: string,
  ) {
    super(
      `Cannot insert into "${tableName}": column "${columnName}" is required (not nullable and without default). ` +
        `Pass a value for it, or give the column a default / make it nullable.`,
    )
  }
}

/** `first({ behaviour: 'error' })` found no row. */
export class RowNotFoundError extends CairnError {
  readonly _tag = 'RowNotFoundError'
  constructor(
    readonly tableName: string,
    readonly sql: string,
  ) {
    super(
      `No row found in "${tableName}" for a query that requires one (first({ behaviour: 'error' })).\nSQL: ${sql}\n` +
        `Use first() to get undefined, or first({ fallback: () => value }) to get a default instead.`,
    )
  }
}
