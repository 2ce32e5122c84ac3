import { makeAdapter } from '@cairn/adapter-node'
import { createStorePromise, Events, makeSchema, Schema, SessionIdSymbol, State, type Store } from '@cairn/store'

export const tables = {
  todos: State.SQLite.table({
    name: 'todos',
    columns: {
      id: State.SQLite.text({ primaryKey: true }),
      text: State.SQLite.text({ default: '' }),
      completed: State.SQLite.boolean({ default: false }),
      deletedAt: State.SQLite.integer({ nullable: true, schema: Schema.DateFromNumber }),
    },
  }),
  uiState: State.SQLite.clientDocument({
    name: 'uiState',
    schema: Schema.Struct({ newTodoText: Schema.String, filter: Schema.Literal('all', 'active', 'completed') }),
    default: { id: SessionIdSymbol, value: { newTodoText: '', filter: 'all' as const } },
  }),
}

export const events = {
  todoCreated: Events.synced({ name: 'v1.TodoCreated', schema: Schema.Struct({ id: Schema.String, text: Schema.String }) }),
  todoCompleted: Events.synced({ name: 'v1.TodoCompleted', schema: Schema.Struct({ id: Schema.String }) }),
  todoUncompleted: Events.synced({ name: 'v1.TodoUncompleted', schema: Schema.Struct({ id: Schema.String }) }),
  todoDeleted: Events.synced({ name: 'v1.TodoDeleted', schema: Schema.Struct({ id: Schema.String, deletedAt: Schema.Date }) }),
  todoClearedCompleted: Events.synced({ name: 'v1.TodoClearedCompleted', schema: Schema.Struct({ deletedAt: Schema.Date }) }),
  /** Its materializer always throws: for rollback tests. */
  todoExploded: Events.synced({ name: 'v1.TodoExploded', schema: Schema.Struct({ id: Schema.String }) }),
  /** Writes through raw SQL and reads with ctx.query. */
  todoRenamedRaw: Events.synced({ name: 'v1.TodoRenamedRaw', schema: Schema.Struct({ id: Schema.String, text: Schema.String }) }),
}

const materializers = State.SQLite.materializers(events, {
  'v1.TodoCreated': ({ id, text }) => tables.todos.insert({ id, text, completed: false }),
  'v1.TodoCompleted': ({ id }) => tables.todos.update({ completed: true }).where({ id }),
  'v1.TodoUncompleted': ({ id }) => tables.todos.update({ completed: false }).where({ id }),
  'v1.TodoDeleted': ({ id, deletedAt }) => tables.todos.update({ deletedAt }).where({ id }),
  'v1.TodoClearedCompleted': ({ deletedAt }) => tables.todos.update({ deletedAt }).where({ completed: true }),
  'v1.TodoExploded': ({ id }) => [
    tables.todos.update({ text: 'half-done' }).where({ id }),
    { sql: 'INSERT INTO no_such_table VALUES (1)', bindValues: [] },
  ],
  'v1.TodoRenamedRaw': ({ id, text }, ctx) => {
    const existing = ctx.query(tables.todos.select('id'))
    if (!existing.includes(id)) throw new Error(`no todo ${id}`)
    return { sql: 'UPDATE todos SET text = ? WHERE id = ?', bindValues: [text, id] }
  },
})

export const schema = makeSchema({ events, state: State.SQLite.makeState({ tables, materializers }) })

export const makeStore = (storeId = 'test'): Promise<Store<typeof schema>> =>
  createStorePromise({ schema, adapter: makeAdapter({ storage: { type: 'in-memory' } }), storeId })

/**
 * A store whose session keeps undo information, as one a sync backend can rewind does. Without sync
 * a Node session is its leader's only one, can never be rewound, and records none.
 */
export const makeRewindableStore = (storeId = 'test'): Promise<Store<typeof schema>> => {
  const inMemory = makeAdapter({ storage: { type: 'in-memory' } })
  return createStorePromise({ schema, adapter: async (args) => ({ ...(await inMemory(args)), neverRewound: false }), storeId })
}
