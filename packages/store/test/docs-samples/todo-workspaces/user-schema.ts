// user-schema.ts — the docs sample "Todo app with shared workspaces › Schema" as written
// (imports adapted to `@cairn/store`; trailing whitespace trimmed).
import { Events, makeSchema, Schema, State } from '@cairn/store'

// Emitted when this user creates a new workspace
const workspaceCreated = Events.synced({
  name: 'v1.ListCreated',
  schema: Schema.Struct({ workspaceId: Schema.String }),
})

// Emitted when this user joins an existing workspace
const workspaceJoined = Events.synced({
  name: 'v1.ListJoined',
  schema: Schema.Struct({ workspaceId: Schema.String }),
})

const events = { workspaceCreated, workspaceJoined }

// Table to store basic user info
// Contains only one row as this store is per-user.
const userTable = State.SQLite.table({
  name: 'user',
  columns: {
    // Assuming username is unique and used as the identifier
    username: State.SQLite.text({ primaryKey: true }),
  },
})

// Table to track which workspaces this user is part of
const userListTable = State.SQLite.table({
  name: 'userList',
  columns: {
    workspaceId: State.SQLite.text({ primaryKey: true }),
    // Could add role/permissions here later
  },
})

const tables = { user: userTable, userList: userListTable }

const materializers = State.SQLite.materializers(events, {
  // When the user creates or joins a workspace, add it to their workspace table
  workspaceCreated: ({ workspaceId }) => tables.userList.insert({ workspaceId }),
  workspaceJoined: ({ workspaceId }) => tables.userList.insert({ workspaceId }),
})

const state = State.SQLite.makeState({ tables, materializers })

export const schema = makeSchema({ events, state })

// Not in the docs sample: exported so the tests can commit events and read tables.
export { events, tables }
