/**
 * Event definitions: `Events.synced({ name, schema })` and `Events.clientOnly({ name, schema })`.
 * A definition is a function that validates arguments and returns the event to commit.
 */
import * as EffectSchema from 'effect/Schema'
import { EventDecodeError, EventEncodeError, InvalidEventArgsError, requireOptions, SchemaError } from './errors.js'
import { issuesOf } from './issues.js'
import { plainStructCodec, type PlainStructCodec } from './plain-struct-codec.js'

/** A schema usable for event arguments: synchronous, no services needed to decode or encode. */
export type EventArgsSchema<T = any, E = any> = EffectSchema.Codec<T, E, never, never>

/** What an event definition returns and `store.commit` takes: the event name and its arguments. */
export interface EventPayload<TName extends string = string, TArgs = unknown> {
  readonly name: TName
  readonly args: TArgs
}

/**
 * An event definition. Call it with the event's arguments to get the event to commit:
 * `store.commit(events.todoCreated({ id: '1', text: 'Buy milk' }))`. Invalid arguments throw
 * `InvalidEventArgsError` right there, so a bad event never reaches the eventlog.
 */
export interface EventDef<
  TName extends string = string,
  TType = any,
  TEncoded = any,
  TClientOnly extends boolean = boolean,
> {
  (args: TType): EventPayload<TName, TType>
  /** The event's unique name, stored in the eventlog (version it, e.g. `v1.TodoCreated`). */
  readonly name: TName
  /** Schema of the arguments; its JSON form is what is stored and synced. */
  readonly schema: EventArgsSchema<TType, TEncoded>
  /** `clientOnly` events are never pushed to the sync backend (they still sync across local sessions). */
  readonly options: { readonly clientOnly: TClientOnly }
  /** Type-only: the payload this definition produces (`typeof events.x.Event`). Undefined at run time. */
  readonly Event: EventPayload<TName, TType>
}

/** Any event definition. */
export type AnyEventDef = EventDef<string, any, any, boolean>

/** The argument type of an event definition. */
export type EventArgs<D extends AnyEventDef> = D extends EventDef<any, infer T, any, any> ? T : never

const internalsKey: unique symbol = Symbol.for('cairn/EventDef/internals')

/**
 * What the store needs of a definition, kept off the public surface. One class for every
 * definition: committing reads it for each event whatever its type, and codecs as closures per
 * definition would make those calls megamorphic (in V8, a deoptimization whenever an event type is
 * committed for the first time).
 */
class EventDefInternals {
  readonly name: string
  readonly schema: EventArgsSchema
  /** The plain-struct shortcut (see plain-struct-codec.ts); null when the schema has none; undefined until looked for. */
  plain: PlainStructCodec | null | undefined
  /** Effect's JSON codec, compiled on first use: it turns Dates, bigints, Uint8Arrays... into JSON values and back. */
  json: { readonly encode: (args: unknown) => unknown; readonly decode: (encoded: unknown) => unknown } | undefined
  /** Effect's type guard and its error-collecting decoder, for arguments the shortcut does not accept. */
  readonly isValid: (args: unknown) => boolean
  readonly explain: (args: unknown, options: { readonly errors: 'all' }) => unknown

  constructor(name: string, schema: EventArgsSchema) {
    this.name = name
    this.schema = schema
    this.plain = undefined
    this.json = undefined
    // Compiled once per definition: `is` is the fast path on commit (~0.3 µs for a small struct);
    // the slower error-collecting decoder only runs when validation fails, to explain why.
    this.isValid = EffectSchema.is(schema)
    this.explain = EffectSchema.decodeUnknownSync(EffectSchema.toType(schema))
  }
}

/** The plain-struct shortcut of a definition, looked for on first use (defining an event costs nothing until then). */
const plainOf = (internals: EventDefInternals): PlainStructCodec | null =>
  internals.plain === undefined ? (internals.plain = plainStructCodec(internals.schema) ?? null) : internals.plain

const jsonCodecOf = (internals: EventDefInternals): NonNullable<EventDefInternals['json']> => {
  if (internals.json === undefined) {
    const json = EffectSchema.toCodecJson(internals.schema)
    internals.json = { encode: EffectSchema.encodeUnknownSync(json), decode: EffectSchema.decodeUnknownSync(json) }
  }
  return internals.json
}

const makeEventDef = <const TName extends string, S extends EventArgsSchema, TClientOnly extends boolean>(
  name: TName,
  schema: S,
  clientOnly: TClientOnly,
): EventDef<TName, S['Type'], S['Encoded'], TClientOnly> => {
  if (typeof name !== 'string' || name.length === 0) {
    throw new SchemaError('An event definition needs a non-empty `name`, e.g. Events.synced({ name: "v1.TodoCreated", schema }).')
  }
  if (!EffectSchema.isSchema(schema)) {
    throw new SchemaError(`Event "${name}" needs a \`schema\` (an Effect Schema, e.g. Schema.Struct({ id: Schema.String })).`)
  }
  const internals = new EventDefInternals(name, schema)
  const def = (args: S['Type']): EventPayload<TName, S['Type']> => {
    // Plain structs are checked field by field first: a few times faster than `is`, which stays the
    // judge of everything the shortcut does not accept (e.g. NaN, inherited fields).
    if (plainOf(internals)?.matches(args) !== true && !internals.isValid(args)) throw invalidArgs(internals, args)
    return { name, args }
  }
  // `name` is a read-only own property of functions; redefine it to be the event name.
  Object.defineProperty(def, 'name', { value: name, enumerable: true })
  Object.defineProperty(def, 'schema', { value: schema, enumerable: true })
  Object.defineProperty(def, 'options', { value: Object.freeze({ clientOnly }), enumerable: true })
  Object.defineProperty(def, internalsKey, { value: internals })
  return def as unknown as EventDef<TName, S['Type'], S['Encoded'], TClientOnly>
}

