import type { Getter, ReadableNode, ReactiveGraph, RefNode } from '../reactive/graph.js'
import type { SqliteDb } from '../sqlite/sqlite-db.js'
import type { TableAssignments, TableChange } from './row-change-journal.js'
import { storeFor, type DefSubscribeOptions } from './running-stores.js'
import { BoundedMap } from '../utils/bounded-map.js'

const LiveQueryDefTypeId: unique symbol = Symbol.for('@cairn/store/LiveQueryDef') as never

/** What the store lends a query definition so it can become a node of the store's reactive graph. */
export interface QueryRuntime {
  readonly graph: ReactiveGraph
  readonly db: SqliteDb
  readonly sessionId: string
  /** A ref bumped whenever `table` is written; reading it makes a node depend on the table. */
  tableRef(table: string): RefNode<number>
  /** The rows of `table` changed between two values of its `tableRef`. */
  tableChanges(table: string, from: number, to: number): TableChange
  /** What is known of the new values of those rows (one step only), or undefined. */
  tableAssignments(table: string, from: number, to: number): TableAssignments | undefined
  /** The store's node for `def`; the returned getter keeps it alive as long as the calling node reads it. */
  readonly read: <T>(get: Getter, def: LiveQueryDef<T>) => T
}

/**
 * A reactive value bound to no store yet: a SQL query (`queryDb`), a `signal` or a `computed`.
 * Each store that reads it makes its own node for it.
 */
export interface LiveQueryDef<TResult> {
  readonly [LiveQueryDefTypeId]: true
  readonly kind: 'db' | 'computed' | 'signal'
  /** Names the query in errors and devtools. */
  readonly label: string
  /**
   * What makes two definitions "the same query" within a store: definitions with equal keys share
   * one node. Definitions built with `deps` are keyed by them; others by their SQL or identity.
   */
  readonly key: unknown
  /** Only for types: the result type. */
  readonly '~result'?: TResult
  /** @internal */
  readonly makeNode: (runtime: QueryRuntime) => ReadableNode<TResult>
  /** @internal Computes the value once without a node, for reads nobody keeps watching. */
  readonly compute?: (runtime: QueryRuntime) => TResult
  /**
   * Subscribes in the running store (or `options.store` when several run): `onUpdate` gets the
   * value now and after every commit that changed it. Same as `store.subscribe(def, onUpdate)`.
   *
   * @returns a function that ends the subscription.
   */
  subscribe(onUpdate: (value: TResult) => void, options?: DefSubscribeOptions): () => void
}

/** The value type of a live query definition. */
export type LiveQueryResult<TDef> = TDef extends LiveQueryDef<infer R> ? R : never

/** Reads another live query inside `queryDb((get) => …)` or `computed((get) => …)`. */
export type GetLiveQuery = <T>(def: LiveQueryDef<T>) => T

/** Builds a live query definition; `makeNode` is called once per store that uses it. */
export const makeLiveQueryDef = <T>(
  fields: Omit<LiveQueryDef<T>, typeof LiveQueryDefTypeId | '~result' | 'subscribe'>,
): LiveQueryDef<T> =>
  ({
    [LiveQueryDefTypeId]: true,
    ...fields,
    subscribe(this: LiveQueryDef<T>, onUpdate: (value: T) => void, options: DefSubscribeOptions = {}) {
      const { store: _store, ...subscribeOptions } = options
      return storeFor(this.label, options).subscribe(this, onUpdate, subscribeOptions)
    },
  }) as LiveQueryDef<T>

/** Whether `value` is a live query definition. */
export const isLiveQueryDef = (value: unknown): value is LiveQueryDef<unknown> =>
  typeof value === 'object' && value !== null && LiveQueryDefTypeId in value

/** A key that is stable for equal `deps`, so a def rebuilt on every render maps to one node. */
export const keyFromDeps = (kind: string, label: string, fn: Function, deps: unknown): string =>
  `${kind}|${label}|${textId(sourceOf(fn))}|${JSON.stringify(deps)}`

/** Ids of long key parts (SQL, function sources); at most this many are remembered. */
const textIds = new BoundedMap<string, number>(1000)
let nextTextId = 0

/**
 * A short stand-in for a long text in query keys: keys are built and looked up on every
 * `store.query`, and hashing a fresh key costs in proportion to its length. Forgetting the ids
 * (too many distinct texts, e.g. SQL built with literals) only makes later defs miss a shared node:
 * ids are never reused, so two different texts never get the same one.
 */
export const textId = (text: string): number => {
  let id = textIds.get(text)
  if (id === undefined) {
    id = nextTextId++
    textIds.set(text, id)
  }
  return id
}

const sources = new WeakMap<Function, string>()

/** `fn.toString()`, cached: defs with `deps` are typically rebuilt with the same function on every render. */
const sourceOf = (fn: Function): string => {
  let source = sources.get(fn)
  if (source === undefined) {
    source = fn.toString()
    sources.set(fn, source)
  }
  return source
}
