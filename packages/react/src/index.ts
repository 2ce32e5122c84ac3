/**
 * `@cairn/react`: React bindings for Cairn. Wrap the app in `LiveStoreProvider`, then read with
 * `useQuery` / `store.useQuery`, keep UI state with `useClientDocument`, and commit with `useStore().store`.
 */
export { LiveStoreContext, type LiveStoreContextValue } from './context.js'
export { InvalidClientDocumentError, StoreNotProvidedError } from './errors.js'
export { LiveStoreProvider, type LiveStoreProviderProps } from './provider.js'
export {
  useClientDocument,
  type ClientDocumentSetStateAction,
  type ClientDocumentSetValue,
  type ClientDocumentValue,
  type UseClientDocument,
  type UseClientDocumentArgs,
  type UseClientDocumentOptions,
  type UseClientDocumentResult,
} from './use-client-document.js'
export { useQuery, type Queryable, type QueryableResult } from './use-query.js'
export { useStore, type ReactApi, type ReactStore } from './use-store.js'
