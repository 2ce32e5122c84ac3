/**
 * `State.SQLite.clientDocument({ name, schema, default })`: a small per-client (or per-session)
 * document with `useState`-like ergonomics. It is a table `(id TEXT PRIMARY KEY, value TEXT)` plus
 * an auto-registered client-only `${name}Set` event whose materializer merges a partial value into
 * the stored one. Reading a document that was never set gives the default value.
 */
import * as EffectSchema from 'effect/Schema'
import { InvalidEventArgsError, requireOptions, SchemaError } from '../errors.js'
import { type EventArgsSchema, type EventDef, type EventPayload, Events } from '../events.js'
import { issuesOf } from '../issues.js'
import { plainCodecOf } from '../plain-struct-codec.js'
import { SessionIdSymbol } from '../session-id.js'
import type { QueryBuilder, QueryBuilderMethod } from '../../query-builder/types.js'
import type { ColumnDefinition } from './column-def.js'
import { json, text } from './columns.js'
import type { Materializer } from './materializers.js'
import type { SqliteTableDef } from './table-def.js'
import { table, type TableDef } from './table.js'

/** A client document id: a string, or `SessionIdSymbol` for "the current session's document". */
export type ClientDocumentId = string | typeof SessionIdSymbol

/** The table definition underlying a client document. */
export type ClientDocumentSqliteDef<TName extends string, TValue> = SqliteTableDef<
  TName,
  { readonly id: ColumnDefinition<string, string, false>; readonly value: ColumnDefinition<TValue, string, false> }
>

/** What `set` takes: a partial value for struct schemas (merged shallowly), the whole value otherwise. */
export type ClientDocumentSetValue<S extends EventArgsSchema> = S extends { readonly fields: unknown } ? Partial<S['Type']> : S['Type']

/** Arguments of the `${name}Set` event. */
export interface ClientDocumentSetArgs<S extends EventArgsSchema> {
  readonly id: ClientDocumentId
  readonly value: ClientDocumentSetValue<S>
}

/** `[id?]` when the document has a default id, `[id]` otherwise. */
type IdArgs<THasDefaultId extends boolean> = THasDefaultId extends true ? [id?: ClientDocumentId] : [id: ClientDocumentId]

/** What a client document has besides being a table. */
export interface ClientDocumentExtras<TName extends string, S extends EventArgsSchema, THasDefaultId extends boolean> {
  /** The default id and value (`value` is what `get` returns for a document never set). */
  readonly default: { readonly id: ClientDocumentId | undefined; readonly value: S['Type'] }
  /** Schema of the document value. */
  readonly valueSchema: S
  /** The auto-registered client-only `${name}Set` event. */
  readonly eventDef: EventDef<`${TName}Set`, ClientDocumentSetArgs<S>, unknown, true>
  /** Same as `eventDef`. */
  readonly Event: EventDef<`${TName}Set`, ClientDocumentSetArgs<S>, unknown, true>
  /** The auto-registered materializer of `${name}Set`: merges the partial value into the stored one. */
  readonly materializer: Materializer<ClientDocumentSetArgs<S>>
  /** The event setting (part of) the document: `store.commit(tables.uiState.set({ filter: 'all' }))`. */
  set(value: ClientDocumentSetValue<S>, ...id: IdArgs<THasDefaultId>): EventPayload<`${TName}Set`, ClientDocumentSetArgs<S>>
  /** A query of the document's full value: the stored value, or the default when never set. */
  get(...id: IdArgs<THasDefaultId>): QueryBuilder<S['Type'], ClientDocumentSqliteDef<TName, S['Type']>, QueryBuilderMethod>
}

/** A client document table definition. */
export type ClientDocumentTableDef<
  TName extends string = string,
  S extends EventArgsSchema = EventArgsSchema,
  THasDefaultId extends boolean = boolean,
> = TableDef<ClientDocumentSqliteDef<TName, S['Type']>> & ClientDocumentExtras<TName, S, THasDefaultId>

