import type { DecodedEvent } from '../eventlog/event.js'
import { runCompiledQuery, toCompiledQuery } from '../live-queries/compiled-query.js'
import * as Effect from 'effect/Effect'
import { isQueryBuilder } from '../query-builder/internal.js'
import type { LiveStoreSchema, MaterializerContext, MaterializerDb } from '../schema/internal.js'
import type { SqliteDb } from '../sqlite/sqlite-db.js'
import { InvalidArgumentError } from '../store/errors.js'

/** What a materializer's reads (`ctx.query`) and direct writes (`ctx.db`) need from the caller. */
export interface DirectWrites {
  /** Called before `ctx.db` writes, e.g. to open the transaction they must happen in. */
  readonly beforeWrite: () => void
  /** Called before `ctx.query` and `ctx.db` run: writes earlier events returned may still be held back. */
  readonly flush: () => void
  /** Tables written, to refresh the queries reading them. */
  readonly written: Set<string>
}

/** Runs an event's materializer and returns the writes it asks for, without executing them. */
export type MaterializerRunner = (event: DecodedEvent) => readonly unknown[]

/**
 * A runner of materializers for one transaction. `ctx.query` reads the current state (including
 * earlier events of the same transaction); `ctx.db` writes right away, inside the caller's
 * transaction (`direct.beforeWrite` opens it). One context serves every event the runner runs (its
 * `event` is the one being materialized), so a replay does not allocate one per event.
 */
export const makeMaterializerRunner = (db: SqliteDb, schema: LiveStoreSchema, direct: DirectWrites): MaterializerRunner => {
  // A data property swapped per event: an accessor would make creating the context slow in V8.
  const ctx: { -readonly [K in keyof MaterializerContext]: MaterializerContext[K] } = {
    query: ((query: unknown) => {
      const event = ctx.event
      const compiled = toCompiledQuery(query, `ctx.query in ${event.name}`)
      if (db.tablesWritten(compiled.sql).size > 0) {
        throw new InvalidArgumentError(
          `ctx.query in the materializer of "${event.name}" was given a write (${compiled.sql}). ` +
            `ctx.query only reads; return writes from the materializer (or use ctx.db).`,
        )
      }
      direct.flush()
      return runCompiledQuery(db, compiled, event.sessionId, 'ctx.query')
    }) as MaterializerContext['query'],
    db: trackedDb(db, direct),
    event: undefined as unknown as MaterializerContext['event'],
  }
  return (event) => {
    const materializer = schema.materializers.get(event.name)
    if (materializer === undefined) return NO_WRITES
    ctx.event = event
    let result = materializer(event.args, ctx) as unknown
    // Writes and arrays of writes are the common results: only look for an Effect among the rest.
    if (result !== undefined && result !== null && !Array.isArray(result) && !isQueryBuilder(result) && Effect.isEffect(result)) {
      result = Effect.runSync(result as Effect.Effect<unknown, unknown, never>)
    }
    if (Array.isArray(result)) return result
    return result === undefined || result === null ? NO_WRITES : [result]
  }
}

/** `ctx.db`: statements that write open the caller's transaction first and mark their tables written. */
const trackedDb = (db: SqliteDb, direct: DirectWrites): MaterializerDb => {
  const beforeRun = (sql: string): void => {
    direct.flush()
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
