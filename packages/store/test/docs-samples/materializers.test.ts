/**
 * Reference › State › Materializers (livestore-docs.txt, "# [Materializers]"): every sample, run
 * against a store. The docs leave `todos`, `table1`, `table2` and `tables` undefined: they are
 * defined here. Both samples of the docs miss the closing `)` of `State.SQLite.materializers(`;
 * it is added.
 */
import { Events, makeSchema, MaterializerError, Schema, State } from '@cairn/store'
import { describe, expect, it } from 'vitest'
import { captureConsoleLog, eventlogOf, makeStore } from './support.js'

// --- what the samples assume exists ---
const todos = State.SQLite.table({
  name: 'todos',
  columns: {
    id: State.SQLite.text({ primaryKey: true }),
    text: State.SQLite.text({ default: '' }),
    completed: State.SQLite.boolean({ default: false }),
    previousIds: State.SQLite.json({ schema: Schema.Array(Schema.String), default: [] }),
  },
})
const table1 = State.SQLite.table({
  name: 'table1',
  columns: { id: State.SQLite.text({ primaryKey: true }), someVal: State.SQLite.integer({ default: 1 }) },
})
const table2 = State.SQLite.table({
  name: 'table2',
  columns: { id: State.SQLite.text({ primaryKey: true }), otherVal: State.SQLite.text({ default: 'custom' }) },
})
/** Fills table1/table2 so the factory reset has something to reset. */
const seedEvents = {
  seeded: Events.synced({ name: 'test.Seeded', schema: Schema.Struct({ ids: Schema.Array(Schema.String) }) }),
}
const seedMaterializers = State.SQLite.materializers(seedEvents, {
  seeded: ({ ids }) => ids.flatMap((id) => [table1.insert({ id, someVal: 7 }), table2.insert({ id, otherVal: 'x' })]),
})

const logs = captureConsoleLog()

describe('docs: Materializers › Example', () => {
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
      schema: Schema.Struct({ }),
    }),
  }

  /**
   * A materializer function receives two arguments:
   * 1. `eventPayload`: The deserialized data of the event.
   * 2. `context`: An object containing:
   *    - `query`: A function to execute read queries against the current state of the database within the transaction.
   *    - `db`: The raw database instance (e.g., a Drizzle instance for SQLite).
   *    - `event`: The full event object, including metadata like event ID and timestamp.
   */
  const materializers = State.SQLite.materializers(events, {
    // Example of a single database write
    todoCreated: ({ id, text, completed }, ctx) => todos.insert({ id, text, completed: completed ?? false }),

    // Materializers can also have no return if no database writes are needed for an event
    userPreferencesUpdated: ({ userId, theme }, ctx) => {
      console.log(`User ${userId} updated theme to ${theme}. Event ID: ${ctx.event.id}`);
      // No database write in this materializer
    },

    // It's also possible to return multiple database writes as an array
    factoryResetApplied: (_payload, ctx) => [
      table1.update({ someVal: 0 }),
      table2.update({ otherVal: 'default' }),
      // ...
    ]
  })

  const schema = makeSchema({
    events: { ...events, ...seedEvents },
    state: State.SQLite.makeState({ tables: { todos, table1, table2 }, materializers: [materializers, seedMaterializers] }),
  })

  it('a single write: the payload arrives decoded, optional fields may be missing', async () => {
    const store = await makeStore(schema)
    store.commit(events.todoCreated({ id: '1', text: 'Buy milk' }))
    store.commit(events.todoCreated({ id: '2', text: 'Bake bread', completed: true }))
    expect(store.query(todos.select('id', 'completed').orderBy('id'))).toEqual([
      { id: '1', completed: false },
      { id: '2', completed: true },
    ])
  })

  it('no return: nothing written, the event is still committed; ctx.event carries the event id', async () => {
    const store = await makeStore(schema)
    store.commit(events.todoCreated({ id: '1', text: 'Buy milk' }))
    const seen: unknown[] = []
    store.subscribe(todos, (rows) => seen.push(rows), { skipInitialRun: true })
    store.commit(events.userPreferencesUpdated({ userId: 'u1', theme: 'dark' }))
    expect(logs).toEqual([['User u1 updated theme to dark. Event ID: e2']])
    expect(store.query(todos.count())).toBe(1)
    expect((await eventlogOf(store)).map((event) => event.name)).toEqual(['todoCreated', 'userPreferencesUpdated'])
    expect(seen).toEqual([])
  })

  it('an array of writes: all run, in one transaction', async () => {
    const store = await makeStore(schema)
    store.commit(seedEvents.seeded({ ids: ['a', 'b'] }))
    store.commit(events.factoryResetApplied({}))
    expect(store.query(table1.orderBy('id'))).toEqual([
      { id: 'a', someVal: 0 },
      { id: 'b', someVal: 0 },
    ])
    expect(store.query(table2.orderBy('id'))).toEqual([
      { id: 'a', otherVal: 'default' },
      { id: 'b', otherVal: 'default' },
    ])
  })

  it('the context: query, db and event with its metadata', async () => {
    const seen: unknown[] = []
    const probeEvents = { probed: Events.synced({ name: 'probed', schema: Schema.Struct({ n: Schema.Number }) }) }
    const probeSchema = makeSchema({
      events: { ...events, ...probeEvents },
      state: State.SQLite.makeState({
        tables: { todos, table1, table2 },
        materializers: [
          materializers,
          State.SQLite.materializers(probeEvents, {
            probed: ({ n }, ctx) => {
              seen.push({
                n,
                count: ctx.query(todos.count()),
                raw: ctx.db.select('SELECT count(*) AS c FROM todos'),
                event: { name: ctx.event.name, args: ctx.event.args, id: ctx.event.id, seqNum: ctx.event.seqNum },
              })
            },
          }),
        ],
      }),
    })
    const store = await makeStore(probeSchema)
    store.commit(events.todoCreated({ id: '1', text: 'Buy milk' }), probeEvents.probed({ n: 7 }))
    expect(seen).toEqual([
      {
        n: 7,
        count: 1,
        raw: [{ c: 1 }],
        event: { name: 'probed', args: { n: 7 }, id: 'e2', seqNum: { global: 2, client: 0, rebaseGeneration: 0 } },
      },
    ])
  })
})