/** Options of `State.SQLite.clientDocument`. */
export interface ClientDocumentOptions<TName extends string, S extends EventArgsSchema, TId extends ClientDocumentId | undefined> {
  /** Table name; the event is named `${name}Set`. */
  readonly name: TName
  /** Schema of the document value. A struct is updated by shallow merge; other schemas are replaced. */
  readonly schema: S
  /** `id`: the document `get`/`set` use when given none (`SessionIdSymbol`: one per session). `value`: the initial value. */
  readonly default: { readonly id?: TId; readonly value: S['Type'] }
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype

/** A struct schema (fields known): documents of it are merged, not replaced. */
const structFields = (schema: EffectSchema.Top): Record<string, EffectSchema.Top> | undefined =>
  schema.ast._tag === 'Objects' && 'fields' in schema ? (schema.fields as Record<string, EffectSchema.Top>) : undefined

const ClientDocumentTypeId: unique symbol = Symbol.for('cairn/ClientDocument')

/** Defines a client document. See the module comment. */
export const clientDocument = <
  const TName extends string,
  S extends EventArgsSchema,
  const TId extends ClientDocumentId | undefined = undefined,
>(
  options: ClientDocumentOptions<TName, S, TId>,
): ClientDocumentTableDef<TName, S, [TId] extends [undefined] ? false : true> => {
  const { name, schema } = requireOptions(options, 'State.SQLite.clientDocument', '{ name, schema, default: { id?, value } }')
  if (typeof name !== 'string' || name.length === 0) throw new SchemaError('A client document needs a non-empty `name`.')
  if (!EffectSchema.isSchema(schema)) throw new SchemaError(`Client document "${name}" needs a \`schema\` (an Effect Schema, e.g. Schema.Struct({ ... })).`)
  if (typeof options.default !== 'object' || options.default === null || !('value' in options.default)) {
    throw new SchemaError(`Client document "${name}" needs \`default: { id?, value }\`: the value get() returns before any set.`)
  }
  const defaultId: ClientDocumentId | undefined = options.default?.id
  const defaultValue: S['Type'] = options.default?.value
  if (defaultId !== undefined && defaultId !== SessionIdSymbol && typeof defaultId !== 'string') {
    throw new SchemaError(`Client document "${name}": default.id must be a string or SessionIdSymbol.`)
  }
  const jsonCodec = EffectSchema.toCodecJson(schema)
  let defaultJson: unknown
  try {
    defaultJson = EffectSchema.encodeUnknownSync(jsonCodec)(defaultValue)
  } catch (error) {
    const detail = issuesOf(error, defaultValue).map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ')
    throw new SchemaError(`Client document "${name}": default.value does not match the schema: ${detail}.`, { cause: error })
  }
  const fields = structFields(schema)
  const decodeJson = EffectSchema.decodeUnknownSync(jsonCodec)

  const valueColumn = json({ schema })
  // Reading is lenient on purpose: fields added to a struct schema since the value was stored are
  // filled from the default, and a value the schema no longer accepts reads as the default (the
  // documented "client documents reset on incompatible schema changes").
  const plain = plainCodecOf(schema)
  const decodeStored = (stored: unknown): unknown => {
    // A stored plain struct with every field present is its own decoded value.
    const fast = typeof stored === 'string' ? plain()?.parse(stored) : undefined
    if (fast !== undefined) return fast
    let parsed: unknown
    try {
      parsed = JSON.parse(stored as string)
    } catch {
      return defaultValue
    }
    if (fields !== undefined && isPlainObject(parsed) && isPlainObject(defaultJson)) parsed = { ...defaultJson, ...parsed }
    try {
      return decodeJson(parsed)
    } catch {
      return defaultValue
    }
  }
  ;(valueColumn as { decode: (value: unknown) => unknown }).decode = decodeStored

  const tableDef = table({ name, columns: { id: text({ primaryKey: true }), value: valueColumn } })

  const setSchema = EffectSchema.Struct({
    id: EffectSchema.Union([EffectSchema.String, EffectSchema.UniqueSymbol(SessionIdSymbol)]),
    value:
      fields === undefined
        ? schema
        : EffectSchema.Struct(Object.fromEntries(Object.entries(fields).map(([key, field]) => [key, EffectSchema.optionalKey(field)]))),
  })
  const eventDef = Events.clientOnly({ name: `${name}Set`, schema: setSchema as unknown as EventArgsSchema<ClientDocumentSetArgs<S>> })

  const resolveId = (id: ClientDocumentId | undefined, what: string): ClientDocumentId => {
    const resolved = id ?? defaultId
    if (resolved === undefined) {
      throw new InvalidEventArgsError(eventDef.name, [
        { path: ['id'], message: `missing: client document "${name}" has no default id, pass one to ${what}` },
      ])
    }
    return resolved
  }

  const get = (id?: ClientDocumentId) =>
    (tableDef.query as unknown as QueryBuilder<unknown, any, never>)
      .where({ id: resolveId(id, 'get') } as never)
      .select('value' as never)
      .first({ fallback: () => defaultValue })

  const set = (value: unknown, id?: ClientDocumentId) => eventDef({ id: resolveId(id, 'set'), value } as ClientDocumentSetArgs<S>)

  const fieldNames = fields === undefined ? [] : Object.keys(fields)
  // A set naming every field replaces the whole value: the stored one need not be read to merge.
  const setsEveryField = (value: object): boolean => {
    for (const field of fieldNames) if (!Object.hasOwn(value, field)) return false
    return true
  }

  const materializer: Materializer<ClientDocumentSetArgs<S>> = (args, ctx) => {
    const value = args.value as object
    const next =
      fields === undefined || setsEveryField(value) ? value : { ...(ctx.query(get(args.id) as QueryBuilder<object>) ?? {}), ...value }
    return (tableDef as unknown as QueryBuilder<unknown, any, never>)
      .insert({ id: args.id, value: next } as never)
      .onConflict('id' as never, 'replace')
  }

  Object.defineProperties(tableDef, {
    [ClientDocumentTypeId]: { value: ClientDocumentTypeId },
    default: { value: Object.freeze({ id: defaultId, value: defaultValue }), enumerable: true },
    valueSchema: { value: schema, enumerable: true },
    eventDef: { value: eventDef, enumerable: true },
    Event: { value: eventDef, enumerable: true },
    materializer: { value: materializer, enumerable: true },
    set: { value: set },
    get: { value: get },
  })
  return tableDef as never
}

/** Whether `value` is a client document table. */
export const isClientDocumentTable = (value: unknown): value is ClientDocumentTableDef =>
  typeof value === 'object' && value !== null && ClientDocumentTypeId in value
