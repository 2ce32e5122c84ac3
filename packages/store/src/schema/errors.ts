import { CairnError } from '../errors.js'

/**
 * The schema definition is inconsistent (duplicate event or table names, a synced event without
 * materializer, an invalid column combination...). Thrown while the schema is being defined, so the
 * app fails at start-up rather than when the offending event is first committed.
 */
export class SchemaError extends CairnError {
  readonly _tag = 'SchemaError'
}

/** One problem found in event arguments: where (`path`, e.g. `['todo', 'id']`) and what was expected. */
export interface ArgsIssue {
  readonly path: ReadonlyArray<PropertyKey>
  readonly message: string
}

/** Formats a path like `["todo"]["id"]` → `todo.id`; the root is `(root)`. */
export const formatPath = (path: ReadonlyArray<PropertyKey>): string =>
  path.length === 0 ? '(root)' : path.map((key) => (typeof key === 'number' ? `[${key}]` : String(key))).join('.')

const formatIssues = (issues: ReadonlyArray<ArgsIssue>): string =>
  issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`).join('; ')

/**
 * Arguments given to an event definition (`events.todoCreated({...})`) do not match its schema.
 * Nothing was committed. `issues` lists every offending field with what it expected.
 */
export class InvalidEventArgsError extends CairnError {
  readonly _tag = 'InvalidEventArgsError'
  constructor(
    readonly eventName: string,
    readonly issues: ReadonlyArray<ArgsIssue>,
    options?: { cause?: unknown },
  ) {
    super(
      `Invalid arguments for event "${eventName}": ${formatIssues(issues)}. ` +
        `Pass arguments matching the event's schema.`,
      options,
    )
  }
}

/** Stored (encoded) event arguments could not be decoded with the event's current schema. */
export class EventDecodeError extends CairnError {
  readonly _tag = 'EventDecodeError'
  constructor(
    readonly eventName: string,
    readonly issues: ReadonlyArray<ArgsIssue>,
    options?: { cause?: unknown },
  ) {
    super(
      `Cannot decode the stored arguments of event "${eventName}": ${formatIssues(issues)}. ` +
        `Event schemas may only evolve forward-compatibly (add optional fields, remove fields); ` +
        `restore a compatible schema or version the event under a new name.`,
      options,
    )
  }
}

/** Event arguments could not be encoded to JSON with the event's schema. */
export class EventEncodeError extends CairnError {
  readonly _tag = 'EventEncodeError'
  constructor(
    readonly eventName: string,
    readonly issues: ReadonlyArray<ArgsIssue>,
    options?: { cause?: unknown },
  ) {
    super(
      `Cannot encode the arguments of event "${eventName}" to JSON: ${formatIssues(issues)}. ` +
        `Event arguments must match the event's schema.`,
      options,
    )
  }
}

/** A value cannot be stored in a column: wrong type, `null` in a non-nullable column, invalid Date... */
export class InvalidColumnValueError extends CairnError {
  readonly _tag = 'InvalidColumnValueError'
  constructor(
    readonly tableName: string,
    readonly columnName: string,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`Invalid value for column "${tableName}"."${columnName}": ${detail}.`, options)
  }
}

/** A value read from SQLite does not decode with its column's type (e.g. a JSON column holding bad JSON). */
export class ColumnDecodeError extends CairnError {
  readonly _tag = 'ColumnDecodeError'
  constructor(
    readonly tableName: string,
    readonly columnName: string,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(
      `Cannot decode column "${tableName}"."${columnName}": ${detail}. ` +
        `The stored value does not match the column definition; was it written with raw SQL?`,
      options,
    )
  }
}

/**
 * `options` when it is an object; otherwise a `SchemaError` saying what `fn` takes. Typed callers
 * cannot get this wrong, JavaScript callers and generated code can.
 */
export const requireOptions = <T>(options: T, fn: string, shape: string): NonNullable<T> => {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new SchemaError(`${fn} takes an options object ${shape}, got ${options === null ? 'null' : Array.isArray(options) ? 'an array' : typeof options}.`)
  }
  return options as NonNullable<T>
}
