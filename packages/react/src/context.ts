import type { Store } from '@cairn/store'
import { createContext, useContext } from 'react'
import { StoreNotProvidedError } from './errors.js'

/** What `LiveStoreContext` carries: a running store. */
export interface LiveStoreContextValue {
  readonly stage: 'running'
  readonly store: Store<any>
}

/**
 * The store the hooks use. `LiveStoreProvider` fills it; to use a store created elsewhere (e.g. with
 * `createStorePromise`), provide it yourself.
 *
 * @example
 * <LiveStoreContext.Provider value={{ stage: 'running', store }}>
 *   <App />
 * </LiveStoreContext.Provider>
 */
export const LiveStoreContext = createContext<LiveStoreContextValue | undefined>(undefined)
LiveStoreContext.displayName = 'LiveStoreContext'

/** The context's store, or a `StoreNotProvidedError` naming the hook. */
export const useProvidedStore = (hook: string): Store<any> => {
  const context = useContext(LiveStoreContext)
  if (context === undefined || context.stage !== 'running' || context.store === undefined) throw new StoreNotProvidedError(hook)
  return context.store
}
