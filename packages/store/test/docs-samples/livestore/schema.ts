// livestore/schema.ts — the module the reference samples import (`./livestore/schema.js`).
// The `events` are the "Events › Example" sample as written (imports adapted to `@cairn/store`);
// the docs leave the tables, materializers and schema to the reader, so they are added below.
import { Events, Schema, sql } from '@cairn/store'
import { makeSchema, State } from '@cairn/store'

export const events = {
  todoCreated: Events.synced({
    name: 'v1.TodoCreated',
    schema: Schema.Struct({ id: Schema.String, text: Schema.String }),
  }),
  todoCompleted: Events.synced({
    name: 'v1.TodoCompleted',
    schema: Schema.Struct({ id: Schema.String }),
  }),
}

// --- not in the docs sample: the state the samples of the "Store" section query ---

export const tables = {
  todos: State.SQLite.table({
    name: 'todos',
    columns: {
      id: State.SQLite.text({ primaryKey: true }),
      text: State.SQLite.text({ default: '' }),
      completed: State.SQLite.boolean({ default: false }),
    },
  }),
}

const materializers = State.SQLite.materializers(events, {
  'v1.TodoCreated': ({ id, text }) => tables.todos.insert({ id, text }),
  'v1.TodoCompleted': ({ id }) => tables.todos.update({ completed: true }).where({ id }),
})

export const schema = makeSchema({ events, state: State.SQLite.makeState({ tables, materializers }) })
