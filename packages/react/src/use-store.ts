import type { LiveStoreSchema, Store } from '@cairn/store'
import { useProvidedStore } from './context.js'
import { useClientDocumentInStore, type UseClientDocument } from './use-client-document.js'
import { useQueryInStore, type Queryable, type QueryableResult } from './use-query.js'

/** The hooks `useStore().store` has besides the `Store` methods; they use that store. */
export interface ReactApi {
  /** `useQuery` on this store. */
  useQuery<Q extends Queryable<any>>(query: Q): QueryableResult<Q>
  /** `useClientDocument` on this store. */
  useClientDocument: UseClientDocument
}

/** A store with its React hooks: what `useStore()` returns. */
export type ReactStore<TSchema extends LiveStoreSchema = LiveStoreSchema> = Store<TSchema> & ReactApi

/**
 * The store of the nearest `LiveStoreProvider` (or `LiveStoreContext.Provider`), with the React hooks
 * `store.useQuery` and `store.useClientDocument`. Throws a `StoreNotProvidedError` outside of one.
 *
 * @example
 * const { store } = useStore()
 * const todos = store.useQuery(visibleTodos$)
 * store.commit(events.todoCreated({ id: '1', text: 'Buy milk' }))
 */
export const useStore = <TSchema extends LiveStoreSchema = LiveStoreSchema>(): { store: ReactStore<TSchema> } => {
  const store = useProvidedStore('useStore()')
  return { store: withReactApi(store as Store<TSchema>) }
}

const withHooks = new WeakSet<Store<any>>()

/**
 * Gives the store instance its two hook methods, once. They are set on the instance (not on a
 * wrapper) so that `useStore().store` is the very store the app created: same identity, and its
 * methods keep writing the store's own fields.
 */
const withReactApi = <TSchema extends LiveStoreSchema>(store: Store<TSchema>): ReactStore<TSchema> => {
  if (!withHooks.has(store)) {
    const api: ReactApi = {
      useQuery: (query) => useQueryInStore(store, query),
      useClientDocument: ((table: never, id?: never, options?: never) =>
        useClientDocumentInStore(store, table, id, options)) as UseClientDocument,
    }
    Object.defineProperties(store, {
      useQuery: { value: api.useQuery, configurable: true },
      useClientDocument: { value: api.useClientDocument, configurable: true },
    })
    withHooks.add(store)
  }
  return store as ReactStore<TSchema>
}
