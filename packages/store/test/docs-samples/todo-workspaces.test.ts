/**
 * Data modeling › Todo app with shared workspaces (livestore-docs.txt): the two schemas of the
 * sample (`./todo-workspaces/*-schema.ts`, as written) run as two kinds of stores side by side:
 * one `user` store per user and one `workspace` store per workspace, each with its own eventlog
 * and SQLite database.
 */
import { QueryError, UnknownEventError } from '@cairn/store'
import { describe, expect, it } from 'vitest'
import * as userSchema from './todo-workspaces/user-schema.js'
import * as workspaceSchema from './todo-workspaces/workspace-schema.js'
import { eventlogOf, makeStore } from './support.js'

const userStore = (username: string) => makeStore(userSchema.schema, `user-${username}`)
const workspaceStore = (workspaceId: string) => makeStore(workspaceSchema.schema, `workspace-${workspaceId}`)

describe('docs: Todo app with shared workspaces', () => {
  it('a user creates a workspace, works in it, another user joins: each store holds its own part', async () => {
    const ann = await userStore('ann')
    const bob = await userStore('bob')
    const home = await workspaceStore('w1')
    const { events: userEvents, tables: userTables } = userSchema
    const { events: workspaceEvents, tables: workspaceTables } = workspaceSchema

    // Ann creates workspace w1: the event goes to both eventlogs, each self-sufficient.
    home.commit(workspaceEvents.workspaceCreated({ workspaceId: 'w1', name: 'Home', createdByUsername: 'ann' }))
    ann.commit(userEvents.workspaceCreated({ workspaceId: 'w1' }))

    home.commit(
      workspaceEvents.todoAdded({ todoId: 't1', text: 'Buy milk' }),
      workspaceEvents.todoAdded({ todoId: 't2', text: 'Fix the door' }),
    )
    home.commit(workspaceEvents.todoCompleted({ todoId: 't1' }))
    home.commit(workspaceEvents.todoDeleted({ todoId: 't2', deletedAt: new Date('2025-01-02T03:04:05.000Z') }))

    // Bob joins by knowing the workspace id.
    bob.commit(userEvents.workspaceJoined({ workspaceId: 'w1' }))
    home.commit(workspaceEvents.userJoined({ username: 'bob' }))

    // workspace store: one workspace row, the todos (soft-deleted one kept), the members
    expect(home.query(workspaceTables.workspace)).toEqual([{ workspaceId: 'w1', name: 'Home', createdByUsername: 'ann' }])
    expect(home.query(workspaceTables.todo.orderBy('todoId'))).toEqual([
      { todoId: 't1', text: 'Buy milk', completed: true, deletedAt: null },
      { todoId: 't2', text: 'Fix the door', completed: false, deletedAt: new Date('2025-01-02T03:04:05.000Z') },
    ])
    expect(home.query(workspaceTables.todo.where({ deletedAt: null }).select('text'))).toEqual(['Buy milk'])
    expect(home.query(workspaceTables.member.select('username').orderBy('username'))).toEqual(['ann', 'bob'])

    // user stores: the workspaces each user is part of
    expect(ann.query(userTables.userList.select('workspaceId'))).toEqual(['w1'])
    expect(bob.query(userTables.userList.select('workspaceId'))).toEqual(['w1'])
    expect(ann.query(userTables.user)).toEqual([]) // the sample has no event that writes the user row

    // separate eventlogs: 'v1.ListCreated' is in both, with each store's own arguments
    expect(await eventlogOf(ann)).toEqual([{ name: 'v1.ListCreated', args: { workspaceId: 'w1' }, seqNum: 'e1' }])
    expect(await eventlogOf(bob)).toEqual([{ name: 'v1.ListJoined', args: { workspaceId: 'w1' }, seqNum: 'e1' }])
    expect((await eventlogOf(home)).map((event) => `${event.seqNum} ${event.name}`)).toEqual([
      'e1 v1.ListCreated',
      'e2 v1.TodoAdded',
      'e3 v1.TodoAdded',
      'e4 v1.TodoCompleted',
      'e5 v1.TodoDeleted',
      'e6 v1.UserJoined',
    ])
    expect((await eventlogOf(home))[0]?.args).toEqual({ workspaceId: 'w1', name: 'Home', createdByUsername: 'ann' })
  })

  it('stores are isolated: another workspace, other tables, other events', async () => {
    const ann = await userStore('ann')
    const home = await workspaceStore('w1')
    const work = await workspaceStore('w2')
    const { events: userEvents } = userSchema
    const { events: workspaceEvents, tables: workspaceTables } = workspaceSchema

    home.commit(workspaceEvents.workspaceCreated({ workspaceId: 'w1', name: 'Home', createdByUsername: 'ann' }))
    work.commit(workspaceEvents.workspaceCreated({ workspaceId: 'w2', name: 'Work', createdByUsername: 'ann' }))
    ann.commit(userEvents.workspaceCreated({ workspaceId: 'w1' }), userEvents.workspaceCreated({ workspaceId: 'w2' }))
    home.commit(workspaceEvents.todoAdded({ todoId: 't1', text: 'Water plants' }))
    work.commit(workspaceEvents.todoAdded({ todoId: 't1', text: 'Write report' })) // same todoId, other store

    expect(home.query(workspaceTables.todo.select('text'))).toEqual(['Water plants'])
    expect(work.query(workspaceTables.todo.select('text'))).toEqual(['Write report'])
    expect(work.query(workspaceTables.workspace.select('name'))).toEqual(['Work'])
    expect(ann.query(userSchema.tables.userList.select('workspaceId').orderBy('workspaceId'))).toEqual(['w1', 'w2'])

    // A user store has no workspace tables and knows no workspace events.
    expect(() => ann.query({ query: 'SELECT * FROM todo', bindValues: [] })).toThrow(QueryError)
    expect(() => ann.commit(workspaceEvents.todoAdded({ todoId: 't9', text: 'wrong store' }))).toThrow(UnknownEventError)
    expect((await eventlogOf(ann)).length).toBe(2)
  })
})
