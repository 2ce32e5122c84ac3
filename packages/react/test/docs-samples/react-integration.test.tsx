// @vitest-environment jsdom
/**
 * Reference › React integration (livestore-docs.txt, "# [React integration for LiveStore]") and the
 * React samples of other sections (Reactivity System, Troubleshooting, Auth): each sample as
 * written, imports adapted to `@cairn/*`, rendered against a real store. The docs use `schema`,
 * `adapter`, `tables`, `App` and friends without defining them: they are defined here, per sample.
 */
import { makeAdapter } from '@cairn/adapter-node'
import { createStorePromise, Events, makeSchema, queryDb, Schema, signal, State, type Store } from '@cairn/store'
import { act, render, screen } from '@testing-library/react'
import React from 'react'
import { unstable_batchedUpdates as batchUpdates } from 'react-dom'
import { describe, expect, it } from 'vitest'
import { LiveStoreContext, LiveStoreProvider, useQuery, useStore } from '../../src/index.js'
import { settle, track } from '../support.js'

// --- what the samples assume exists ---
const tables = {
  todos: State.SQLite.table({
    name: 'todos',
    columns: {
      id: State.SQLite.text({ primaryKey: true }),
      text: State.SQLite.text({ default: '' }),
      completed: State.SQLite.boolean({ default: false }),
      createdAt: State.SQLite.integer({ default: 0 }),
    },
  }),
  issues: State.SQLite.table({
    name: 'issues',
    columns: { id: State.SQLite.text({ primaryKey: true }), title: State.SQLite.text({ default: '' }) },
  }),
}
const events = {
  todoCreated: Events.synced({
    name: 'v1.TodoCreated',
    schema: Schema.Struct({ id: Schema.String, text: Schema.String, createdAt: Schema.Number }),
  }),
  todoCompleted: Events.synced({ name: 'v1.TodoCompleted', schema: Schema.Struct({ id: Schema.String }) }),
  issueCreated: Events.synced({ name: 'v1.IssueCreated', schema: Schema.Struct({ id: Schema.String, title: Schema.String }) }),
}
const schema = makeSchema({
  events,
  state: State.SQLite.makeState({
    tables,
    materializers: State.SQLite.materializers(events, {
      'v1.TodoCreated': ({ id, text, createdAt }) => tables.todos.insert({ id, text, createdAt }),
      'v1.TodoCompleted': ({ id }) => tables.todos.update({ completed: true }).where({ id }),
      'v1.IssueCreated': ({ id, title }) => tables.issues.insert({ id, title }),
    }),
  }),
})
const adapter = makeAdapter({ storage: { type: 'in-memory' } })

/** A store made the way the "existing store" sample makes it, shut down after the test. */
const makeStore = async () => track(await createStorePromise({ schema, adapter: makeAdapter({ storage: { type: 'in-memory' } }) }))

const withStore = (store: Store<any>, children: React.ReactNode) => (
  <LiveStoreContext.Provider value={{ stage: 'running', store }}>{children}</LiveStoreContext.Provider>
)

describe('docs: React integration › API', () => {
  it('LiveStoreProvider (with batchUpdates from react-dom)', async () => {
    let booted: Store<any> | undefined
    const App = () => {
      const { store } = useStore()
      booted = store
      return <p>{store.useQuery(tables.todos.count())} todos</p>
    }

    const Root = () => {
      return (
        <LiveStoreProvider schema={schema} adapter={adapter} batchUpdates={batchUpdates} boot={(store) => void track(store)}>
          <App />
        </LiveStoreProvider>
      )
    }

    render(<Root />)
    expect(await screen.findByText('0 todos')).toBeTruthy()
    await settle()
    act(() => booted!.commit(events.todoCreated({ id: '1', text: 'Buy milk', createdAt: 1 })))
    expect(screen.getByText('1 todos')).toBeTruthy()
  })

  it('LiveStoreContext.Provider with an existing store', async () => {
    const App = () => <p>{useQuery(tables.todos.count())} todos</p>

    // The sample passes createStorePromise's promise as `store`; the context takes the store it resolves to.
    const store = await makeStore()
    store.commit(events.todoCreated({ id: '1', text: 'Buy milk', createdAt: 1 }))

    const Root = () => {
      return (
        <LiveStoreContext.Provider value={{ stage: 'running', store }}>
          <App />
        </LiveStoreContext.Provider>
      )
    }

    render(<Root />)
    expect(screen.getByText('1 todos')).toBeTruthy()
    act(() => store.commit(events.todoCreated({ id: '2', text: 'Walk dog', createdAt: 2 })))
    expect(screen.getByText('2 todos')).toBeTruthy()
  })

  it('useStore (committing in an effect)', async () => {
    const store = await makeStore()

    const MyComponent = () => {
      const { store } = useStore()

      React.useEffect(() => {
        // The sample commits `tables.todos.insert(...)`: Cairn changes state only through events
        // (the store refuses a table write), so the sample's row comes from an event here.
        store.commit(events.todoCreated({ id: '1', text: 'Hello, world!', createdAt: 1 }))
      }, [])

      return <div>...</div>
    }

    render(withStore(store, <MyComponent />))
    expect(screen.getByText('...')).toBeTruthy()
    expect(store.query(tables.todos.select('text'))).toEqual(['Hello, world!'])
  })

  it('useQuery (store.useQuery with a query builder)', async () => {
    const store = await makeStore()
    store.commit(
      events.todoCreated({ id: 'a', text: 'older', createdAt: 1 }),
      events.todoCreated({ id: 'b', text: 'newer', createdAt: 2 }),
      events.todoCreated({ id: 'c', text: 'open', createdAt: 3 }),
      events.todoCompleted({ id: 'a' }),
      events.todoCompleted({ id: 'b' }),
    )

    const query$ = tables.todos.query.where({ completed: true }).orderBy('createdAt', 'desc')

    const CompletedTodos = () => {
      const { store } = useStore()
      const todos = store.useQuery(query$)

      return <div>{todos.map((todo) => <div key={todo.id}>{todo.text}</div>)}</div>
    }

    const { container } = render(withStore(store, <CompletedTodos />))
    expect(Array.from(container.firstChild!.childNodes, (div) => div.textContent)).toEqual(['newer', 'older'])
    act(() => store.commit(events.todoCompleted({ id: 'c' })))
    expect(Array.from(container.firstChild!.childNodes, (div) => div.textContent)).toEqual(['open', 'newer', 'older'])
  })

  it('useClientDocument (a client document named todos)', async () => {
    // This sample's `tables.todos` is a client document whose value has a `text`.
    const tables = {
      todos: State.SQLite.clientDocument({ name: 'todos', schema: Schema.Struct({ text: Schema.String }), default: { value: { text: '' } } }),
    }
    const clientSchema = makeSchema({ events: {}, state: State.SQLite.makeState({ tables }) })
    const store = track(await createStorePromise({ schema: clientSchema, adapter: makeAdapter({ storage: { type: 'in-memory' } }) }))

    const TodoItem = ({ id }: { id: string }) => {
      const { store } = useStore()
      const [todo, updateTodo] = store.useClientDocument(tables.todos, id)

      return <div onClick={() => updateTodo({ text: 'Hello, world!' })}>{todo.text}</div>
    }

    const { container } = render(withStore(store, <TodoItem id="1" />))
    expect(container.textContent).toBe('')
    act(() => (container.firstChild as HTMLElement).click())
    expect(container.textContent).toBe('Hello, world!')
    expect(store.query(tables.todos.get('1'))).toEqual({ text: 'Hello, world!' })
  })
})

