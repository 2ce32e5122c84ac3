import {
  createStorePromise,
  StoreShutdownError,
  type Adapter,
  type BootStatus,
  type LiveStoreSchema,
  type Store,
} from '@cairn/store'
import { Component, useEffect, useRef, useState, type ReactNode } from 'react'
import { LiveStoreContext, type LiveStoreContextValue } from './context.js'

/** Props of `LiveStoreProvider`. */
export interface LiveStoreProviderProps<TSchema extends LiveStoreSchema = LiveStoreSchema> {
  /** The schema made with `makeSchema`. */
  readonly schema: TSchema
  /**
   * Where and how data is kept (e.g. `makePersistedAdapter(...)` from `@cairn/adapter-web`). Create it
   * once, outside of render: a different adapter (like a different `schema` or `storeId`) boots a new store.
   */
  readonly adapter: Adapter
  /** Identifies the store; stores with different ids are fully isolated. Default `'default'`. */
  readonly storeId?: string | undefined
  /** Runs once with the booted store before the app first renders, e.g. to seed data. */
  readonly boot?: ((store: Store<TSchema>) => void | Promise<void>) | undefined
  /** Wraps the notification of components after a commit, e.g. `unstable_batchedUpdates` from `react-dom`. */
  readonly batchUpdates?: ((run: () => void) => void) | undefined
  /**
   * Sent to the sync backend (e.g. `{ authToken }`). A changed value (compared as JSON) reconnects
   * the running store's sync with it (`store.updateSyncPayload`); the app is not remounted.
   */
  readonly syncPayload?: unknown
  /** Rendered while the store boots; `status` tells the stage and the migration/rehydration progress. */
  readonly renderLoading?: ((status: BootStatus) => ReactNode) | undefined
  /** Rendered when booting failed (a `StoreBootError` or an invalid option). */
  readonly renderError?: ((error: unknown) => ReactNode) | undefined
  /**
   * Rendered instead of the app when the store shuts down while the provider is mounted (after
   * `store._dev.hardReset()`, or when sync fails for good with `onSyncError: 'shutdown'`), and when a
   * component uses the store after it shut down.
   */
  readonly renderShutdown?: ((error: StoreShutdownError) => ReactNode) | undefined
  readonly children?: ReactNode
}

/** Where the provider's store is. */
type BootState =
  | { readonly stage: 'loading'; readonly status: BootStatus }
  | LiveStoreContextValue
  | { readonly stage: 'error'; readonly error: unknown }
  | { readonly stage: 'shutdown'; readonly error: StoreShutdownError }

const INITIAL: BootState = { stage: 'loading', status: { stage: 'loading' } }

/**
 * Boots a store and renders `children` with it once it is ready (`useStore`, `useQuery` and
 * `useClientDocument` then work anywhere below). Until then it renders `renderLoading(status)`, and
 * `renderError(error)` if booting fails. Unmounting shuts the store down.
 *
 * @example
 * <LiveStoreProvider schema={schema} adapter={adapter} batchUpdates={batchUpdates} renderLoading={(s) => <p>{s.stage}</p>}>
 *   <App />
 * </LiveStoreProvider>
 */
export const LiveStoreProvider = <TSchema extends LiveStoreSchema>(props: LiveStoreProviderProps<TSchema>): ReactNode => {
  const { schema, adapter, storeId, syncPayload } = props
  const [state, setState] = useState<BootState>(INITIAL)
  const bootRef = useRef<StoreBoot | null>(null)

  // Only `schema`, `adapter` and `storeId` define the store. `boot`, `batchUpdates` and
  // `syncPayload` are read when it boots; a later change of them must not boot another store.
  useEffect(() => {
    let boot = bootRef.current
    if (boot === null || !boot.isFor(schema, adapter, storeId) || !boot.retain()) {
      boot = new StoreBoot({
        schema,
        adapter,
        storeId,
        boot: props.boot as ((store: Store<any>) => void | Promise<void>) | undefined,
        batchUpdates: props.batchUpdates,
        syncPayload,
      })
      bootRef.current = boot
    }
    const stopListening = boot.listen(setState)
    return () => {
      stopListening()
      boot.release()
    }
  }, [schema, adapter, storeId])

  const payloadKey = payloadKeyOf(syncPayload)
  useEffect(() => {
    if (state.stage === 'running') bootRef.current?.updateSyncPayload(syncPayload, payloadKey)
  }, [state, payloadKey])

  switch (state.stage) {
    case 'loading':
      return (props.renderLoading ?? defaultRenderLoading)(state.status)
    case 'error':
      return (props.renderError ?? defaultRenderError)(state.error)
    case 'shutdown':
      return (props.renderShutdown ?? defaultRenderShutdown)(state.error)
    case 'running':
      return (
        <LiveStoreContext.Provider value={state}>
          <ShutdownBoundary renderShutdown={props.renderShutdown ?? defaultRenderShutdown}>{props.children}</ShutdownBoundary>
        </LiveStoreContext.Provider>
      )
  }
}

