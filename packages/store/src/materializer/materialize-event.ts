import type { DecodedEvent } from '../eventlog/event.js'
import { resolveBindValues, runCompiledQuery, toCompiledQuery, isRawSqlQuery } from '../live-queries/compiled-query.js'
import { compileQuery, isQueryBuilder } from '../query-builder/internal.js'
import * as Effect from 'effect/Effect'
import type { LiveStoreSchema, MaterializerContext, MaterializerDb } from '../schema/internal.js'
import type { BindValues, SqliteDb } from '../sqlite/sqlite-db.js'
import { InvalidArgumentError } from '../store/errors.js'

/** What a materializer's direct writes (`ctx.db`) need from the caller. */
export interface DirectWrites {
  /** Called before `ctx.db` writes, e.g. to open the transaction they must happen in. */
  readonly beforeWrite: () => void
  /** Tables written, to refresh the queries reading them. */
  readonly written: Set<string>
}

/**
 * Runs the event's materializer and returns the writes it asks for, without executing them.
 * `ctx.query` reads the current state (including earlier events of the same transaction); `ctx.db`
 * writes right away, inside the caller's transaction (`direct.beforeWrite` opens it).
 */
export const runMaterializer = (
  db: SqliteDb,
  schema: LiveStoreSchema,
  event: DecodedEvent,
  direct: DirectWrites,
): readonly unknown[] => {
  const materializer = schema.materializers.get(event.name)
  if (materializer === undefined) return NO_WRITES
  const ctx: MaterializerContext = {
    query: ((query: unknown) => {
      const compiled = toCompiledQuery(query, `ctx.query in ${event.name}`)
      if (db.tablesWritten(compiled.sql).size > 0) {
        throw new InvalidArgumentError(
          `ctx.query in the materializer of "${event.name}" was given a write (${compiled.sql}). ` +
            `ctx.query only reads; return writes from the materializer (or use ctx.db).`,
        )
      }
      return runCompiledQuery(db, compiled, event.sessionId, 'ctx.query')
    }) as MaterializerContext['query'],
    db: trackedDb(db, direct),
    event,
  }
  let result = materializer(event.args, ctx) as unknown
  if (Effect.isEffect(result)) result = Effect.runSync(result as Effect.Effect<unknown, unknown, never>)
  if (Array.isArray(result)) return result
  return result === undefined || result === null ? NO_WRITES : [result]
}

/** `ctx.db`: statements that write open the caller's transaction first and mark their tables written. */
const trackedDb = (db: SqliteDb, direct: DirectWrites): MaterializerDb => {
  const beforeRun = (sql: string): void => {
    const tables = db.tablesWritten(sql)
    if (tables.size === 0) return
    direct.beforeWrite()
    for (const table of tables) direct.written.add(table)
  }
  return {
    execute: (sql, bindValues) => {
      beforeRun(sql)
      return db.execute(sql, bindValues)
    },
    select: (sql, bindValues) => {
      beforeRun(sql)
      return db.select(sql, bindValues)
    },
  }
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
  executeWrites(db, runMaterializer(db, schema, event, { beforeWrite: noop, written }), event, written)

const noop = (): void => {}

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
