// Shared TodoMVC schema — LiveStore side.
// Keep byte-for-byte identical to bench/cairn/schema.mjs except for the import lines.
import { Events, makeSchema, Schema, State } from '@livestore/livestore'

/**
 * The todos table and its schema. `withPriority` adds one column (todos.priority): the fs suite
 * opens a store with it to make the next boot rebuild the state from the eventlog.
 */
export const buildTodoSchema = ({ withPriority = false } = {}) => {
  const todos = State.SQLite.table({
    name: 'todos',
    columns: {
      id: State.SQLite.text({ primaryKey: true }),
      text: State.SQLite.text({ default: '' }),
      completed: State.SQLite.boolean({ default: false }),
      deletedAt: State.SQLite.integer({ nullable: true, schema: Schema.DateFromNumber }),
      ...(withPriority ? { priority: State.SQLite.integer({ default: 0 }) } : {}),
    },
  })
  const materializers = State.SQLite.materializers(events, {
    'v1.TodoCreated': ({ id, text }) => todos.insert({ id, text, completed: false }),
    'v1.TodoCompleted': ({ id }) => todos.update({ completed: true }).where({ id }),
    'v1.TodoUncompleted': ({ id }) => todos.update({ completed: false }).where({ id }),
    'v1.TodoDeleted': ({ id, deletedAt }) => todos.update({ deletedAt }).where({ id }),
    'v1.TodoClearedCompleted': ({ deletedAt }) => todos.update({ deletedAt }).where({ completed: true }),
  })
  const state = State.SQLite.makeState({ tables: { todos }, materializers })
  return { todos, tables: { todos }, events, schema: makeSchema({ events, state }) }
}

export const events = {
  todoCreated: Events.synced({
    name: 'v1.TodoCreated',
    schema: Schema.Struct({ id: Schema.String, text: Schema.String }),
  }),
  todoCompleted: Events.synced({
    name: 'v1.TodoCompleted',
    schema: Schema.Struct({ id: Schema.String }),
  }),
  todoUncompleted: Events.synced({
    name: 'v1.TodoUncompleted',
    schema: Schema.Struct({ id: Schema.String }),
  }),
  todoDeleted: Events.synced({
    name: 'v1.TodoDeleted',
    schema: Schema.Struct({ id: Schema.String, deletedAt: Schema.Date }),
  }),
  todoClearedCompleted: Events.synced({
    name: 'v1.TodoClearedCompleted',
    schema: Schema.Struct({ deletedAt: Schema.Date }),
  }),
}

const v1 = buildTodoSchema()

export const todos = v1.todos
export const tables = v1.tables
export const schema = v1.schema

/** schema.mjs plus todos.priority: same events, another state hash. */
export const v2 = buildTodoSchema({ withPriority: true })
