/**
 * Reference › Reactivity System (livestore-docs.txt, "# [Reactivity System]"): every sample that
 * does not need a UI framework, run against a store. The docs use `tables`, `uiState$`, `count$`
 * and `store` without defining them: they are defined here.
 */
import { computed, Events, makeSchema, queryDb, Schema, signal, State } from '@cairn/store'
import { describe, expect, it, vi } from 'vitest'
import { captureConsoleLog, makeStore } from './support.js'

// --- what the samples assume exists ---
const tables = {
  todos: State.SQLite.table({
    name: 'todos',
    columns: {
      id: State.SQLite.text({ primaryKey: true }),
      text: State.SQLite.text({ default: '' }),
      completed: State.SQLite.boolean({ default: false }),
      createdAt: State.SQLite.integer(),
    },
  }),
  uiState: State.SQLite.clientDocument({
    name: 'uiState',
    schema: Schema.Struct({ showCompleted: Schema.Boolean }),
    default: { id: 'ui', value: { showCompleted: false } },
  }),
}
const events = {
  todoCreated: Events.synced({
    name: 'v1.TodoCreated',
    schema: Schema.Struct({ id: Schema.String, text: Schema.String, createdAt: Schema.Number }),
  }),
  todoCompleted: Events.synced({ name: 'v1.TodoCompleted', schema: Schema.Struct({ id: Schema.String }) }),
}
const schema = makeSchema({
  events,
  state: State.SQLite.makeState({
    tables,
    materializers: State.SQLite.materializers(events, {
      'v1.TodoCreated': ({ id, text, createdAt }) => tables.todos.insert({ id, text, createdAt }),
      'v1.TodoCompleted': ({ id }) => tables.todos.update({ completed: true }).where({ id }),
    }),
  }),
})
const uiState$ = queryDb(tables.uiState.get('ui'), { label: 'uiState$' })
const count$ = queryDb(tables.todos.count(), { label: 'count$' })

const texts = (rows: ReadonlyArray<{ readonly text: string }>) => rows.map((row) => row.text)

const logs = captureConsoleLog()

describe('docs: Reactivity System › Reactive SQL queries', () => {
  it('queryDb over a query builder: ordered rows, named by its label, re-run on commits', async () => {
    const store = await makeStore(schema)

    const todos$ = queryDb(tables.todos.orderBy('createdAt', 'desc'), { label: 'todos$' })

    expect(todos$.label).toBe('todos$')
    expect(store.query(todos$)).toEqual([])
    store.commit(events.todoCreated({ id: 'a', text: 'first', createdAt: 1 }))
    store.commit(events.todoCreated({ id: 'b', text: 'second', createdAt: 2 }))
    expect(texts(store.query(todos$))).toEqual(['second', 'first'])
  })

  it('callback syntax: depends on another query (uiState$) and follows it', async () => {
    const store = await makeStore(schema)
    store.commit(
      events.todoCreated({ id: 'a', text: 'open', createdAt: 1 }),
      events.todoCreated({ id: 'b', text: 'done', createdAt: 2 }),
      events.todoCompleted({ id: 'b' }),
    )

    // Or using callback syntax to depend on other queries
    const todos$ = queryDb((get) => {
      const { showCompleted } = get(uiState$)
      return tables.todos.where(showCompleted ? { completed: true } : {})
    }, { label: 'todos$' })

    expect(todos$.label).toBe('todos$')
    const seen: string[][] = []
    store.subscribe(todos$, (todos) => seen.push(texts(todos)))
    expect(seen).toEqual([['open', 'done']])

    store.commit(tables.uiState.set({ showCompleted: true }, 'ui'))
    expect(seen).toEqual([['open', 'done'], ['done']])
    expect(texts(store.query(todos$))).toEqual(['done'])

    // Fine-grained: a commit that does not change the result does not notify.
    store.commit(events.todoCreated({ id: 'c', text: 'another open one', createdAt: 3 }))
    expect(seen).toEqual([['open', 'done'], ['done']])
    store.commit(events.todoCompleted({ id: 'c' }))
    expect(seen).toEqual([['open', 'done'], ['done'], ['done', 'another open one']])
  })
})

