import { Events, makeSchema, Schema, SessionIdSymbol, State } from '@cairn/store'

export const tables = {
  todos: State.SQLite.table({
    name: 'todos',
    columns: {
      id: State.SQLite.text({ primaryKey: true }),
      text: State.SQLite.text({ default: '' }),
      createdAt: State.SQLite.real({ default: 0 }),
    },
  }),
  uiState: State.SQLite.clientDocument({
    name: 'uiState',
    schema: Schema.Struct({ draft: Schema.String }),
    default: { id: SessionIdSymbol, value: { draft: '' } },
  }),
}

export const events = {
  todoCreated: Events.synced({
    name: 'v1.TodoCreated',
    schema: Schema.Struct({ id: Schema.String, text: Schema.String, createdAt: Schema.Number }),
  }),
}

const materializers = State.SQLite.materializers(events, {
  'v1.TodoCreated': ({ id, text, createdAt }) => tables.todos.insert({ id, text, createdAt }),
})

export const schema = makeSchema({ events, state: State.SQLite.makeState({ tables, materializers }) })

/**
 * The next version of the app: `todos` gains a column, so the state's hash changes and the leader
 * rebuilds the state from the eventlog (a migration) when this version first opens the store.
 */
export const schemaV2 = makeSchema({
  events,
  state: State.SQLite.makeState({
    tables: {
      ...tables,
      todos: State.SQLite.table({
        name: 'todos',
        columns: {
          id: State.SQLite.text({ primaryKey: true }),
          text: State.SQLite.text({ default: '' }),
          createdAt: State.SQLite.real({ default: 0 }),
          done: State.SQLite.boolean({ default: false }),
        },
      }),
    },
    materializers,
  }),
})