describe('docs: Materializers › Reading from the database in materializers', () => {
  it('ctx.query reads the current state inside the transaction', async () => {
    const events = {
      todoCreated: Events.synced({
        name: 'todoCreated',
        schema: Schema.Struct({ id: Schema.String, text: Schema.String, completed: Schema.Boolean.pipe(Schema.optional) }),
      }),
    }

    const materializers = State.SQLite.materializers(events, {
      todoCreated: ({ id, text, completed }, ctx) => {
        const previousIds = ctx.query(todos.select('id'))
        return todos.insert({ id, text, completed: completed ?? false, previousIds })
      },
    })

    const store = await makeStore(makeSchema({ events, state: State.SQLite.makeState({ tables: { todos }, materializers }) }))
    store.commit(events.todoCreated({ id: '1', text: 'a' }))
    // Several events in one commit: each sees the writes of the events before it.
    store.commit(events.todoCreated({ id: '2', text: 'b' }), events.todoCreated({ id: '3', text: 'c' }))
    expect(store.query(todos.select('id', 'previousIds').orderBy('id'))).toEqual([
      { id: '1', previousIds: [] },
      { id: '2', previousIds: ['1'] },
      { id: '3', previousIds: ['1', '2'] },
    ])
  })
})

describe('docs: Materializers › Transactional behaviour and Error Handling', () => {
  const events = {
    todoCreated: Events.synced({ name: 'v1.TodoCreated', schema: Schema.Struct({ id: Schema.String, text: Schema.String }) }),
    todoRenamed: Events.synced({ name: 'v1.TodoRenamed', schema: Schema.Struct({ id: Schema.String, text: Schema.String }) }),
    todoDuplicated: Events.synced({ name: 'v1.TodoDuplicated', schema: Schema.Struct({ id: Schema.String }) }),
  }
  const materializers = State.SQLite.materializers(events, {
    'v1.TodoCreated': ({ id, text }) => todos.insert({ id, text }),
    // Writes first, then fails: the write must not survive.
    'v1.TodoRenamed': ({ id, text }, ctx) => {
      if (ctx.query(todos.where({ id }).count()) === 0) throw new Error(`no todo ${id}`)
      return [todos.update({ text }).where({ id }), todos.update({ completed: true }).where({ id: text })]
    },
    // The second write violates the primary key: SQLite refuses it.
    'v1.TodoDuplicated': ({ id }) => [todos.update({ text: 'changed' }).where({ id }), todos.insert({ id, text: 'copy' })],
  })
  const schema = makeSchema({ events, state: State.SQLite.makeState({ tables: { todos }, materializers }) })

  it('a materializer that throws: the commit throws, nothing of the event is stored or pushed', async () => {
    const store = await makeStore(schema)
    store.commit(events.todoCreated({ id: '1', text: 'Buy milk' }))
    expect(() => store.commit(events.todoRenamed({ id: 'nope', text: 'x' }))).toThrowError(MaterializerError)
    expect(() => store.commit(events.todoRenamed({ id: 'nope', text: 'x' }))).toThrowError(/no todo nope/)
    expect(store.query(todos.select('text'))).toEqual(['Buy milk'])
    expect((await eventlogOf(store)).map((event) => event.name)).toEqual(['v1.TodoCreated'])
    expect((await store._dev.syncStates()).session.headString).toBe('e1')
  })

  it('the error reads as one sentence per part (regression: no ".." after a cause ending in ".")', async () => {
    const lockEvents = { locked: Events.synced({ name: 'v1.Locked', schema: Schema.Struct({}) }) }
    const lockSchema = makeSchema({
      events: lockEvents,
      state: State.SQLite.makeState({
        tables: { todos },
        materializers: State.SQLite.materializers(lockEvents, {
          'v1.Locked': () => {
            throw new Error('The list is locked.')
          },
        }),
      }),
    })
    const store = await makeStore(lockSchema)
    expect(() => store.commit(lockEvents.locked({}))).toThrowError(
      'The materializer of event "v1.Locked" (e1) failed: The list is locked. The commit was rolled back',
    )
  })

  it('a write SQLite refuses rolls back the earlier writes of the same event', async () => {
    const store = await makeStore(schema)
    store.commit(events.todoCreated({ id: '1', text: 'Buy milk' }))
    expect(() => store.commit(events.todoDuplicated({ id: '1' }))).toThrowError(
      expect.objectContaining({ _tag: 'MaterializerError', eventName: 'v1.TodoDuplicated' }),
    )
    expect(store.query(todos.select('text'))).toEqual(['Buy milk'])
    expect((await eventlogOf(store)).map((event) => event.name)).toEqual(['v1.TodoCreated'])
    // The store keeps working after a failed commit.
    store.commit(events.todoRenamed({ id: '1', text: 'Buy oat milk' }))
    expect(store.query(todos.select('text'))).toEqual(['Buy oat milk'])
    expect((await eventlogOf(store)).map((event) => event.seqNum)).toEqual(['e1', 'e2'])
  })

  it('subscribers are not notified of a rolled-back commit', async () => {
    const store = await makeStore(schema)
    store.commit(events.todoCreated({ id: '1', text: 'Buy milk' }))
    const seen: unknown[] = []
    store.subscribe(todos.select('text'), (texts) => seen.push(texts))
    expect(() => store.commit(events.todoCreated({ id: '2', text: 'ok' }), events.todoDuplicated({ id: '1' }))).toThrow(
      MaterializerError,
    )
    expect(seen).toEqual([['Buy milk']])
    expect(store.query(todos.count())).toBe(1)
  })
})

