import type { DecodedEvent } from '../eventlog/event.js'
import { isRawSqlQuery, resolveBindValues } from '../live-queries/compiled-query.js'
import { compileQuery, isQueryBuilder, type RowInsert } from '../query-builder/internal.js'
import type { BindValue, BindValues, RowChangeTracker, SqliteDb } from '../sqlite/sqlite-db.js'
import { InvalidArgumentError } from '../store/errors.js'

/** A queued write failed when it finally ran: `event` is the event whose materializer returned it. */
export class QueuedWriteFailure extends Error {
  readonly _tag = 'QueuedWriteFailure'
  constructor(
    readonly event: DecodedEvent,
    override readonly cause: unknown,
  ) {
    super(`The write of "${event.name}" (${event.id}) failed`, { cause })
  }
}

/**
 * Rows per multi-row statement, largest first. Few sizes keep few statements prepared per shape;
 * 64 rows already make the per-statement cost of SQLite (and of crossing into wasm) negligible.
 */
const ROW_BUCKETS = [64, 8] as const

/** Stays below SQLite's lowest default limit of bound values per statement (999 before 3.32). */
const MAX_BOUND_VALUES = 999

const SAVEPOINT = 'SAVEPOINT cairn_write_queue'
const RELEASE = 'RELEASE cairn_write_queue'
const ROLLBACK_TO = 'ROLLBACK TO cairn_write_queue'

/** Multi-row SQL by row count, per insert shape. */
const multiRowSql = new WeakMap<RowInsert, Map<number, string>>()

const sqlForRows = (shape: RowInsert, rows: number): string => {
  let bySize = multiRowSql.get(shape)
  if (bySize === undefined) {
    bySize = new Map()
    multiRowSql.set(shape, bySize)
  }
  let sql = bySize.get(rows)
  if (sql === undefined) {
    sql = shape.head + Array<string>(rows).fill(shape.row).join(', ') + shape.tail
    bySize.set(rows, sql)
  }
  return sql
}

/**
 * Executes the writes materializers return, in order, inside the caller's transaction. Consecutive
 * inserts of the same shape are held back and run as multi-row INSERT statements: one SQLite
 * statement per row costs more than the row itself. SQLite inserts the rows of one statement one
 * after the other, so conflicts (and ON CONFLICT clauses) behave row by row, exactly as with one
 * statement per row.
 *
 * Held-back rows must run before anything else touches the database: call `flush` before reading
 * (ctx.query), before direct writes (ctx.db) and before the transaction ends. A failing write that
 * was held back throws a `QueuedWriteFailure` naming its event.
 */
export class WriteQueue {
  readonly #db: SqliteDb
  readonly #rowChanges: RowChangeTracker | undefined
  #shape: RowInsert | undefined
  #values: BindValue[] = []
  #events: DecodedEvent[] = []
  /**
   * Kept once a held-back write failed and thrown again by every later call: a materializer that
   * catches what its ctx.query threw must not make the commit forget an earlier event's failure.
   */
  #failure: QueuedWriteFailure | undefined

  /** With `rowChanges`, updates announce what they assign: live queries then need not read those rows back. */
  constructor(db: SqliteDb, rowChanges?: RowChangeTracker) {
    this.#db = db
    this.#rowChanges = rowChanges
  }

