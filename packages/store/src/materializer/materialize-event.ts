import type { DecodedEvent } from '../eventlog/event.js'
import { resolveBindValues, runCompiledQuery, toCompiledQuery, isRawSqlQuery } from '../live-queries/compiled-query.js'
import { compileQuery, isQueryBuilder } from '../query-builder/internal.js'
import type { LiveStoreSchema, MaterializerContext } from '../schema/internal.js'
import type { BindValues, SqliteDb } from '../sqlite/sqlite-db.js'
import { InvalidArgumentError } from '../store/errors.js'

/**
 * Runs the event's materializer against `db` and executes the writes it returns, while a SQLite
 * session records the changes. Must run inside a transaction the caller owns.
 *
 * @returns the changeset of the event (to undo it on rebase); tables written are added to `written`.
 */
export const materializeEvent = (
  db: SqliteDb,
  schema: LiveStoreSchema,
  event: DecodedEvent,
  written: Set<string>,
): Uint8Array => {
  const materializer = schema.materializers.get(event.name)
  const session = db.startSession()
  try {
    if (materializer !== undefined) {
      const ctx: MaterializerContext = {
        query: ((query: unknown) =>
          runCompiledQuery(db, toCompiledQuery(query, `ctx.query in ${event.name}`), event.sessionId, 'ctx.query')) as MaterializerContext['query'],
        db,
        event,
      }
      const result = materializer(event.args, ctx) as unknown
      if (Array.isArray(result)) for (const write of result) executeWrite(db, write, event, written)
      else if (result !== undefined && result !== null) executeWrite(db, result, event, written)
    }
    return session.changeset()
  } finally {
    session.close()
  }
}

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