describe('docs: Materializers › Best practices › Side-effect free / deterministic', () => {
  const tables = { todos }

  it("don't: an id generated in the materializer differs on every client that materializes the event", async () => {
    // Don't do this
    const events = {
      todoCreated: Events.synced({
        name: "v1.TodoCreated",
        schema: Schema.Struct({ text: Schema.String }),
      }),
    }

    const materializers = State.SQLite.materializers(events, {
      "v1.TodoCreated": ({ text }) =>
        tables.todos.insert({ id: crypto.randomUUID(), text }),
      //                          ^^^^^^^^^^^^^^^^^^^
      //                          This is non-deterministic
    })

    const schema = makeSchema({ events, state: State.SQLite.makeState({ tables, materializers }) })
    const [store, otherClient] = [await makeStore(schema, 'client-a'), await makeStore(schema, 'client-b')]

    store.commit(events.todoCreated({ text: 'Buy groceries' }))

    otherClient.commit(events.todoCreated({ text: 'Buy groceries' })) // the same event, materialized elsewhere
    const [here] = store.query(tables.todos.select('id'))
    const there = otherClient.query(tables.todos.select('id'))[0]
    expect(here).toMatch(/^[0-9a-f-]{36}$/)
    expect(there).not.toBe(here)
  })

  it('do: the id travels in the event payload, so every client writes the same row', async () => {
    // Instead do this
    const events = {
      todoCreated: Events.synced({
        name: "v1.TodoCreated",
        schema: Schema.Struct({ id: Schema.String, text: Schema.String }),
        //                      ^^^^^^^^^^^^^^^^^
        //                      Also include the id in the event payload
      }),
    }

    const materializers = State.SQLite.materializers(events, {
      "v1.TodoCreated": ({ id, text }) => tables.todos.insert({ id, text }),
    })

    const schema = makeSchema({ events, state: State.SQLite.makeState({ tables, materializers }) })
    const [store, otherClient] = [await makeStore(schema, 'client-a'), await makeStore(schema, 'client-b')]

    store.commit(events.todoCreated({ id: crypto.randomUUID(), text: 'Buy groceries' }))

    const [event] = await eventlogOf(store)
    otherClient.commit(events.todoCreated(event!.args as { id: string; text: string })) // the same event elsewhere
    expect(otherClient.query(tables.todos)).toEqual(store.query(tables.todos))
    expect(store.query(tables.todos.select('text'))).toEqual(['Buy groceries'])
  })
})