  /**
   * Runs or holds back the writes `event`'s materializer returned; tables written are added to
   * `written`. Throws right away (the error is then `event`'s) when a write is not a write or a
   * write that is not held back fails.
   */
  enqueue(writes: readonly unknown[], event: DecodedEvent, written: Set<string>): void {
    if (this.#failure !== undefined) throw this.#failure
    for (let index = 0; index < writes.length; index++) this.#enqueueOne(writes[index], event, written)
  }

  /** Runs every held-back row. */
  flush(): void {
    if (this.#failure !== undefined) throw this.#failure
    const shape = this.#shape
    if (shape === undefined) return
    const values = this.#values
    const events = this.#events
    this.#shape = undefined
    this.#values = []
    this.#events = []
    try {
      if (events.length === 1) this.#runRow(shape, values, events[0]!)
      else this.#runRows(shape, values, events)
    } catch (failure) {
      if (failure instanceof QueuedWriteFailure) this.#failure = failure
      throw failure
    }
  }

  /** Forgets held-back rows and any failure: the caller rolled the transaction back. */
  reset(): void {
    this.#shape = undefined
    this.#values = []
    this.#events = []
    this.#failure = undefined
  }

  #enqueueOne(write: unknown, event: DecodedEvent, written: Set<string>): void {
    const db = this.#db
    if (isQueryBuilder(write)) {
      const compiled = compileQuery(write)
      if (compiled.kind !== 'write') {
        throw new InvalidArgumentError(
          `The materializer of "${event.name}" returned a read query (${compiled.sql}). ` +
            `Return writes (insert/update/delete), or use ctx.query to read.`,
        )
      }
      written.add(compiled.tableName)
      const bindValues = resolveBindValues(compiled.bindValues, event.sessionId) as readonly BindValue[]
      const shape = compiled.rowInsert
      if (shape !== undefined) {
        if (this.#shape !== shape) {
          this.flush()
          this.#shape = shape
        }
        for (let index = 0; index < bindValues.length; index++) this.#values.push(bindValues[index]!)
        this.#events.push(event)
        return
      }
      this.flush()
      const assigned = compiled.assigned
      if (assigned !== undefined) this.#rowChanges?.expectAssignment?.(compiled.sql, compiled.tableName, { columns: assigned, values: bindValues })
      db.execute(compiled.sql, bindValues)
      return
    }
    const raw = asRawWrite(write)
    if (raw === undefined) {
      throw new InvalidArgumentError(
        `The materializer of "${event.name}" returned something that is not a write: expected a query builder ` +
          `write (e.g. tables.todos.insert({...})), { sql, bindValues }, an array of these, or nothing.`,
      )
    }
    this.flush()
    db.execute(raw.sql, raw.bindValues)
    for (const table of db.tablesWritten(raw.sql)) written.add(table)
  }

  #runRow(shape: RowInsert, values: readonly BindValue[], event: DecodedEvent): void {
    try {
      this.#db.execute(shape.sql, values)
    } catch (cause) {
      throw new QueuedWriteFailure(event, cause)
    }
  }

  /**
   * Runs held-back rows in multi-row statements inside a savepoint. When one fails, the savepoint
   * is rolled back and the rows run one by one to find the event whose row fails.
   */
  #runRows(shape: RowInsert, values: readonly BindValue[], events: readonly DecodedEvent[]): void {
    const db = this.#db
    db.execute(SAVEPOINT)
    try {
      const largest = Math.max(1, Math.floor(MAX_BOUND_VALUES / shape.width))
      let row = 0
      while (row < events.length) {
        const left = events.length - row
        const rows = ROW_BUCKETS.find((size) => size <= left && size <= largest) ?? 1
        const start = row * shape.width
        db.execute(sqlForRows(shape, rows), values.slice(start, start + rows * shape.width))
        row += rows
      }
    } catch (cause) {
      throw this.#findFailure(shape, values, events, cause)
    }
    db.execute(RELEASE)
  }

  /** The failure of the first row that fails on its own, or `cause` for the first row if none does. */
  #findFailure(shape: RowInsert, values: readonly BindValue[], events: readonly DecodedEvent[], cause: unknown): QueuedWriteFailure {
    const db = this.#db
    try {
      // Fails when SQLite already rolled the whole transaction back (e.g. disk full): nothing to retry in.
      db.execute(ROLLBACK_TO)
    } catch {
      return new QueuedWriteFailure(events[0]!, cause)
    }
    let failure = new QueuedWriteFailure(events[0]!, cause)
    for (let row = 0; row < events.length; row++) {
      const start = row * shape.width
      try {
        db.execute(shape.sql, values.slice(start, start + shape.width))
      } catch (rowCause) {
        failure = new QueuedWriteFailure(events[row]!, rowCause)
        break
      }
    }
    try {
      db.execute(ROLLBACK_TO)
      db.execute(RELEASE)
    } catch {
      // The caller rolls the whole transaction back; the failure to report is the row's.
    }
    return failure
  }
}

/** Materializers may return raw SQL as `{ sql, bindValues }` (or the `{ query, bindValues }` of queries). */
const asRawWrite = (write: unknown): { sql: string; bindValues: BindValues } | undefined => {
  if (typeof write !== 'object' || write === null) return undefined
  const { sql, bindValues } = write as { sql?: unknown; bindValues?: BindValues }
  if (typeof sql === 'string') return { sql, bindValues: bindValues ?? [] }
  if (isRawSqlQuery(write)) return { sql: write.query, bindValues: write.bindValues ?? [] }
  return undefined
}
