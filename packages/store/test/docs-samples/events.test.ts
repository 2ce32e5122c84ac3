/**
 * Reference › Events (livestore-docs.txt, "# [Events]"): every code sample, run against a store.
 * `./livestore/schema.js` holds the "Example" sample as written.
 */
import { Events, Schema, State, makeSchema } from '@cairn/store'
import { describe, expect, it } from 'vitest'
import { events, schema, tables } from './livestore/schema.js'
import { eventlogOf, makeStore } from './support.js'

describe('docs: Events › Event definitions › Example', () => {
  it('defines versioned, synced events whose definitions create the events to commit', () => {
    expect(events.todoCreated.name).toBe('v1.TodoCreated')
    expect(events.todoCompleted.name).toBe('v1.TodoCompleted')
    // `synced`: events that are synced across clients
    expect(events.todoCreated.options.clientOnly).toBe(false)
    expect(events.todoCreated({ id: '1', text: 'Buy milk' })).toEqual({
      name: 'v1.TodoCreated',
      args: { id: '1', text: 'Buy milk' },
    })
  })

  it('validates the arguments against the event schema', () => {
    expect(() => events.todoCompleted({ id: 1 } as never)).toThrowError(
      expect.objectContaining({ _tag: 'InvalidEventArgsError', message: expect.stringContaining('v1.TodoCompleted') }),
    )
  })

  it('the two event types: clientOnly events are processed locally, synced ones get a global sequence number', async () => {
    const clientOnlyEvents = {
      ...events,
      filterChanged: Events.clientOnly({ name: 'v1.FilterChanged', schema: Schema.Struct({ filter: Schema.String }) }),
    }
    const filter = State.SQLite.table({
      name: 'filter',
      columns: { id: State.SQLite.text({ primaryKey: true }), value: State.SQLite.text() },
    })
    const withClientOnly = makeSchema({
      events: clientOnlyEvents,
      state: State.SQLite.makeState({
        tables: { ...tables, filter },
        materializers: State.SQLite.materializers(clientOnlyEvents, {
          'v1.TodoCreated': ({ id, text }) => tables.todos.insert({ id, text }),
          'v1.TodoCompleted': ({ id }) => tables.todos.update({ completed: true }).where({ id }),
          'v1.FilterChanged': ({ filter: value }) => filter.insert({ id: 'only', value }).onConflict('id', 'replace'),
        }),
      }),
    })
    expect(clientOnlyEvents.filterChanged.options.clientOnly).toBe(true)
    const store = await makeStore(withClientOnly)
    store.commit(clientOnlyEvents.filterChanged({ filter: 'done' }))
    store.commit(events.todoCreated({ id: '1', text: 'Buy milk' }))
    expect(store.query(filter.select('value'))).toEqual(['done'])
    expect((await eventlogOf(store)).map((event) => [event.name, event.seqNum])).toEqual([
      ['v1.FilterChanged', 'e0.1'],
      ['v1.TodoCreated', 'e1'],
    ])
  })
})

describe('docs: Events › Commiting events', () => {
  it('store.commit(events.todoCreated(...)) materializes the event and appends it to the eventlog', async () => {
    const store = await makeStore(schema)

    // somewhere in your app
    store.commit(
    	events.todoCreated({ id: '1', text: 'Buy milk' })
    )

    expect(store.query(tables.todos)).toEqual([{ id: '1', text: 'Buy milk', completed: false }])
    // Eventlog: "the history of all events that have been committed ... is persisted in the client"
    expect(await eventlogOf(store)).toEqual([{ name: 'v1.TodoCreated', args: { id: '1', text: 'Buy milk' }, seqNum: 'e1' }])
  })

  it('the eventlog keeps every committed event in order', async () => {
    const store = await makeStore(schema)
    store.commit(events.todoCreated({ id: '1', text: 'Buy milk' }))
    store.commit(events.todoCreated({ id: '2', text: 'Bake bread' }), events.todoCompleted({ id: '1' }))
    expect((await eventlogOf(store)).map((event) => `${event.seqNum} ${event.name}`)).toEqual([
      'e1 v1.TodoCreated',
      'e2 v1.TodoCreated',
      'e3 v1.TodoCompleted',
    ])
  })
})
