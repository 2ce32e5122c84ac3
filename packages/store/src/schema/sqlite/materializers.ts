/**
 * `State.SQLite.materializers(events, handlers)`: how each event becomes writes on the state
 * database. Handlers may be keyed by the event's key in `events` or by the event's name.
 */
import type * as Effect from 'effect/Effect'
import type * as EffectSchema from 'effect/Schema'
import type { QueryBuilder } from '../../query-builder/types.js'
import type { BindValues, SqliteDb, SqliteRow } from '../../sqlite/sqlite-db.js'
import { SchemaError } from '../errors.js'
import { type AnyEventDef, type EventArgs, isEventDef } from '../events.js'

/** An event's position in the eventlog (see the store's sequence numbers). */
export interface MaterializerSeqNum {
  readonly global: number
  readonly client: number
  readonly rebaseGeneration: number
}

/** The event being materialized, as `ctx.event` shows it. */
export interface MaterializerEvent<TArgs = unknown> {
  readonly name: string
  readonly args: TArgs
  /** The sequence number printed, e.g. `e12` or `e12.1`. */
  readonly id: string
  readonly seqNum: MaterializerSeqNum
  readonly parentSeqNum: MaterializerSeqNum
  readonly clientId: string
  readonly sessionId: string
  /** When the event was committed (ms since the epoch, the committing device's clock). */
  readonly timestamp: number
}

/** A raw SQL query for `ctx.query`, as `queryDb` takes it. */
export interface RawQuery<T = ReadonlyArray<SqliteRow>> {
  readonly query: string
  readonly bindValues?: BindValues
  /** Decodes the rows (an array of row objects) to the result. */
  readonly schema?: EffectSchema.Codec<T, any, never, never>
}

/** `ctx.query`: reads the current state inside the materializer's transaction. */
export interface MaterializerQuery {
  <TResult>(query: QueryBuilder<TResult>): TResult
  <T>(query: RawQuery<T> & { readonly schema: EffectSchema.Codec<T, any, never, never> }): T
  (query: RawQuery): ReadonlyArray<SqliteRow>
}

/** The second argument of a materializer. */
export interface MaterializerContext<TArgs = unknown> {
  /** Reads current state (query builder or raw query), seeing this transaction's earlier writes. */
  readonly query: MaterializerQuery
  /** The state database, inside the event's transaction (writes made here are tracked and undone on rollback). */
  readonly db: MaterializerDb
  /** The event being materialized, with its metadata. */
  readonly event: MaterializerEvent<TArgs>
}

/** A raw SQL write a materializer may return. */
export interface RawWrite {
  readonly sql: string
  readonly bindValues?: BindValues
}

/** One write: a query builder write (`insert`/`update`/`delete`) or raw SQL. */
export type MaterializerWrite = QueryBuilder<any> | RawWrite

/** The writes a materializer asks for: one, several, or nothing. */
export type MaterializerWrites = void | undefined | MaterializerWrite | ReadonlyArray<MaterializerWrite>

/**
 * What a materializer returns: writes, or an `Effect` that succeeds with them (e.g.
 * `Effect.succeed(write)`, `Effect.void`). The Effect runs synchronously; if it fails, the event
 * is rolled back like when the materializer throws.
 */
export type MaterializerResult = MaterializerWrites | Effect.Effect<MaterializerWrites, unknown, never>

/**
 * `ctx.db`: direct access to the state database inside the event's transaction, for what the query
 * builder cannot express. Tables written here refresh queries like returned writes do.
 */
export type MaterializerDb = Pick<SqliteDb, 'execute' | 'select'>

/**
 * Turns an event into writes. Must be deterministic and side-effect free: it runs again on every
 * client, on rebase and on state rebuilds. Throwing rolls back the event.
 */
export type Materializer<TArgs = any> = (args: TArgs, ctx: MaterializerContext<TArgs>) => MaterializerResult

/** Event definitions by key, as passed to `materializers` and `makeSchema`. */
export type EventDefRecord = { readonly [key: string]: AnyEventDef }

/** Handlers by event key or event name; each gets its event's argument type. */
export type MaterializerHandlers<TEvents extends EventDefRecord> = {
  readonly [K in keyof TEvents & string as K | TEvents[K]['name']]?: Materializer<EventArgs<TEvents[K]>>
}

const MaterializersTypeId: unique symbol = Symbol.for('cairn/Materializers')

/** The result of `State.SQLite.materializers`: handlers by event name. */
export interface Materializers<TEvents extends EventDefRecord = EventDefRecord> {
  readonly [MaterializersTypeId]: typeof MaterializersTypeId
  /** Handlers by event name. */
  readonly byEventName: ReadonlyMap<string, Materializer>
  /** The events they were defined for. */
  readonly events: TEvents
}

/**
 * Defines the materializers of `events`. A handler key may be the event's key in `events`
 * (`todoCreated`) or its name (`'v1.TodoCreated'`); a key matching neither is a compile error and a
 * `SchemaError` at run time, as is giving one event two handlers.
 */
export const materializers = <const TEvents extends EventDefRecord>(
  events: TEvents,
  handlers: NoInfer<MaterializerHandlers<TEvents>>,
): Materializers<TEvents> => {
  if (typeof events !== 'object' || events === null) throw new SchemaError('materializers(events, handlers): `events` must be the object of event definitions.')
  if (typeof handlers !== 'object' || handlers === null) {
    throw new SchemaError("materializers(events, handlers): `handlers` must be an object of functions by event key or name, e.g. { todoCreated: ({ id }) => ... }.")
  }
  const byKey = new Map<string, AnyEventDef>()
  const byName = new Map<string, AnyEventDef>()
  for (const [key, def] of Object.entries(events)) {
    if (!isEventDef(def)) {
      throw new SchemaError(
        `materializers: events.${key} is not an event definition (Events.synced / Events.clientOnly). ` +
          `A client document's event is \`table.Event\` and is registered automatically.`,
      )
    }
    byKey.set(key, def)
    byName.set(def.name, def)
  }
  const byEventName = new Map<string, Materializer>()
  for (const [key, handler] of Object.entries(handlers as Record<string, unknown>)) {
    if (handler === undefined) continue
    const def = byKey.get(key) ?? byName.get(key)
    if (def === undefined) {
      throw new SchemaError(
        `Materializer "${key}" matches no event: use an event's key or name (${[...byKey.keys()].map((k) => `"${k}"`).join(', ')}).`,
      )
    }
    if (typeof handler !== 'function') throw new SchemaError(`Materializer "${key}" must be a function (args, ctx) => writes.`)
    if (byEventName.has(def.name)) {
      throw new SchemaError(`Event "${def.name}" has two materializers (by key and by name); keep one.`)
    }
    byEventName.set(def.name, handler as Materializer)
  }
  return { [MaterializersTypeId]: MaterializersTypeId, byEventName, events }
}

/** Whether `value` was made by `State.SQLite.materializers`. */
export const isMaterializers = (value: unknown): value is Materializers =>
  typeof value === 'object' && value !== null && MaterializersTypeId in value
