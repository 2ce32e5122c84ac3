import { InvalidArgumentError } from '../store/errors.js'
import type { LiveQueryDef } from './live-query-def.js'

/** What `def.subscribe` needs from a store. */
export interface SubscribableStore {
  readonly storeId: string
  subscribe(
    query: LiveQueryDef<any>,
    onUpdate: (value: any) => void,
    options?: { readonly skipInitialRun?: boolean; readonly onError?: (error: unknown) => void },
  ): () => void
}

/** Options of `def.subscribe`. */
export interface DefSubscribeOptions {
  /** The store to subscribe in; required when more than one store is running. */
  readonly store?: SubscribableStore
  /** Do not call `onUpdate` with the current value right away; only on changes. */
  readonly skipInitialRun?: boolean
  /** Called when re-running the query after a commit fails (default: `console.error`). */
  readonly onError?: (error: unknown) => void
}

const running = new Set<SubscribableStore>()

/** Called by stores when they are ready and when they shut down. */
export const trackRunningStore = (store: SubscribableStore, isRunning: boolean): void => {
  if (isRunning) running.add(store)
  else running.delete(store)
}

/** The store a definition's own `subscribe` uses: the given one, or the only one running. */
export const storeFor = (label: string, options: DefSubscribeOptions): SubscribableStore => {
  if (options.store !== undefined) return options.store
  const [only, ...others] = running
  if (only !== undefined && others.length === 0) return only
  throw new InvalidArgumentError(
    only === undefined
      ? `${label}.subscribe: no store is running. Create one with createStorePromise first, or use store.subscribe(${label}, …).`
      : `${label}.subscribe: ${running.size} stores are running (${[...running].map((s) => `"${s.storeId}"`).join(', ')}); ` +
          `say which: ${label}.subscribe(callback, { store }) or store.subscribe(${label}, callback).`,
  )
}
