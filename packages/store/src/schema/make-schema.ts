/**
 * `makeSchema({ events, state })`: the complete schema a store runs on. Checks consistency once,
 * at definition time: unique event names, every materializer refers to a known event, and every
 * synced event has a materializer.
 */
import type { UnknownEventHandling } from '../leader/unknown-events.js'
import { requireOptions, SchemaError } from './errors.js'
import { type AnyEventDef, isEventDef } from './events.js'
import { isState, type State } from './sqlite/make-state.js'
import type { Materializer } from './sqlite/materializers.js'
import { computeStateHash } from './sqlite/state-hash.js'
import type { AnyTableDef } from './sqlite/table.js'

/** Event definitions by key (`{ todoCreated: ... }`) or as a list. */
export type EventsInput = { readonly [key: string]: AnyEventDef } | ReadonlyArray<AnyEventDef>

/** A schema: events, state tables, materializers, and the state hash. */
export interface LiveStoreSchema<TEvents extends EventsInput = EventsInput, TState extends State = State> {
  readonly _tag: 'LiveStoreSchema'
  /** Every event definition by name, client documents' `${name}Set` events included. */
  readonly eventsByName: ReadonlyMap<string, AnyEventDef>
  /** Tables by SQLite name. */
  readonly tables: ReadonlyMap<string, AnyTableDef>
  /** Materializers by event name. An event without one (client-only only) changes no state. */
  readonly materializers: ReadonlyMap<string, Materializer>
  /** FNV-1a/64 hex of the canonical table definitions; a change rebuilds the state from the eventlog. */
  readonly stateHash: string
  /** The events as given to `makeSchema`. */
  readonly events: TEvents
  readonly state: TState
  /** What to do with stored events this schema does not define (default `'warn'`). */
  readonly unknownEventHandling: UnknownEventHandling
}

/** Options of `makeSchema`. */
export interface MakeSchemaOptions<TEvents extends EventsInput, TState extends State> {
  readonly events: TEvents
  readonly state: TState
  /**
   * What to do with an event in the eventlog this schema does not define (e.g. written by a newer
   * app version): `'warn'` (default) or `'ignore'` skip it, `'fail'` stops the store from booting,
   * a callback sees it (and may throw to stop). Skipped events stay in the eventlog.
   */
  readonly unknownEventHandling?: UnknownEventHandling
}

/**
 * Builds the schema. Throws `SchemaError` on duplicate event names, on a materializer for an event
 * not in `events`, and on a synced event without materializer (write `() => {}` for an event a
 * state deliberately ignores, e.g. on a server with a smaller state). Client-only events may lack
 * one: they then only live in the eventlog.
 */
export const makeSchema = <const TEvents extends EventsInput, TState extends State>(
  options: MakeSchemaOptions<TEvents, TState>,
): LiveStoreSchema<TEvents, TState> => {
  const { state } = requireOptions(options, 'makeSchema', '{ events, state }')
  if (options.events !== undefined && (typeof options.events !== 'object' || options.events === null)) {
    throw new SchemaError('makeSchema: `events` must be an object (or array) of event definitions.')
  }
  if (!isState(state)) throw new SchemaError('makeSchema: `state` must come from State.SQLite.makeState({ tables, materializers }).')
  const eventsByName = new Map<string, AnyEventDef>()
  const add = (def: unknown, origin: string) => {
    if (!isEventDef(def)) throw new SchemaError(`makeSchema: ${origin} is not an event definition (Events.synced / Events.clientOnly).`)
    const existing = eventsByName.get(def.name)
    if (existing !== undefined && existing !== def) throw new SchemaError(`makeSchema: two different events are named "${def.name}".`)
    eventsByName.set(def.name, def)
  }
  const given = options.events ?? {}
  const entries: ReadonlyArray<readonly [string, unknown]> = Array.isArray(given)
    ? given.map((def, i) => [`events[${i}]`, def] as const)
    : Object.entries(given)
  for (const [key, def] of entries) add(def, `events.${key}`)
  for (const [name, def] of state.events) {
    const existing = eventsByName.get(name)
    if (existing !== undefined && existing !== def) {
      throw new SchemaError(`makeSchema: event "${name}" clashes with the auto-registered event of client document "${name.slice(0, -3)}".`)
    }
    eventsByName.set(name, def)
  }

  for (const name of state.materializers.keys()) {
    if (!eventsByName.has(name)) {
      throw new SchemaError(`makeSchema: there is a materializer for event "${name}", which is not in \`events\`; add the event.`)
    }
  }
  const missing = [...eventsByName.values()].filter((def) => !def.options.clientOnly && !state.materializers.has(def.name))
  if (missing.length > 0) {
    throw new SchemaError(
      `makeSchema: synced event(s) ${missing.map((def) => `"${def.name}"`).join(', ')} have no materializer. ` +
        `Every synced event must be materialized; use \`() => {}\` for an event this state ignores.`,
    )
  }

  return {
    _tag: 'LiveStoreSchema',
    eventsByName,
    tables: state.tables,
    materializers: state.materializers,
    stateHash: computeStateHash([...state.tables.values()].map((table) => table.sqliteDef)),
    events: options.events,
    state,
    unknownEventHandling: validUnknownEventHandling(options.unknownEventHandling),
  }
}

const validUnknownEventHandling = (value: unknown): UnknownEventHandling => {
  if (value === undefined) return 'warn'
  if (value === 'warn' || value === 'ignore' || value === 'fail' || typeof value === 'function') return value as UnknownEventHandling
  throw new SchemaError(
    `makeSchema: unknownEventHandling must be 'warn', 'ignore', 'fail' or a function; got ${JSON.stringify(value)}.`,
  )
}
