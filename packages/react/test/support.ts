/** Shared by the React tests: a TodoMVC-like schema and in-memory stores that are cleaned up after each test. */
import { makeAdapter } from '@cairn/adapter-node'
import { createStorePromise, Events, makeSchema, Schema, SessionIdSymbol, State, type LiveQueryDef, type LiveStoreSchema, type Store } from '@cairn/store'
import { act, cleanup } from '@testing-library/react'
import { afterEach } from 'vitest'

export const tables = {
  todos: State.SQLite.table({
    name: 'todos',
    columns: {
      id: State.SQLite.text({ primaryKey: true }),
      text: State.SQLite.text({ default: '' }),
      completed: State.SQLite.boolean({ default: false }),
    },
  }),
  notes: State.SQLite.table({
    name: 'notes',
    columns: { id: State.SQLite.text({ primaryKey: true }), body: State.SQLite.text({ default: '' }) },
  }),
  uiState: State.SQLite.clientDocument({
    name: 'uiState',
    schema: Schema.Struct({ newTodoText: Schema.String, filter: Schema.Literal('all', 'active', 'completed') }),
    default: { id: SessionIdSymbol, value: { newTodoText: '', filter: 'all' as const } },
  }),
  drafts: State.SQLite.clientDocument({ name: 'drafts', schema: Schema.String, default: { value: '' } }),
}

export const events = {
  todoCreated: Events.synced({ name: 'v1.TodoCreated', schema: Schema.Struct({ id: Schema.String, text: Schema.String }) }),
  todoCompleted: Events.synced({ name: 'v1.TodoCompleted', schema: Schema.Struct({ id: Schema.String }) }),
  todoRenamed: Events.synced({ name: 'v1.TodoRenamed', schema: Schema.Struct({ id: Schema.String, text: Schema.String }) }),
  noteAdded: Events.synced({ name: 'v1.NoteAdded', schema: Schema.Struct({ id: Schema.String, body: Schema.String }) }),
}

const materializers = State.SQLite.materializers(events, {
  'v1.TodoCreated': ({ id, text }) => tables.todos.insert({ id, text }),
  'v1.TodoCompleted': ({ id }) => tables.todos.update({ completed: true }).where({ id }),
  'v1.TodoRenamed': ({ id, text }) => tables.todos.update({ text }).where({ id }),
  'v1.NoteAdded': ({ id, body }) => tables.notes.insert({ id, body }),
})

export const schema = makeSchema({ events, state: State.SQLite.makeState({ tables, materializers }) })

const open: Array<Store<any>> = []

afterEach(async () => {
  // Unmount first: components let go of their queries before their store ends.
  cleanup()
  await Promise.all(open.splice(0).map((store) => store.shutdown()))
})

/** A store on the in-memory Node adapter, shut down after the current test. */
export const makeStore = async <S extends LiveStoreSchema = typeof schema>(storeSchema?: S): Promise<Store<S>> =>
  track(await createStorePromise({ schema: (storeSchema ?? schema) as S, adapter: makeAdapter({ storage: { type: 'in-memory' } }) }))

/** Registers a store made elsewhere so it is shut down after the test. */
export const track = <S extends Store<any>>(store: S): S => {
  open.push(store)
  return store
}

/**
 * Whether the store holds a node for `query`: reading a held, up-to-date query returns the kept
 * value, while a query nobody holds is computed afresh on each read. `runs` must count the query's
 * computations (e.g. from its `map`).
 */
export const isHeld = (store: Store<any>, query: LiveQueryDef<any>, runs: () => number): boolean => {
  store.query(query)
  const before = runs()
  store.query(query)
  return runs() === before
}

/**
 * Lets React finish what it scheduled outside of act(): a store that booted asynchronously renders
 * the app from a promise, and the app's passive effects (its query subscriptions) run in a later
 * task. A commit made before they run is picked up when they do, but only after the test's next
 * synchronous assertion; tests that commit right after a boot wait for them first.
 */
export const settle = (): Promise<void> => act(() => new Promise<void>((resolve) => setTimeout(resolve, 0)))
