import { CairnError } from '../errors.js'

/** `store.commit` got an event whose name the schema does not define. */
export class UnknownEventError extends CairnError {
  readonly _tag = 'UnknownEventError'
  constructor(readonly eventName: string) {
    super(
      `Unknown event "${eventName}": the store's schema defines no such event. ` +
        `Commit events created with the schema's event definitions (e.g. events.todoCreated({...})), ` +
        `or add the event to the \`events\` passed to makeSchema.`,
    )
  }
}

/** A materializer threw, or wrote something SQLite refused. Nothing of the commit was stored. */
export class MaterializerError extends CairnError {
  readonly _tag = 'MaterializerError'
  constructor(
    readonly eventName: string,
    readonly seqNum: string,
    cause: unknown,
  ) {
    super(
      `The materializer of event "${eventName}" (${seqNum}) failed: ${describe(cause).replace(/\.$/, '')}. ` +
        `The commit was rolled back: no event of it was stored and the state is unchanged. ` +
        `Fix the materializer or the event arguments.`,
      { cause },
    )
  }
}

/** A query failed to run or its rows did not match its result schema. */
export class QueryError extends CairnError {
  readonly _tag = 'QueryError'
  constructor(
    readonly label: string,
    readonly sql: string | undefined,
    cause: unknown,
  ) {
    const reason = describe(cause)
    // SQLite's errors already quote the statement; do not print it twice.
    const showSql = sql !== undefined && !reason.includes(sql)
    super(
      `Query "${label}" failed: ${reason}${showSql ? `\nSQL: ${sql}` : ''}\n` +
        `Check the SQL against your tables and that the result schema matches the selected columns.`,
      { cause },
    )
  }
}

/** The store was used after `shutdown()` (or after a hard reset). */
export class StoreShutdownError extends CairnError {
  readonly _tag = 'StoreShutdownError'
  constructor(readonly storeId: string, action: string) {
    super(`Cannot ${action}: store "${storeId}" has been shut down. Create a new store with createStorePromise.`)
  }
}

/** Something given to the store is not what it expects (e.g. not a query). */
export class InvalidArgumentError extends CairnError {
  readonly _tag = 'InvalidArgumentError'
}

/** Booting the store failed (adapter or `boot` callback). */
export class StoreBootError extends CairnError {
  readonly _tag = 'StoreBootError'
  constructor(readonly storeId: string, cause: unknown) {
    super(`Store "${storeId}" failed to boot: ${describe(cause)}`, { cause })
  }
}

/** A short description of whatever was thrown. */
export const describe = (cause: unknown): string =>
  cause instanceof Error ? cause.message : typeof cause === 'string' ? cause : JSON.stringify(cause)