describe('docs: Reactivity System › Signals', () => {
  it('now$: a signal set from a timer every second', async () => {
    const store = await makeStore(schema)
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] })
    try {
      const now$ = signal(Date.now(), { label: 'now$' })

      setInterval(() => {
        store.setSignal(now$, Date.now())
      }, 1000)

      const start = Date.now()
      expect(now$.label).toBe('now$')
      expect(store.query(now$)).toBe(start)
      const seen: number[] = []
      store.subscribe(now$, (now) => seen.push(now), { skipInitialRun: true })
      vi.advanceTimersByTime(999)
      expect(store.query(now$)).toBe(start)
      vi.advanceTimersByTime(1)
      expect(store.query(now$)).toBe(start + 1000)
      vi.advanceTimersByTime(2000)
      expect(seen).toEqual([start + 1000, start + 2000, start + 3000])
    } finally {
      vi.clearAllTimers()
      vi.useRealTimers()
    }
  })

  it('counter: setSignal with an updater; store.query reads the value', async () => {
    const store = await makeStore(schema)

    // Counter example
    const num$ = signal(0, { label: 'num$' })
    const increment = () => store.setSignal(num$, (prev) => prev + 1)

    increment()
    increment()

    console.log(store.query(num$)) // 2

    expect(logs).toEqual([[2]])
  })

  it('a signal has its own value in each store', async () => {
    const a = await makeStore(schema, 'a')
    const b = await makeStore(schema, 'b')
    const num$ = signal(0, { label: 'num$' })
    a.setSignal(num$, 5)
    expect([a.query(num$), b.query(num$)]).toEqual([5, 0])
  })
})

describe('docs: Reactivity System › Computed values', () => {
  it('duplicated$ follows num$', async () => {
    const store = await makeStore(schema)

    const num$ = signal(0, { label: 'num$' })
    const duplicated$ = computed((get) => get(num$) * 2, { label: 'duplicated$' })

    expect(duplicated$.label).toBe('duplicated$')
    expect(store.query(duplicated$)).toBe(0)
    const seen: number[] = []
    store.subscribe(duplicated$, (value) => seen.push(value))
    store.setSignal(num$, 21)
    expect(store.query(duplicated$)).toBe(42)
    store.setSignal(num$, 21) // unchanged: no notification
    expect(seen).toEqual([0, 42])
  })
})

describe('docs: Reactivity System › Accessing reactive state › Using the Store instance', () => {
  it('one-off query', async () => {
    const store = await makeStore(schema)
    store.commit(events.todoCreated({ id: 'a', text: 'a', createdAt: 1 }))

    // One-off query
    const count = store.query(count$)

    expect(count).toBe(1)
  })

  it('subscribing: the subscriber gets the value now and after each change', async () => {
    const store = await makeStore(schema)
    // By subscribing to the reactive state value
    const unsub = count$.subscribe((count) => {
      console.log(count)
    })
    store.commit(events.todoCreated({ id: 'a', text: 'a', createdAt: 1 }))
    store.commit(events.todoCompleted({ id: 'a' })) // count unchanged: not logged
    unsub()
    store.commit(events.todoCreated({ id: 'b', text: 'b', createdAt: 2 }))
    expect(logs).toEqual([[0], [1]])
  })

  it('def.subscribe needs a store when none or several are running', async () => {
    expect(() => count$.subscribe(() => {})).toThrowError(expect.objectContaining({ _tag: 'InvalidArgumentError', message: expect.stringContaining('no store is running') }))
    const first = await makeStore(schema, 'first')
    const second = await makeStore(schema, 'second')
    expect(() => count$.subscribe(() => {})).toThrowError(expect.objectContaining({ message: expect.stringContaining('2 stores are running') }))
    const seen: number[] = []
    const unsub = count$.subscribe((count) => seen.push(count), { store: second })
    second.commit(events.todoCreated({ id: 'a', text: 'a', createdAt: 1 }))
    first.commit(events.todoCreated({ id: 'b', text: 'b', createdAt: 1 }))
    unsub()
    expect(seen).toEqual([0, 1])
  })
})

describe('docs: Reactivity System › Reacting to changing variables passed to queries', () => {
  it('deps: a definition rebuilt with equal deps is the same query; new deps give a new query', async () => {
    const store = await makeStore(schema)
    store.commit(
      events.todoCreated({ id: 'a', text: 'open', createdAt: 1 }),
      events.todoCreated({ id: 'b', text: 'done', createdAt: 2 }),
      events.todoCompleted({ id: 'b' }),
    )

    const todos$ = ({ showCompleted }: { showCompleted: boolean }) => queryDb((get) => {
      return tables.todos.where(showCompleted ? { completed: true } : {})
    }, {
      label: 'todos$',
      deps: [showCompleted] // 👈 add to deps array
    })

    // What `store.useQuery(todos$({ showCompleted }))` does on each render, without React:
    expect(todos$({ showCompleted: true }).key).toEqual(todos$({ showCompleted: true }).key)
    expect(todos$({ showCompleted: true }).key).not.toEqual(todos$({ showCompleted: false }).key)
    expect(store.query(todos$({ showCompleted: true })).length).toBe(1)
    expect(store.query(todos$({ showCompleted: false })).length).toBe(2)

    const seen: number[] = []
    store.subscribe(todos$({ showCompleted: true }), (todos) => seen.push(todos.length))
    store.commit(events.todoCompleted({ id: 'a' }))
    expect(seen).toEqual([1, 2])
    expect(store.query(todos$({ showCompleted: true })).length).toBe(2)
  })
})
