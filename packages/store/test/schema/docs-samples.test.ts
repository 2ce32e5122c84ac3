/**
 * The schema samples of the documentation, with `@livestore/livestore` replaced by our schema
 * module, must compile and run. Kept as close to the docs' text as possible.
 */
import { describe, expect, it } from 'vitest'
import { Events, makeSchema, Schema, State } from '../../src/schema/index.js'
import { tableDdl } from '../../src/schema/internal.js'
import { openTestDb } from '../query-builder/support/sqlite-harness.js'

const userSchemaSample = () => {
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

  const userTable = State.SQLite.table({
    name: 'user',
    columns: {
      username: State.SQLite.text({ primaryKey: true }),
    },
  })

  const userListTable = State.SQLite.table({
    name: 'userList',
    columns: {
      workspaceId: State.SQLite.text({ primaryKey: true }),
    },
  })

  const tables = { user: userTable, userList: userListTable }

  const materializers = State.SQLite.materializers(events, {
    workspaceCreated: ({ workspaceId }) => tables.userList.insert({ workspaceId }),
    workspaceJoined: ({ workspaceId }) => tables.userList.insert({ workspaceId }),
  })

  const state = State.SQLite.makeState({ tables, materializers })

  return { schema: makeSchema({ events, state }), events, tables }
}

const workspaceSchemaSample = () => {
  const workspaceCreated = Events.synced({
    name: 'v1.ListCreated',
    schema: Schema.Struct({
      workspaceId: Schema.String,
      name: Schema.String,
      createdByUsername: Schema.String,
    }),
  })

  const todoAdded = Events.synced({
    name: 'v1.TodoAdded',
    schema: Schema.Struct({ todoId: Schema.String, text: Schema.String }),
  })

  const todoCompleted = Events.synced({
    name: 'v1.TodoCompleted',
    schema: Schema.Struct({ todoId: Schema.String }),
  })

  const todoDeleted = Events.synced({
    name: 'v1.TodoDeleted',
    schema: Schema.Struct({ todoId: Schema.String, deletedAt: Schema.Date }),
  })

  const userJoined = Events.synced({
    name: 'v1.UserJoined',
    schema: Schema.Struct({ username: Schema.String }),
  })

  const events = { workspaceCreated, todoAdded, todoCompleted, todoDeleted, userJoined }

  const workspaceTable = State.SQLite.table({
    name: 'workspace',
    columns: {
      workspaceId: State.SQLite.text({ primaryKey: true }),
      name: State.SQLite.text(),
      createdByUsername: State.SQLite.text(),
    },
  })

  const todoTable = State.SQLite.table({
    name: 'todo',
    columns: {
      todoId: State.SQLite.text({ primaryKey: true }),
      text: State.SQLite.text(),
      completed: State.SQLite.boolean({ default: false }),
      deletedAt: State.SQLite.integer({ nullable: true, schema: Schema.DateFromNumber }),
    },
  })

  const memberTable = State.SQLite.table({
    name: 'member',
    columns: {
      username: State.SQLite.text({ primaryKey: true }),
    },
  })

  const tables = { workspace: workspaceTable, todo: todoTable, member: memberTable }

  const materializers = State.SQLite.materializers(events, {
    workspaceCreated: ({ workspaceId, name, createdByUsername }) => [
      tables.workspace.insert({ workspaceId, name, createdByUsername }),
      tables.member.insert({ username: createdByUsername }),
    ],
    todoAdded: ({ todoId, text }) => tables.todo.insert({ todoId, text }),
    todoCompleted: ({ todoId }) => tables.todo.update({ completed: true }).where({ todoId }),
    todoDeleted: ({ todoId, deletedAt }) => tables.todo.update({ deletedAt }).where({ todoId }),
    userJoined: ({ username }) => tables.member.insert({ username }),
  })

  const state = State.SQLite.makeState({ tables, materializers })

  return { schema: makeSchema({ events, state }), events, tables }
}

describe('docs: todo app with shared workspaces', () => {
  it('user schema', async () => {
    const { schema, events, tables } = userSchemaSample()
    expect([...schema.eventsByName.keys()]).toEqual(['v1.ListCreated', 'v1.ListJoined'])
    const db = await openTestDb()
    db.create(tables.user, tables.userList)
    db.materialize(schema, events.workspaceCreated({ workspaceId: 'w1' }))
    db.materialize(schema, events.workspaceJoined({ workspaceId: 'w2' }))
    expect(db.run(tables.userList.select('workspaceId'))).toEqual(['w1', 'w2'])
  })

  it('workspace schema', async () => {
    const { schema, events, tables } = workspaceSchemaSample()
    const db = await openTestDb()
    for (const table of schema.tables.values()) for (const statement of tableDdl(table)) db.exec(statement)
    db.materialize(schema, events.workspaceCreated({ workspaceId: 'w', name: 'Home', createdByUsername: 'ann' }))
    db.materialize(schema, events.todoAdded({ todoId: 't1', text: 'Milk' }))
    db.materialize(schema, events.todoAdded({ todoId: 't2', text: 'Eggs' }))
    db.materialize(schema, events.todoCompleted({ todoId: 't1' }))
    db.materialize(schema, events.todoDeleted({ todoId: 't2', deletedAt: new Date(1000) }))
    db.materialize(schema, events.userJoined({ username: 'bob' }))
    expect(db.run(tables.todo.orderBy('todoId'))).toEqual([
      { todoId: 't1', text: 'Milk', completed: true, deletedAt: null },
      { todoId: 't2', text: 'Eggs', completed: false, deletedAt: new Date(1000) },
    ])
    expect(db.run(tables.member.select('username').orderBy('username'))).toEqual(['ann', 'bob'])
    expect(db.run(tables.workspace.first())).toEqual({ workspaceId: 'w', name: 'Home', createdByUsername: 'ann' })
  })
})

