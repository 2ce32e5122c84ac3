/**
 * `State.SQLite.makeState({ tables, materializers })`: the state part of a schema. Client document
 * tables bring their `${name}Set` event and materializer along automatically.
 */
import { requireOptions, SchemaError } from '../errors.js'
import type { AnyEventDef } from '../events.js'
import { isClientDocumentTable } from './client-document.js'
import { isMaterializers, type EventDefRecord, type Materializer, type Materializers } from './materializers.js'
import { type AnyTableDef, isTableDef } from './table.js'

/** Tables by key (`{ todos: todosTable }`) or as a list. */
export type TablesInput = { readonly [key: string]: AnyTableDef } | ReadonlyArray<AnyTableDef>

const StateTypeId: unique symbol = Symbol.for('cairn/State')

/** The state of a schema: its tables and the materializers writing them. */
export interface State<TTables extends TablesInput = TablesInput> {
  readonly [StateTypeId]: typeof StateTypeId
  /** Tables by SQLite table name (client documents included). */
  readonly tables: ReadonlyMap<string, AnyTableDef>
  /** Materializers by event name (client documents' `Set` events included). */
  readonly materializers: ReadonlyMap<string, Materializer>
  /** Events the state brings itself (client documents' `Set` events), by name. */
  readonly events: ReadonlyMap<string, AnyEventDef>
  /** The tables as given. */
  readonly tablesInput: TTables
}

/** Options of `makeState`. */
export interface MakeStateOptions<TTables extends TablesInput> {
  readonly tables: TTables
  /** From `State.SQLite.materializers(events, {...})`; several may be given as a list. */
  readonly materializers?: Materializers<EventDefRecord> | ReadonlyArray<Materializers<EventDefRecord>>
}

/** Assembles the state of a schema. Duplicate table names or materializers are a `SchemaError`. */
export const makeState = <const TTables extends TablesInput>(options: MakeStateOptions<TTables>): State<TTables> => {
  const tables = new Map<string, AnyTableDef>()
  const materializers = new Map<string, Materializer>()
  const events = new Map<string, AnyEventDef>()
  requireOptions(options, 'State.SQLite.makeState', '{ tables, materializers? }')
  if (options.tables !== undefined && (typeof options.tables !== 'object' || options.tables === null)) {
    throw new SchemaError('makeState: `tables` must be an object (or array) of tables from State.SQLite.table or clientDocument.')
  }
  const list: ReadonlyArray<unknown> = Array.isArray(options.tables) ? options.tables : Object.values(options.tables ?? {})
  for (const tableDef of list) {
    if (!isTableDef(tableDef)) throw new SchemaError('makeState: every table must come from State.SQLite.table or clientDocument.')
    const name = tableDef.sqliteDef.name
    const existing = tables.get(name)
    if (existing !== undefined && existing !== tableDef) throw new SchemaError(`makeState: two tables are named "${name}".`)
    tables.set(name, tableDef)
    if (isClientDocumentTable(tableDef)) {
      events.set(tableDef.eventDef.name, tableDef.eventDef)
      materializers.set(tableDef.eventDef.name, tableDef.materializer as Materializer)
    }
  }
  const given: readonly unknown[] =
    options.materializers === undefined ? [] : Array.isArray(options.materializers) ? options.materializers : [options.materializers]
  for (const group of given) {
    if (!isMaterializers(group)) throw new SchemaError('makeState: `materializers` must come from State.SQLite.materializers(events, {...}).')
    for (const [eventName, handler] of group.byEventName) {
      if (materializers.has(eventName)) {
        const reason = events.has(eventName) ? ' (it is the auto-registered event of a client document)' : ''
        throw new SchemaError(`makeState: event "${eventName}" has more than one materializer${reason}.`)
      }
      materializers.set(eventName, handler)
    }
  }
  return { [StateTypeId]: StateTypeId, tables, materializers, events, tablesInput: options.tables }
}

/** Whether `value` was made by `makeState`. */
export const isState = (value: unknown): value is State =>
  typeof value === 'object' && value !== null && StateTypeId in value
