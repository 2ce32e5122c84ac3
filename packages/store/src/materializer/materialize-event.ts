import type { DecodedEvent } from '../eventlog/event.js'
import { resolveBindValues, runCompiledQuery, toCompiledQuery, isRawSqlQuery } from '../live-queries/compiled-query.js'
import { compileQuery, isQueryBuilder } from '../query-builder/internal.js'
import type { LiveStoreSchema, MaterializerContext } from '../schema/internal.js'
import type { BindValues, SqliteDb } from '../sqlite/sqlite-db.js'
import { InvalidArgumentError } from '../store/errors.js'

/**
 * Runs the event's materializer and returns the writes it asks for, without executing them.
 * `ctx.query` reads the current state (including earlier events of the same transaction).
 */
export const runMaterializer = (db: SqliteDb, schema: LiveStoreSchema, event: DecodedEvent): readonly unknown[] => {
  const materializer = schema.materializers.get(event.name)
  if (materializer === undefined) return NO_WRITES
  const ctx: MaterializerContext = {
    query: ((query: unknown) => {
      const compiled = toCompiledQuery(query, `ctx.query in ${event.name}`)
      if (db.tablesWritten(compiled.sql).size > 0) {
        throw new InvalidArgumentError(
          `ctx.query in the materializer of "${event.name}" was given a write (${compiled.sql}). ` +
            `ctx.query only reads; return writes from the materializer instead.`,
        )
      }
      return runCompiledQuery(db, compiled, event.sessionId, 'ctx.query')
    }) as MaterializerContext['query'],
    event,
  }
  const result = materializer(event.args, ctx) as unknown
  if (Array.isArray(result)) return result
  return result === undefined || result === null ? NO_WRITES : [result]
}

const NO_WRITES: readonly unknown[] = Object.freeze([])

/**
 * Executes the writes a materializer returned. Must run inside a transaction the caller owns when
 * there is more than one (and within an UndoLog recording where the changes must be undoable).
 * Tables written are added to `written`.
 */
export const executeWrites = (
  db: SqliteDb,
  writes: readonly unknown[],
  event: DecodedEvent,
  written: Set<string>,
): void => {
  for (const write of writes) executeWrite(db, write, event, written)
}

/** Runs the materializer of `event` and executes its writes; the caller owns the transaction. */
export const materializeEvent = (db: SqliteDb, schema: LiveStoreSchema, event: DecodedEvent, written: Set<string>): void =>
  executeWrites(db, runMaterializer(db, schema, event), event, written)

const executeWrite = (db: SqliteDb, write: unknown, event: DecodedEvent, written: Set<string>): void => {
  if (isQueryBuilder(write)) {
    const compiled = compileQuery(write)
    if (compiled.kind !== 'write') {
      throw new InvalidArgumentError(
        `The materializer of "${event.name}" returned a read query (${compiled.sql}). ` +
          `Return writes (insert/update/delete), or use ctx.query to read.`,
      )
    }
    db.execute(compiled.sql, resolveBindValues(compiled.bindValues, event.sessionId))
    written.add(compiled.tableName)
    return
  }
  const raw = asRawWrite(write)
  if (raw === undefined) {
    throw new InvalidArgumentError(
      `The materializer of "${event.name}" returned something that is not a write: expected a query builder ` +
        `write (e.g. tables.todos.insert({...})), { sql, bindValues }, an array of these, or nothing.`,
    )
  }
  db.execute(raw.sql, raw.bindValues)
  for (const table of db.tablesWritten(raw.sql)) written.add(table)
}

/** Materializers may return raw SQL as `{ sql, bindValues }` (or the `{ query, bindValues }` of queries). */
const asRawWrite = (write: unknown): { sql: string; bindValues: BindValues } | undefined => {
  if (typeof write !== 'object' || write === null) return undefined
  const { sql, bindValues } = write as { sql?: unknown; bindValues?: BindValues }
  if (typeof sql === 'string') return { sql, bindValues: bindValues ?? [] }
  if (isRawSqlQuery(write)) return { sql: write.query, bindValues: write.bindValues ?? [] }
  return undefined
}