describe('docs: column types — JSON-encoded struct', () => {
  it('compiles and stores', async () => {
    const UserMetadata = Schema.Struct({
      petName: Schema.String,
      favoriteColor: Schema.Literal('red', 'blue', 'green'),
    })

    const userTable = State.SQLite.table({
      name: 'user',
      columns: {
        id: State.SQLite.text({ primaryKey: true }),
        name: State.SQLite.text(),
        metadata: State.SQLite.json({ schema: UserMetadata }),
      },
    })
    const db = await openTestDb()
    db.create(userTable)
    db.run(userTable.insert({ id: '1', name: 'Ann', metadata: { petName: 'Rex', favoriteColor: 'red' } }))
    const row = db.run(userTable.where({ id: '1' }).first())
    expect(row?.metadata.favoriteColor).toBe('red')
  })
})

describe('docs: SQL queries', () => {
  it('query builder samples and raw query schemas', async () => {
    const table = State.SQLite.table({
      name: 'my_table',
      columns: {
        id: State.SQLite.text({ primaryKey: true }),
        name: State.SQLite.text(),
      },
    })
    const db = await openTestDb()
    db.create(table)

    // Write queries
    db.run(table.insert({ id: '123', name: 'Bob' }))
    db.run(table.update({ name: 'Alice' }).where({ id: '123' }))
    // Read queries
    expect(db.run(table.select('name'))).toEqual(['Alice'])
    expect(db.run(table.where('name', '==', 'Alice')).length).toBe(1)
    expect(db.run(table.where({ name: 'Alice' })).length).toBe(1)
    expect(db.run(table.orderBy('name', 'desc').offset(10).limit(10))).toEqual([])
    expect(db.run(table.count().where('name', 'like', '%Ali%'))).toBe(1)

    const filteredSchema = Schema.Array(table.schema)
    expect(Schema.decodeUnknownSync(filteredSchema)(db.select(`select * from my_table where name = 'Alice'`))).toEqual([
      { id: '123', name: 'Alice' },
    ])
    const countSchema = Schema.Struct({ count: Schema.Number }).pipe(Schema.pluck('count'), Schema.Array, Schema.headOrElse())
    expect(Schema.decodeUnknownSync(countSchema)(db.select('select count(*) as count from my_table'))).toBe(1)

    db.run(table.delete().where({ id: '123' }))
    expect(db.run(table.count())).toBe(0)
  })
})

describe('docs: materializers', () => {
  it('single write, no write, several writes, ctx.query, keys by name', async () => {
    const todos = State.SQLite.table({
      name: 'todos',
      columns: {
        id: State.SQLite.text({ primaryKey: true }),
        text: State.SQLite.text(),
        completed: State.SQLite.boolean({ default: false }),
        previousIds: State.SQLite.json({ schema: Schema.Array(Schema.String), default: [] }),
      },
    })
    const settings = State.SQLite.table({
      name: 'settings',
      columns: { id: State.SQLite.text({ primaryKey: true }), someVal: State.SQLite.integer({ default: 1 }) },
    })
    const events = {
      todoCreated: Events.synced({
        name: 'todoCreated',
        schema: Schema.Struct({ id: Schema.String, text: Schema.String, completed: Schema.Boolean.pipe(Schema.optional) }),
      }),
      userPreferencesUpdated: Events.synced({
        name: 'userPreferencesUpdated',
        schema: Schema.Struct({ userId: Schema.String, theme: Schema.String }),
      }),
      factoryResetApplied: Events.synced({
        name: 'factoryResetApplied',
        schema: Schema.Struct({}),
      }),
      renamed: Events.synced({ name: 'v1.TodoRenamed', schema: Schema.Struct({ id: Schema.String, text: Schema.String }) }),
    }
    const seen: Array<string> = []
    const materializers = State.SQLite.materializers(events, {
      todoCreated: ({ id, text, completed }, ctx) => {
        const previousIds = ctx.query(todos.select('id'))
        return todos.insert({ id, text, completed: completed ?? false, previousIds })
      },
      userPreferencesUpdated: ({ userId, theme }, ctx) => {
        seen.push(`${userId}:${theme}:${ctx.event.id}`)
      },
      factoryResetApplied: (_payload, _ctx) => [
        todos.update({ completed: false }),
        settings.update({ someVal: 0 }),
        { sql: 'DELETE FROM settings WHERE id = ?', bindValues: ['gone'] },
      ],
      'v1.TodoRenamed': ({ id, text }) => todos.update({ text }).where({ id }),
    })
    const schema = makeSchema({ events, state: State.SQLite.makeState({ tables: { todos, settings }, materializers }) })
    const db = await openTestDb()
    db.create(todos, settings)
    db.run(settings.insert({ id: 'a', someVal: 5 }))
    db.run(settings.insert({ id: 'gone' }))
    db.materialize(schema, events.todoCreated({ id: '1', text: 'a', completed: true }))
    db.materialize(schema, events.todoCreated({ id: '2', text: 'b' }))
    db.materialize(schema, events.userPreferencesUpdated({ userId: 'u', theme: 'dark' }))
    db.materialize(schema, events.renamed({ id: '2', text: 'bb' }))
    db.materialize(schema, events.factoryResetApplied({}))
    expect(db.run(todos.orderBy('id'))).toEqual([
      { id: '1', text: 'a', completed: false, previousIds: [] },
      { id: '2', text: 'bb', completed: false, previousIds: ['1'] },
    ])
    expect(db.run(settings)).toEqual([{ id: 'a', someVal: 0 }])
    expect(seen).toEqual(['u:dark:e1'])
  })
})