interface StoreBootConfig {
  readonly schema: LiveStoreSchema
  readonly adapter: Adapter
  readonly storeId: string | undefined
  readonly boot: ((store: Store<any>) => void | Promise<void>) | undefined
  readonly batchUpdates: ((run: () => void) => void) | undefined
  readonly syncPayload: unknown
}

/**
 * One store being booted, run and shut down for a provider. It outlives a provider's effect
 * cleanup by a task, so that React StrictMode's unmount-and-remount of effects (and a remount with
 * the same schema, adapter and storeId in the same commit) keeps the store instead of booting a second one.
 */
class StoreBoot {
  private state: BootState = INITIAL
  private listener: ((state: BootState) => void) | undefined
  private disposeTimer: ReturnType<typeof setTimeout> | undefined
  private disposed = false
  private payloadKey: unknown

  constructor(private readonly config: StoreBootConfig) {
    this.payloadKey = payloadKeyOf(config.syncPayload)
    createStorePromise({
      schema: config.schema,
      adapter: config.adapter,
      ...(config.storeId === undefined ? {} : { storeId: config.storeId }),
      ...(config.boot === undefined ? {} : { boot: config.boot }),
      ...(config.batchUpdates === undefined ? {} : { batchUpdates: config.batchUpdates }),
      syncPayload: config.syncPayload,
      onBootStatus: (status) => {
        // 'done' is followed by the running store at once; showing it would flash one more loading frame.
        if (status.stage !== 'done' && this.state.stage === 'loading') this.set({ stage: 'loading', status })
      },
    }).then(
      (store) => {
        if (this.disposed) return shutDown(store)
        this.set({ stage: 'running', store })
        store.onShutdown(() => {
          // The provider's own release shuts the store down too; then nobody is listening any more.
          if (!this.disposed) this.set({ stage: 'shutdown', error: new StoreShutdownError(store.storeId, 'use the store') })
        })
      },
      (error: unknown) => this.set({ stage: 'error', error }),
    )
  }

  isFor(schema: LiveStoreSchema, adapter: Adapter, storeId: string | undefined): boolean {
    return this.config.schema === schema && this.config.adapter === adapter && this.config.storeId === storeId
  }

  /** Tells the provider about every state from now on, starting with the current one. */
  listen(listener: (state: BootState) => void): () => void {
    this.listener = listener
    listener(this.state)
    return () => {
      if (this.listener === listener) this.listener = undefined
    }
  }

  /** Keeps the store: cancels a pending release. False when it is already gone. */
  retain(): boolean {
    if (this.disposed) return false
    clearTimeout(this.disposeTimer)
    this.disposeTimer = undefined
    return true
  }

  /** Shuts the store down after the current task, unless `retain` is called before. */
  release(): void {
    clearTimeout(this.disposeTimer)
    this.disposeTimer = setTimeout(() => {
      this.disposed = true
      if (this.state.stage === 'running') shutDown(this.state.store)
    }, 0)
  }

  /** Hands a changed `syncPayload` to the running store, which reconnects its sync with it; the store (and so the app) stays. */
  updateSyncPayload(payload: unknown, key: unknown): void {
    if (this.state.stage !== 'running' || Object.is(key, this.payloadKey)) return
    this.payloadKey = key
    const store = this.state.store
    store.updateSyncPayload(payload).catch((error: unknown) => {
      console.error(`[cairn] LiveStoreProvider: handing the new syncPayload to store "${store.storeId}" failed:`, error)
    })
  }

  private set(state: BootState): void {
    this.state = state
    this.listener?.(state)
  }
}

/** Sync payloads are JSON: equal JSON is the same payload, even as a new object on every render. */
const payloadKeyOf = (payload: unknown): unknown => {
  try {
    return JSON.stringify(payload) ?? payload
  } catch {
    return payload
  }
}

const shutDown = (store: Store<any>): void => {
  store.shutdown().catch((error: unknown) => {
    console.error(`[cairn] LiveStoreProvider: shutting down store "${store.storeId}" failed:`, error)
  })
}

interface ShutdownBoundaryProps {
  readonly renderShutdown: (error: StoreShutdownError) => ReactNode
  readonly children?: ReactNode
}

/** Shows `renderShutdown` when a component used the store after it shut down; other errors go on up. */
class ShutdownBoundary extends Component<ShutdownBoundaryProps, { readonly error: unknown }> {
  override state: { readonly error: unknown } = { error: undefined }

  static getDerivedStateFromError(error: unknown): { readonly error: unknown } {
    return { error }
  }

  override render(): ReactNode {
    const { error } = this.state
    if (error === undefined) return this.props.children
    if (error instanceof StoreShutdownError) return this.props.renderShutdown(error)
    throw error
  }
}

const progressText = (status: BootStatus): string =>
  'progress' in status && status.progress.total > 0 ? ` ${status.progress.done}/${status.progress.total}` : ''

const defaultRenderLoading = (status: BootStatus): ReactNode => (
  <div>
    Loading store ({status.stage}
    {progressText(status)})…
  </div>
)

const defaultRenderError = (error: unknown): ReactNode => (
  <div role="alert">The store could not start: {error instanceof Error ? error.message : String(error)}</div>
)

const defaultRenderShutdown = (error: StoreShutdownError): ReactNode => <div role="alert">{error.message}</div>
