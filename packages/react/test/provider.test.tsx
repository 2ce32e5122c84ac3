// @vitest-environment jsdom
import path from 'node:path'
import { makeAdapter, makeWorkerAdapter } from '@cairn/adapter-node'
import { createStorePromise, queryDb, StoreBootError, StoreShutdownError, type Adapter, type BootStatus, type Store } from '@cairn/store'
import { act, render, screen } from '@testing-library/react'
import { StrictMode, useEffect, type ReactNode } from 'react'
import { createRoot } from 'react-dom/client'
import { describe, expect, it, vi } from 'vitest'
import { tempDirectory } from '../../adapter-node/test/fixtures/stores.js'
import { v1, v2 } from '../../adapter-node/test/fixtures/todo-app.mjs'
import { createSyncServer, openSqliteStorage } from '@cairn/sync-server'
import { makeWsSync } from '@cairn/sync-ws'
import { WebSocket as WsWebSocket } from 'ws'
import { LiveStoreProvider, useQuery, useStore } from '../src/index.js'
import { events, schema, settle, tables, track } from './support.js'

const inMemory = () => makeAdapter({ storage: { type: 'in-memory' } })

/** The real in-memory adapter, counting its boots and recording the sync payload each got. */
const recordingAdapter = () => {
  const payloads: unknown[] = []
  const adapter: Adapter = (args) => {
    payloads.push(args.syncPayload)
    return inMemory()(args)
  }
  return { adapter, payloads }
}

/**
 * The adapter tests' leader worker (it loads the schema named by `schema` from their fixtures). A
 * path, not `new URL(..., import.meta.url)`: under jsdom, module URLs are http: URLs.
 */
const workerAdapter = (schema: 'v1' | 'v2', baseDirectory: string) =>
  makeWorkerAdapter({
    workerUrl: path.resolve('packages/adapter-node/test/fixtures/todo.worker.mjs'),
    storage: { type: 'fs', baseDirectory },
    workerOptions: { workerData: { schema } },
  })

const count$ = queryDb(tables.todos.count(), { label: 'count$' })

const Count = () => <p>count: {useQuery(count$)}</p>

