// @vitest-environment jsdom
import { computed, queryDb, signal, type Store } from '@cairn/store'
import { act, render, screen } from '@testing-library/react'
import { startTransition, StrictMode, useLayoutEffect, type ReactNode } from 'react'
import { createRoot } from 'react-dom/client'
import { describe, expect, it, vi } from 'vitest'
import { LiveStoreContext, StoreNotProvidedError, useQuery, useStore } from '../src/index.js'
import { events, isHeld, makeStore, tables } from './support.js'

const withStore = (store: Store<any>, children: ReactNode) => (
  <LiveStoreContext.Provider value={{ stage: 'running', store }}>{children}</LiveStoreContext.Provider>
)

/** A query that counts its computations, to tell whether a store still holds it. */
const countingQuery = () => {
  let runs = 0
  const query$ = queryDb(tables.todos.where({ completed: false }).orderBy('id', 'asc'), {
    label: 'open$',
    map: (rows) => {
      runs++
      return rows
    },
  })
  return { query$, runs: () => runs }
}

describe('useQuery', () => {
  it('has the result on the first render (no loading state) and follows commits', async () => {
    const store = await makeStore()
    store.commit(events.todoCreated({ id: 'a', text: 'Buy milk' }))
    const open$ = queryDb(tables.todos.where({ completed: false }), { label: 'open$' })
    const seen: string[][] = []
    const Todos = () => {
      const todos = useQuery(open$)
      seen.push(todos.map((todo) => todo.text))
      return <ul>{todos.map((todo) => <li key={todo.id}>{todo.text}</li>)}</ul>
    }
    render(withStore(store, <Todos />))
    expect(seen[0]).toEqual(['Buy milk'])
    expect(screen.getAllByRole('listitem').map((li) => li.textContent)).toEqual(['Buy milk'])

    act(() => store.commit(events.todoCreated({ id: 'b', text: 'Walk dog' })))
    expect(screen.getAllByRole('listitem').map((li) => li.textContent)).toEqual(['Buy milk', 'Walk dog'])
    act(() => store.commit(events.todoCompleted({ id: 'a' })))
    expect(screen.getAllByRole('listitem').map((li) => li.textContent)).toEqual(['Walk dog'])
  })

  it('re-renders a component only when its result changed', async () => {
    const store = await makeStore()
    store.commit(events.todoCreated({ id: 'a', text: 'one' }))
    const open$ = queryDb(tables.todos.where({ completed: false }).select('text'), { label: 'openTexts$' })
    let renders = 0
    const Texts = () => {
      renders++
      return <p>{useQuery(open$).join(',')}</p>
    }
    render(withStore(store, <Texts />))
    // Mounting (render, then subscribing) takes exactly one render: the subscribed result equals the first.
    expect(renders).toBe(1)

    act(() => store.commit(events.noteAdded({ id: 'n', body: 'another table' })))
    expect(renders).toBe(1)
    // Same table, same result: `completed` of a todo the query already excludes... and a rename to the same text.
    act(() => store.commit(events.todoRenamed({ id: 'a', text: 'one' })))
    expect(renders).toBe(1)

    act(() => store.commit(events.todoCreated({ id: 'b', text: 'two' })))
    expect(renders).toBe(2)
    expect(screen.getByText('one,two')).toBeTruthy()
    // Several events in one commit: one render.
    act(() => store.commit(events.todoCreated({ id: 'c', text: 'three' }), events.todoCompleted({ id: 'a' })))
    expect(renders).toBe(3)
    expect(screen.getByText('two,three')).toBeTruthy()
  })

  it('store.useQuery, a query builder, a signal and a computed', async () => {
    const store = await makeStore()
    store.commit(events.todoCreated({ id: 'a', text: 'one' }))
    const factor$ = signal(2, { label: 'factor$' })
    const count$ = queryDb(tables.todos.count(), { label: 'count$' })
    const scaled$ = computed((get) => get(count$) * get(factor$), { label: 'scaled$' })
    let renders = 0
    const View = () => {
      renders++
      const { store } = useStore()
      // A builder made anew on every render: same SQL, same subscription.
      const texts = store.useQuery(tables.todos.select('text').orderBy('id', 'asc'))
      return (
        <p>
          {texts.join(',')}|{store.useQuery(factor$)}|{useQuery(scaled$)}
        </p>
      )
    }
    render(withStore(store, <View />))
    expect(screen.getByText('one|2|2')).toBeTruthy()
    act(() => store.setSignal(factor$, 3))
    expect(screen.getByText('one|3|3')).toBeTruthy()
    act(() => store.commit(events.todoCreated({ id: 'b', text: 'two' })))
    expect(screen.getByText('one,two|3|6')).toBeTruthy()
    expect(renders).toBe(3)
  })

  it('a definition rebuilt on every render with the same deps keeps its subscription; new deps switch it', async () => {
    const store = await makeStore()
    store.commit(events.todoCreated({ id: 'a', text: 'one' }), events.todoCreated({ id: 'b', text: 'two' }))
    let computations = 0
    const Todo = ({ id }: { id: string }) => {
      const todo$ = queryDb(tables.todos.where({ id }).first(), {
        deps: [id],
        label: 'todo$',
        map: (todo) => {
          computations++
          return todo
        },
      })
      return <p>{useQuery(todo$)?.text}</p>
    }
    const { rerender } = render(withStore(store, <Todo id="a" />))
    expect(screen.getByText('one')).toBeTruthy()
    const afterMount = computations
    rerender(withStore(store, <Todo id="a" />))
    rerender(withStore(store, <Todo id="a" />))
    expect(computations).toBe(afterMount)
    rerender(withStore(store, <Todo id="b" />))
    expect(screen.getByText('two')).toBeTruthy()
    act(() => store.commit(events.todoRenamed({ id: 'b', text: 'TWO' })))
    expect(screen.getByText('TWO')).toBeTruthy()
  })

  it('unmounting releases the query; StrictMode mounts leave nothing behind either', async () => {
    const store = await makeStore()
    const { query$, runs } = countingQuery()
    const Todos = () => <p>{useQuery(query$).length}</p>
    expect(isHeld(store, query$, runs)).toBe(false)

    const { unmount } = render(withStore(store, <Todos />))
    expect(isHeld(store, query$, runs)).toBe(true)
    unmount()
    expect(isHeld(store, query$, runs)).toBe(false)

    // StrictMode renders twice and subscribes, unsubscribes and subscribes again.
    const strict = render(<StrictMode>{withStore(store, <Todos />)}</StrictMode>)
    expect(isHeld(store, query$, runs)).toBe(true)
    act(() => store.commit(events.todoCreated({ id: 'a', text: 'one' })))
    expect(screen.getByText('1')).toBeTruthy()
    strict.unmount()
    expect(isHeld(store, query$, runs)).toBe(false)
    const before = runs()
    store.commit(events.todoCreated({ id: 'b', text: 'two' }))
    expect(runs()).toBe(before)
  })

  it('StrictMode: a commit re-renders once per render pass, with the new result', async () => {
    const store = await makeStore()
    const count$ = queryDb(tables.todos.count(), { label: 'count$' })
    const seen: number[] = []
    const Count = () => {
      const count = useQuery(count$)
      seen.push(count)
      return <p>{count}</p>
    }
    render(<StrictMode>{withStore(store, <Count />)}</StrictMode>)
    expect(seen).toEqual([0, 0])
    act(() => store.commit(events.todoCreated({ id: 'a', text: 'one' })))
    expect(seen).toEqual([0, 0, 1, 1])
    expect(screen.getByText('1')).toBeTruthy()
  })

  it('no tearing: a commit in the middle of a concurrent render shows one result in all components', async () => {
    const store = await makeStore()
    const count$ = queryDb(tables.todos.count(), { label: 'count$' })
    const renderedValues: Array<[string, number]> = []
    const committed: Array<Record<string, number>> = []
    let current: Record<string, number> = {}
    const Reader = ({ name }: { name: string }) => {
      const count = useQuery(count$)
      renderedValues.push([name, count])
      useLayoutEffect(() => {
        current[name] = count
      })
      return (
        <p>
          {name}:{count}
        </p>
      )
    }
    let commitScheduled = false
    /** Commits from a timer and holds the render up, so that React yields to that timer before the second reader. */
    const Slow = () => {
      if (!commitScheduled) {
        commitScheduled = true
        setTimeout(() => store.commit(events.todoCreated({ id: 'a', text: 'one' })), 0)
      }
      const until = performance.now() + 20
      while (performance.now() < until) {}
      return null
    }
    const Report = () => {
      useLayoutEffect(() => {
        committed.push(current)
        current = {}
      })
      return null
    }
    // act() renders without yielding; a real concurrent render needs the plain scheduler.
    const reactGlobals = globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean | undefined }
    const actEnvironment = reactGlobals.IS_REACT_ACT_ENVIRONMENT
    reactGlobals.IS_REACT_ACT_ENVIRONMENT = false
    const container = document.createElement('div')
    const root = createRoot(container)
    try {
      startTransition(() =>
        root.render(
          withStore(
            store,
            <>
              <Reader name="first" />
              <Slow />
              <Reader name="second" />
              <Report />
            </>,
          ),
        ),
      )
      await vi.waitFor(() => expect(container.textContent).toBe('first:1second:1'))
    } finally {
      root.unmount()
      reactGlobals.IS_REACT_ACT_ENVIRONMENT = actEnvironment
    }
    // The first reader rendered before the commit and saw 0, the second after it and saw 1; React
    // noticed and committed neither that render nor any other where the two differ.
    expect(renderedValues).toContainEqual(['first', 0])
    expect(renderedValues).toContainEqual(['second', 1])
    expect(committed.length).toBeGreaterThan(0)
    for (const values of committed) expect(values.first).toBe(values.second)
  })

  it('a query that fails reaches the error boundary', async () => {
    const store = await makeStore()
    const broken$ = queryDb({ query: 'SELECT nope FROM todos', bindValues: [] }, { label: 'broken$' })
    const Broken = () => <p>{useQuery(broken$).length}</p>
    expect(() => render(withStore(store, <Broken />))).toThrow(/Query "broken\$" failed/)
  })

  it('outside a provider: a StoreNotProvidedError that says what to do', () => {
    const Orphan = () => <p>{useQuery(queryDb(tables.todos.count())).toString()}</p>
    const error = (() => {
      try {
        render(<Orphan />)
      } catch (error) {
        return error
      }
    })()
    expect(error).toBeInstanceOf(StoreNotProvidedError)
    expect((error as StoreNotProvidedError)._tag).toBe('StoreNotProvidedError')
    expect((error as Error).message).toMatch(/useQuery was called in a component that is not inside a <LiveStoreProvider>/)
    expect((error as Error).message).toMatch(/LiveStoreContext\.Provider value=\{\{ stage: 'running', store \}\}/)
  })
})
