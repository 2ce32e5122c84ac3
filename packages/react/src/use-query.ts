import { queryDb, type LiveQueryDef, type QueryBuilder, type QueryResult, type Store } from '@cairn/store'
import { deepEqual, isLiveQueryDef } from '@cairn/store/adapter'
import { useCallback, useRef, useSyncExternalStore } from 'react'
import { useProvidedStore } from './context.js'

/** What `useQuery` takes: a `queryDb` / `signal` / `computed` definition, or a query builder (`tables.todos.where(...)`). */
export type Queryable<T = unknown> = LiveQueryDef<T> | QueryBuilder<T, any, any>

/** The value `useQuery` returns for a queryable. */
export type QueryableResult<Q> = Q extends LiveQueryDef<infer T> ? T : QueryResult<Q>

/**
 * The current result of a query, re-rendering the component when (and only when) the result
 * changes. The first render already has the result: queries are synchronous.
 *
 * A query definition built during render (`queryDb(..., { deps: [id] })`) keeps one subscription as
 * long as its `deps` (or its SQL, for a query builder) stay the same.
 *
 * @example
 * const todos = useQuery(queryDb(tables.todos.where({ completed: false })))
 */
export const useQuery = <Q extends Queryable<any>>(query: Q): QueryableResult<Q> =>
  useQueryInStore(useProvidedStore('useQuery'), query)

/** One hook instance's view of its query: the snapshot React last got and the subscription alive. */
interface Holder {
  /** Id of this hook's live subscription; 0 while there is none (first render, after unmount). */
  live: number
  /** The key of the query that subscription is for. */
  liveKey: unknown
  last: { readonly value: unknown; readonly source: unknown; readonly subscription: number } | undefined
}

let subscriptionIds = 0

/** `useQuery` on a given store; `store.useQuery` is this. */
export const useQueryInStore = <Q extends Queryable<any>>(store: Store<any>, query: Q): QueryableResult<Q> => {
  const def = toLiveQueryDef(query)
  const holderRef = useRef<Holder>(null)
  holderRef.current ??= { live: 0, liveKey: undefined, last: undefined }
  const holder = holderRef.current
  // Keyed by the definition's key, not its identity: a definition rebuilt on every render with the
  // same deps is the same query and must not resubscribe.
  const key = def.key

  const subscribe = useCallback(
    (onChange: () => void) => {
      const id = ++subscriptionIds
      // A failed refresh also re-renders: reading the query then throws to the nearest error boundary.
      const unsubscribe = store.subscribe(def, onChange, { skipInitialRun: true, onError: onChange })
      holder.live = id
      holder.liveKey = key
      return () => {
        if (holder.live === id) holder.live = 0
        unsubscribe()
      }
    },
    [store, key],
  )

  const getSnapshot = useCallback(
    () => {
      const source = store.query(def)
      const live = holder.live !== 0 && Object.is(holder.liveKey, key) ? holder.live : 0
      const last = holder.last
      if (last !== undefined) {
        if (last.source === source) return last.value
        // While this hook's subscription holds the query's node, the store hands out a new result
        // object only when the result changed (it compares them). Otherwise (first render, a new
        // query, or a node made anew by a resubscription) equal results come as new objects:
        // compare here, so React keeps the previous value and does not re-render.
        const trusted = live !== 0 && last.subscription === live
        if (!trusted && deepEqual(last.value, source)) {
          holder.last = { value: last.value, source, subscription: live }
          return last.value
        }
      }
      holder.last = { value: source, source, subscription: live }
      return source
    },
    [store, key],
  )

  return useSyncExternalStore(subscribe, getSnapshot, getSnapshot) as QueryableResult<Q>
}

const builderDefs = new WeakMap<object, LiveQueryDef<unknown>>()

/** A query builder becomes a `queryDb`, once per builder object (its SQL is its key). */
const toLiveQueryDef = (query: Queryable<any>): LiveQueryDef<unknown> => {
  if (isLiveQueryDef(query)) return query
  let def = builderDefs.get(query)
  if (def === undefined) {
    def = queryDb(query as QueryBuilder<unknown, any, any>)
    builderDefs.set(query, def)
  }
  return def
}