describe('LiveStoreProvider', () => {
  it('boots the store, runs `boot` before the app renders, then renders the app with the store', async () => {
    let booted: Store<any> | undefined
    const firstCounts: number[] = []
    const App = () => {
      const { store } = useStore()
      const count = store.useQuery(count$)
      if (firstCounts.length === 0) firstCounts.push(count)
      return <p>count: {count}</p>
    }
    render(
      <LiveStoreProvider
        schema={schema}
        adapter={inMemory()}
        storeId="provider-boot"
        boot={(store) => {
          booted = track(store)
          store.commit(events.todoCreated({ id: 'seed', text: 'seeded in boot' }))
        }}
        renderLoading={(status) => <p>loading: {status.stage}</p>}
      >
        <App />
      </LiveStoreProvider>,
    )
    expect(screen.getByText('loading: loading')).toBeTruthy()
    expect(await screen.findByText('count: 1')).toBeTruthy()
    await settle()
    expect(firstCounts).toEqual([1])
    expect(booted?.storeId).toBe('provider-boot')
    act(() => booted!.commit(events.todoCreated({ id: 'b', text: 'two' })))
    expect(screen.getByText('count: 2')).toBeTruthy()
  })

  it('a commit between the first render of the app and its subscriptions is not lost', async () => {
    let booted: Store<any> | undefined
    const reactGlobals = globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean | undefined }
    const actEnvironment = reactGlobals.IS_REACT_ACT_ENVIRONMENT
    // React's own scheduling, as in a browser: DOM first, effects (subscriptions) in a later task.
    reactGlobals.IS_REACT_ACT_ENVIRONMENT = false
    const container = document.createElement('div')
    const root = createRoot(container)
    let committedBeforeEffects = false
    const observer = new MutationObserver(() => {
      if (committedBeforeEffects || container.textContent !== 'count: 0') return
      committedBeforeEffects = true
      booted!.commit(events.todoCreated({ id: 'a', text: 'one' }))
    })
    observer.observe(container, { childList: true, subtree: true, characterData: true })
    try {
      root.render(
        <LiveStoreProvider schema={schema} adapter={inMemory()} boot={(store) => void (booted = track(store))}>
          <Count />
        </LiveStoreProvider>,
      )
      await vi.waitFor(() => expect(container.textContent).toBe('count: 1'))
      expect(committedBeforeEffects).toBe(true)
    } finally {
      observer.disconnect()
      root.unmount()
      reactGlobals.IS_REACT_ACT_ENVIRONMENT = actEnvironment
    }
  })

  it('renderLoading gets each boot status the adapter reports, with its progress', async () => {
    const steps = [
      { stage: 'migrating', progress: { done: 0, total: 2 } },
      { stage: 'migrating', progress: { done: 1, total: 2 } },
      { stage: 'migrating', progress: { done: 2, total: 2 } },
    ] as const
    let next = (): void => {}
    // The real in-memory adapter, after reporting the steps one by one when the test says so.
    const adapter: Adapter = async (args) => {
      for (const step of steps) {
        await new Promise<void>((resolve) => (next = resolve))
        args.onBootStatus(step)
      }
      await new Promise<void>((resolve) => (next = resolve))
      return inMemory()(args)
    }
    const renderLoading = (status: BootStatus) =>
      'progress' in status ? (
        <p>
          {status.stage} {status.progress.done}/{status.progress.total}
        </p>
      ) : (
        <p>{status.stage}</p>
      )
    render(
      <LiveStoreProvider schema={schema} adapter={adapter} renderLoading={renderLoading} boot={(store) => void track(store)}>
        <Count />
      </LiveStoreProvider>,
    )
    expect(await screen.findByText('loading')).toBeTruthy()
    for (const step of steps) {
      await act(async () => next())
      expect(screen.getByText(`migrating ${step.progress.done}/${step.progress.total}`)).toBeTruthy()
    }
    await act(async () => next())
    expect(await screen.findByText('count: 0')).toBeTruthy()
  })

  it('renderError gets the typed error of a failing boot', async () => {
    const base = tempDirectory()
    // The worker runs the v1 schema, the app v2: the adapter refuses to boot.
    const adapter = workerAdapter('v1', base)
    render(
      <LiveStoreProvider
        schema={v2.schema}
        adapter={adapter}
        renderError={(error) => (
          <p role="alert">
            {(error as StoreBootError)._tag}: {((error as StoreBootError).cause as { _tag: string })._tag}
          </p>
        )}
      >
        <p>app</p>
      </LiveStoreProvider>,
    )
    expect((await screen.findByRole('alert', {}, { timeout: 10_000 })).textContent).toBe('StoreBootError: WorkerSchemaMismatchError')
    expect(screen.queryByText('app')).toBeNull()
  })

  it('renderError for a failing `boot` callback and for invalid options; the default renderError says what happened', async () => {
    const failing = render(
      <LiveStoreProvider
        schema={schema}
        adapter={inMemory()}
        boot={() => {
          throw new Error('seeding failed')
        }}
        renderError={(error) => <p role="alert">{(error as Error).message}</p>}
      >
        <p>app</p>
      </LiveStoreProvider>,
    )
    expect((await screen.findByRole('alert')).textContent).toBe('Store "default" failed to boot: seeding failed')
    failing.unmount()

    render(
      <LiveStoreProvider schema={schema} adapter={inMemory()} storeId="no spaces allowed">
        <p>app</p>
      </LiveStoreProvider>,
    )
    expect((await screen.findByRole('alert')).textContent).toMatch(/^The store could not start: Invalid storeId "no spaces allowed"/)
  })

  it('a new syncPayload reconnects sync with it; the app is not remounted and the store not rebooted', async () => {
    const server = await createSyncServer({
      port: 0,
      validatePayload: (payload) => (payload as { token?: unknown } | undefined)?.token === 'fresh',
      storage: await openSqliteStorage({ file: ':memory:' }),
    })
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {})
    try {
      // The `ws` client: jsdom's own WebSocket dispatches its events across two realms and breaks.
      const syncing = () => ({ backend: makeWsSync({ url: server.url, WebSocket: WsWebSocket, backoff: { initialMs: 50, maxMs: 500 } }) })
      const writer = track(
        await createStorePromise({
          schema,
          storeId: 'shared',
          adapter: makeAdapter({ storage: { type: 'in-memory' }, sync: syncing() }),
          syncPayload: { token: 'fresh' },
        }),
      )
      writer.commit(events.todoCreated({ id: 'w', text: 'from another client' }))
      await writer.awaitConfirmation()

      const payloads: unknown[] = []
      const syncingAdapter = makeAdapter({ storage: { type: 'in-memory' }, sync: syncing() })
      const adapter: Adapter = (args) => {
        payloads.push(args.syncPayload)
        return syncingAdapter(args)
      }
      let booted: Store<any> | undefined
      let mounts = 0
      const App = () => {
        useEffect(() => {
          mounts++
        }, [])
        return <p>count: {useQuery(count$)}</p>
      }
      const tree = (token: string) => (
        <LiveStoreProvider schema={schema} adapter={adapter} storeId="shared" syncPayload={{ token }} boot={(store) => void (booted = track(store))}>
          <App />
        </LiveStoreProvider>
      )
      const { rerender } = render(tree('expired'))
      expect(await screen.findByText('count: 0')).toBeTruthy()
      await vi.waitFor(() => expect(booted!.syncStatus().connection).toBe('failed'), { timeout: 10_000 })

      // Equal payload in a new object on every render: nothing changes.
      rerender(tree('expired'))
      expect(booted!.syncStatus().connection).toBe('failed')
      rerender(tree('fresh'))
      expect(await screen.findByText('count: 1', {}, { timeout: 10_000 })).toBeTruthy()
      expect(booted!.syncStatus().connection).toBe('connected')
      expect(payloads).toEqual([{ token: 'expired' }])
      expect(mounts).toBe(1)
    } finally {
      consoleError.mockRestore()
      await server.close()
    }
  })

  it('StrictMode: boots one store, renders the app, and shuts the store down after unmount', async () => {
    const { adapter, payloads } = recordingAdapter()
    let booted: Store<any> | undefined
    const view = render(
      <StrictMode>
        <LiveStoreProvider schema={schema} adapter={adapter} boot={(store) => void (booted = track(store))}>
          <Count />
        </LiveStoreProvider>
      </StrictMode>,
    )
    expect(await screen.findByText('count: 0')).toBeTruthy()
    await settle()
    act(() => booted!.commit(events.todoCreated({ id: 'a', text: 'one' })))
    expect(screen.getByText('count: 1')).toBeTruthy()
    expect(payloads).toHaveLength(1)

    view.unmount()
    await vi.waitFor(() => expect(() => booted!.query(count$)).toThrow(StoreShutdownError))
  })

  it('a new storeId boots another store (and shuts the previous one down)', async () => {
    const stores: Store<any>[] = []
    const tree = (storeId: string) => (
      <LiveStoreProvider schema={schema} adapter={inMemory()} storeId={storeId} boot={(store) => void stores.push(track(store))}>
        <p>{storeId}</p>
      </LiveStoreProvider>
    )
    const { rerender } = render(tree('one'))
    expect(await screen.findByText('one')).toBeTruthy()
    rerender(tree('two'))
    expect(await screen.findByText('two')).toBeTruthy()
    expect(stores.map((store) => store.storeId)).toEqual(['one', 'two'])
    await vi.waitFor(() => expect(() => stores[0]!.query(count$)).toThrow(StoreShutdownError))
    expect(stores[1]!.query(count$)).toBe(0)
  })

  it('renderShutdown when the app reads a store that was shut down', async () => {
    let booted: Store<any> | undefined
    const adapter = inMemory()
    const tree = (label: string) => (
      <LiveStoreProvider
        schema={schema}
        adapter={adapter}
        boot={(store) => void (booted = store)}
        renderShutdown={(error) => <p role="alert">{error._tag}</p>}
      >
        <p>{label}</p>
        <Count />
      </LiveStoreProvider>
    )
    const { rerender } = render(tree('first'))
    expect(await screen.findByText('count: 0')).toBeTruthy()
    await booted!.shutdown()
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {})
    try {
      rerender(tree('second'))
    } finally {
      consoleError.mockRestore()
    }
    expect(screen.getByRole('alert').textContent).toBe('StoreShutdownError')
  })

  it('renderShutdown as soon as the store shuts down by itself (hard reset), without a re-render', async () => {
    let booted: Store<any> | undefined
    render(
      <LiveStoreProvider
        schema={schema}
        adapter={inMemory()}
        boot={(store) => void (booted = store)}
        renderShutdown={(error) => <p role="alert">{error.message}</p>}
      >
        <Count />
      </LiveStoreProvider>,
    )
    expect(await screen.findByText('count: 0')).toBeTruthy()
    await act(async () => {
      await booted!._dev.hardReset()
    })
    expect((await screen.findByRole('alert')).textContent).toMatch(/store "default" has been shut down/)
    expect(screen.queryByText('count: 0')).toBeNull()
  })
})