describe('docs: Reactivity System › Via framework integrations › React', () => {
  it('useQuery(state$) with a signal', async () => {
    const store = await makeStore()
    const state$ = signal(42, { label: 'state$' })

    const MyComponent = () => {
      const value = useQuery(state$)

      return <div>{value}</div>
    }

    render(withStore(store, <MyComponent />))
    expect(screen.getByText('42')).toBeTruthy()
    act(() => store.setSignal(state$, 43))
    expect(screen.getByText('43')).toBeTruthy()
  })

  it('Reacting to changing variables passed to queries (deps)', async () => {
    const store = await makeStore()
    store.commit(
      events.todoCreated({ id: 'a', text: 'done', createdAt: 1 }),
      events.todoCreated({ id: 'b', text: 'open', createdAt: 2 }),
      events.todoCompleted({ id: 'a' }),
    )

    const todos$ = ({ showCompleted }: { showCompleted: boolean }) => queryDb((get) => {
      return tables.todos.where(showCompleted ? { completed: true } : {})
    }, {
      label: 'todos$',
      deps: [showCompleted] // 👈 add to deps array
    })

    const MyComponent = ({ showCompleted }: { showCompleted: boolean }) => {
      const { store } = useStore()
      const todos = store.useQuery(todos$({ showCompleted }))

      return <div>{todos.length} Done</div>
    }

    const { rerender } = render(withStore(store, <MyComponent showCompleted={false} />))
    expect(screen.getByText('2 Done')).toBeTruthy()
    rerender(withStore(store, <MyComponent showCompleted={true} />))
    expect(screen.getByText('1 Done')).toBeTruthy()
  })
})

describe('docs: Troubleshooting › Query doesn\'t update properly', () => {
  it('queryDb inside useQuery, with the id in deps, follows the id', async () => {
    const store = await makeStore()
    store.commit(events.issueCreated({ id: 'i1', title: 'First' }), events.issueCreated({ id: 'i2', title: 'Second' }))

    const Issue = ({ issueId }: { issueId: string }) => {
      // Do this instead
      const query$ = useQuery(queryDb(tables.issues.query.where({ id: issueId }).first(), { deps: [issueId] }))
      return <p>{query$?.title}</p>
    }

    const { rerender } = render(withStore(store, <Issue issueId="i1" />))
    expect(screen.getByText('First')).toBeTruthy()
    rerender(withStore(store, <Issue issueId="i2" />))
    expect(screen.getByText('Second')).toBeTruthy()
  })
})

describe('docs: Auth › Pass an auth payload to the sync backend', () => {
  it('syncPayload reaches the adapter when the store boots', async () => {
    const user = { jwt: 'header.payload.signature' }
    const storeId = 'auth-sample'
    const payloads: unknown[] = []
    // The sample elides the adapter ("..."): a real one, recording what it is given.
    const recording: typeof adapter = (args) => {
      payloads.push(args.syncPayload)
      return makeAdapter({ storage: { type: 'in-memory' } })(args)
    }

    render(
      <LiveStoreProvider
        schema={schema}
        storeId={storeId}
        syncPayload={{
          authToken: user.jwt, // Using a JWT
        }}
        adapter={recording}
        boot={(store) => void track(store)}
      >
        <p>app</p>
      </LiveStoreProvider>,
    )
    expect(await screen.findByText('app')).toBeTruthy()
    expect(payloads).toEqual([{ authToken: 'header.payload.signature' }])
  })
})
