// workspace-schema.ts — the docs sample "Todo app with shared workspaces › Schema" as written
// (imports adapted to `@cairn/store`; trailing whitespace trimmed).
import { Events, makeSchema, Schema, State } from '@cairn/store'

// Emitted when a new workspace is created (originates this store)
const workspaceCreated = Events.synced({
  name: 'v1.ListCreated',
  schema: Schema.Struct({
    workspaceId: Schema.String,
    name: Schema.String,
    createdByUsername: Schema.String,
  }),
})

// Emitted when a todo item is added to this workspace
const todoAdded = Events.synced({
  name: 'v1.TodoAdded',
  schema: Schema.Struct({ todoId: Schema.String, text: Schema.String }),
})

// Emitted when a todo item is marked as completed
const todoCompleted = Events.synced({
  name: 'v1.TodoCompleted',
  schema: Schema.Struct({ todoId: Schema.String }),
})

// Emitted when a todo item is deleted (soft delete)
const todoDeleted = Events.synced({
  name: 'v1.TodoDeleted',
  schema: Schema.Struct({ todoId: Schema.String, deletedAt: Schema.Date }),
})

// Emitted when a new user joins this workspace
const userJoined = Events.synced({
  name: 'v1.UserJoined',
  schema: Schema.Struct({ username: Schema.String }),
})

const events = { workspaceCreated, todoAdded, todoCompleted, todoDeleted, userJoined }

// Table for the workspace itself (only one row as this store is per-workspace)
const workspaceTable = State.SQLite.table({
  name: 'workspace',
  columns: {
    workspaceId: State.SQLite.text({ primaryKey: true }),
    name: State.SQLite.text(),
    createdByUsername: State.SQLite.text(),
  },
})

// Table for the todo items in this workspace
const todoTable = State.SQLite.table({
  name: 'todo',
  columns: {
    todoId: State.SQLite.text({ primaryKey: true }),
    text: State.SQLite.text(),
    completed: State.SQLite.boolean({ default: false }),
    // Using soft delete by adding a deletedAt timestamp
    deletedAt: State.SQLite.integer({ nullable: true, schema: Schema.DateFromNumber }),
  },
})

// Table for members of this workspace
const memberTable = State.SQLite.table({
  name: 'member',
  columns: {
    username: State.SQLite.text({ primaryKey: true }),
    // Could add role/permissions here later
  },
})

const tables = { workspace: workspaceTable, todo: todoTable, member: memberTable }

const materializers = State.SQLite.materializers(events, {
  workspaceCreated: ({ workspaceId, name, createdByUsername }) => [
    tables.workspace.insert({ workspaceId, name, createdByUsername }),
    // Add the creator as the first member
    tables.member.insert({ username: createdByUsername }),
  ],
  todoAdded: ({ todoId, text }) => tables.todo.insert({ todoId, text }),
  todoCompleted: ({ todoId }) => tables.todo.update({ completed: true }).where({ todoId }),
  todoDeleted: ({ todoId, deletedAt }) =>
    tables.todo.update({ deletedAt }).where({ todoId }),
  userJoined: ({ username }) => tables.member.insert({ username }),
})

const state = State.SQLite.makeState({ tables, materializers })

export const schema = makeSchema({ events, state })

// Not in the docs sample: exported so the tests can commit events and read tables.
export { events, tables }