/** Options of `Events.synced` / `Events.clientOnly`. */
export interface EventDefOptions<TName extends string, S extends EventArgsSchema> {
  /** Unique, stable name of the event. Never rename or remove an event once shipped; version it instead. */
  readonly name: TName
  /** Schema of the arguments. Evolve it only forward-compatibly (add optional fields, remove fields). */
  readonly schema: S
}

/** Constructors of event definitions. */
export const Events = {
  /** An event synced to all clients through the sync backend and materialized into state. */
  synced: <const TName extends string, S extends EventArgsSchema>(
    options: EventDefOptions<TName, S>,
    ): EventDef<TName, S['Type'], S['Encoded'], false> => {
    const { name, schema } = requireOptions(options, 'Events.synced', '{ name, schema }')
    return makeEventDef(name, schema, false)
  },
  /** An event only this client sees (synced across its local sessions, e.g. tabs, but never pushed). */
  clientOnly: <const TName extends string, S extends EventArgsSchema>(
    options: EventDefOptions<TName, S>,
    ): EventDef<TName, S['Type'], S['Encoded'], true> => {
    const { name, schema } = requireOptions(options, 'Events.clientOnly', '{ name, schema }')
    return makeEventDef(name, schema, true)
  },
} as const

/** Whether `value` is an event definition made by `Events.synced` / `Events.clientOnly`. */
export const isEventDef = (value: unknown): value is AnyEventDef =>
  typeof value === 'function' && internalsKey in value

const internalsOf = (def: AnyEventDef): EventDefInternals => {
  const internals = (def as unknown as { [internalsKey]?: EventDefInternals })[internalsKey]
  if (internals === undefined) throw new SchemaError(`"${String(def?.name)}" is not an event definition made by Events.synced/clientOnly.`)
  return internals
}

/** Why `args` are invalid, from Effect's error-collecting decoder. */
const invalidArgs = (internals: EventDefInternals, args: unknown): InvalidEventArgsError => {
  try {
    internals.explain(args, { errors: 'all' })
  } catch (error) {
    return new InvalidEventArgsError(internals.name, issuesOf(error, args), { cause: error })
  }
  // `is` and the decoder disagreeing would be an Effect bug; still refuse the arguments.
  return new InvalidEventArgsError(internals.name, [{ path: [], message: 'does not match the schema' }])
}

/**
 * Encodes event arguments to their JSON-safe stored form (Dates → ISO strings, bigints → strings,
 * Uint8Arrays → base64...). Validates as it encodes: throws `EventEncodeError` on a mismatch.
 * Internal: the store calls it on commit.
 */
export const encodeEventArgs = (def: AnyEventDef, args: unknown): unknown => {
  const internals = internalsOf(def)
  const copied = plainOf(internals)?.copy(args)
  if (copied !== undefined) return copied
  try {
    return jsonCodecOf(internals).encode(args)
  } catch (error) {
    throw new EventEncodeError(def.name, issuesOf(error, args), { cause: error })
  }
}

/**
 * Decodes stored (JSON) event arguments back to their schema type. Throws `EventDecodeError`
 * naming the event when they do not match. Internal: the eventlog and sync use it.
 */
export const decodeEventArgs = (def: AnyEventDef, encoded: unknown): unknown => {
  const internals = internalsOf(def)
  const copied = plainOf(internals)?.copy(encoded)
  if (copied !== undefined) return copied
  try {
    return jsonCodecOf(internals).decode(encoded)
  } catch (error) {
    throw new EventDecodeError(def.name, issuesOf(error, encoded), { cause: error })
  }
}

/**
 * Decodes stored event arguments from their JSON text: `decodeEventArgs(def, JSON.parse(json))`,
 * faster for plain structs. Text that is not JSON is an `EventDecodeError` too. Internal: replays use it.
 */
export const decodeEventArgsJson = (def: AnyEventDef, json: string): unknown => {
  const decoded = plainOf(internalsOf(def))?.parse(json)
  if (decoded !== undefined) return decoded
  let parsed: unknown
  try {
    parsed = JSON.parse(json)
  } catch (error) {
    throw new EventDecodeError(def.name, [{ path: [], message: `is not JSON (${describeError(error)})` }], { cause: error })
  }
  return decodeEventArgs(def, parsed)
}

const describeError = (error: unknown): string => (error instanceof Error ? error.message : String(error))
