import { describe, expect, it } from 'vitest'
import { computeStateHash, fnv1a64 } from '../../src/schema/internal.js'
import { Events, makeSchema, Schema, SchemaError, SessionIdSymbol, State } from '../../src/schema/index.js'

const todoCreated = Events.synced({ name: 'v1.TodoCreated', schema: Schema.Struct({ id: Schema.String }) })
const todoCleared = Events.synced({ name: 'v1.TodoCleared', schema: Schema.Struct({}) })
const localOnly = Events.clientOnly({ name: 'localThing', schema: Schema.Struct({}) })

const makeTodos = (columns?: Record<string, ReturnType<typeof State.SQLite.text>>) =>
  State.SQLite.table({ name: 'todos', columns: { id: State.SQLite.text({ primaryKey: true }), ...columns } })

const todos = makeTodos()
const events = { todoCreated, todoCleared, localOnly }
const materializers = State.SQLite.materializers(events, {
  todoCreated: ({ id }) => todos.insert({ id }),
  'v1.TodoCleared': () => todos.delete(),
})

describe('makeSchema', () => {
  it('indexes events, tables and materializers by name', () => {
    const schema = makeSchema({ events, state: State.SQLite.makeState({ tables: { todos }, materializers }) })
    expect(schema._tag).toBe('LiveStoreSchema')
    expect([...schema.eventsByName.keys()]).toEqual(['v1.TodoCreated', 'v1.TodoCleared', 'localThing'])
    expect([...schema.tables.keys()]).toEqual(['todos'])
    expect([...schema.materializers.keys()]).toEqual(['v1.TodoCreated', 'v1.TodoCleared'])
    expect(schema.stateHash).toMatch(/^[0-9a-f]{16}$/)
  })

  it('accepts events and tables as lists', () => {
    const schema = makeSchema({ events: [todoCreated, todoCleared], state: State.SQLite.makeState({ tables: [todos], materializers }) })
    expect(schema.eventsByName.size).toBe(2)
  })

  it('refuses a synced event without materializer, naming it', () => {
    const only = State.SQLite.materializers(events, { todoCreated: ({ id }) => todos.insert({ id }) })
    expect(() => makeSchema({ events, state: State.SQLite.makeState({ tables: { todos }, materializers: only }) })).toThrow(
      /synced event\(s\) "v1.TodoCleared" have no materializer/,
    )
  })

  it('allows a client-only event without materializer', () => {
    expect(() => makeSchema({ events, state: State.SQLite.makeState({ tables: { todos }, materializers }) })).not.toThrow()
  })

  it('refuses duplicate event names and materializers for unknown events', () => {
    const clash = Events.synced({ name: 'v1.TodoCreated', schema: Schema.Struct({}) })
    expect(() =>
      makeSchema({ events: { ...events, clash }, state: State.SQLite.makeState({ tables: { todos }, materializers }) }),
    ).toThrow(/two different events are named "v1.TodoCreated"/)
    expect(() => makeSchema({ events: { todoCreated }, state: State.SQLite.makeState({ tables: { todos }, materializers }) })).toThrow(
      /materializer for event "v1.TodoCleared", which is not in `events`/,
    )
  })

  it('refuses duplicate table names', () => {
    expect(() => State.SQLite.makeState({ tables: { a: todos, b: makeTodos() }, materializers })).toThrow(/two tables are named "todos"/)
  })

  it('refuses materializers that do not come from State.SQLite.materializers, with a typed error', () => {
    for (const given of [{}, { todoCreated: () => {} }, [{}], 'x']) {
      expect(() => State.SQLite.makeState({ tables: { todos }, materializers: given as never })).toThrowError(
        expect.objectContaining({ _tag: 'SchemaError', message: expect.stringMatching(/must come from State\.SQLite\.materializers/) }),
      )
    }
  })

  it('definitions called with missing or wrong options get a SchemaError saying what they take', () => {
    const anyOf = (value: unknown): never => value as never
    const definitions: Array<() => unknown> = [
      () => Events.synced(anyOf(undefined)),
      () => Events.clientOnly(anyOf(null)),
      () => State.SQLite.table(anyOf(undefined)),
      () => State.SQLite.table({ name: 't', columns: { a: State.SQLite.text() }, indexes: anyOf(5) }),
      () => State.SQLite.table({ name: 't', columns: { a: State.SQLite.text() }, indexes: anyOf([null]) }),
      () => State.SQLite.table({ name: 't', columns: { a: State.SQLite.text() }, indexes: anyOf([{ name: 'i', columns: 'a' }]) }),
      () => State.SQLite.json({ schema: anyOf(5) }),
      () => State.SQLite.text(anyOf('x')),
      () => State.SQLite.clientDocument(anyOf(undefined)),
      () => State.SQLite.clientDocument(anyOf({})),
      () => State.SQLite.clientDocument(anyOf({ name: 'd', schema: Schema.String })),
      () => State.SQLite.materializers(anyOf(5), anyOf(5)),
      () => State.SQLite.materializers(events, anyOf(5)),
      () => State.SQLite.makeState(anyOf(undefined)),
      () => State.SQLite.makeState({ tables: anyOf(5) }),
      () => makeSchema(anyOf(undefined)),
      () => makeSchema({ events: anyOf(5), state: State.SQLite.makeState({ tables: { todos }, materializers }) }),
    ]
    for (const define of definitions) expect(define).toThrowError(expect.objectContaining({ _tag: 'SchemaError' }))
  })

  it('materializers() refuses unknown keys and double handlers', () => {
    expect(() => State.SQLite.materializers(events, { nope: () => {} } as never)).toThrow(/matches no event/)
    expect(() =>
      State.SQLite.materializers(events, { todoCreated: () => {}, 'v1.TodoCreated': () => {} }),
    ).toThrow(/two materializers/)
  })

  it('refuses an event clashing with a client document Set event', () => {
    const doc = State.SQLite.clientDocument({ name: 'ui', schema: Schema.Struct({ a: Schema.String }), default: { id: SessionIdSymbol, value: { a: '' } } })
    const uiSet = Events.clientOnly({ name: 'uiSet', schema: Schema.Struct({}) })
    expect(() => makeSchema({ events: { uiSet }, state: State.SQLite.makeState({ tables: { doc } }) })).toThrow(/clashes/)
    // Including the document's own event is fine.
    expect(() => makeSchema({ events: { set: doc.Event }, state: State.SQLite.makeState({ tables: { doc } }) })).not.toThrow()
  })
})

describe('stateHash', () => {
  const hashOf = (...tables: ReadonlyArray<{ sqliteDef: any }>) => computeStateHash(tables.map((t) => t.sqliteDef))

  it('FNV-1a/64 matches reference vectors', () => {
    expect(fnv1a64('')).toBe('cbf29ce484222325')
    expect(fnv1a64('a')).toBe('af63dc4c8601ec8c')
    expect(fnv1a64('foobar')).toBe('85944171f73967e8')
  })

  it('is stable: same definitions, same hash, regardless of table order or thunk identity', () => {
    const a = State.SQLite.table({ name: 'a', columns: { id: State.SQLite.text({ primaryKey: true, default: () => 'x' }) } })
    const a2 = State.SQLite.table({ name: 'a', columns: { id: State.SQLite.text({ primaryKey: true, default: () => 'y' }) } })
    const b = State.SQLite.table({ name: 'b', columns: { n: State.SQLite.integer() } })
    expect(hashOf(a, b)).toBe(hashOf(b, a2))
    // Pinned: the hash must not change between runs or releases unless the canonical form does.
    expect(hashOf(todos)).toBe(hashOf(makeTodos()))
    expect(hashOf(todos)).toMatchInlineSnapshot(`"3641fc026fc7f61c"`)
  })

  it('changes with any column, type, nullability, key, default or index change', () => {
    const base = hashOf(makeTodos({ text: State.SQLite.text() }))
    const variants = [
      makeTodos({ text2: State.SQLite.text() }),
      makeTodos({ text: State.SQLite.text({ nullable: true }) }),
      makeTodos({ text: State.SQLite.text({ default: '' }) }),
      makeTodos({ text: State.SQLite.text({ default: { sql: "'x'" } }) }),
      makeTodos({ text: State.SQLite.text({ primaryKey: true }) }),
      makeTodos({ text: State.SQLite.json() as never }),
      State.SQLite.table({ name: 'todos', columns: { id: State.SQLite.text({ primaryKey: true }), text: State.SQLite.integer() } }),
      State.SQLite.table({ name: 'todos2', columns: { id: State.SQLite.text({ primaryKey: true }), text: State.SQLite.text() } }),
      State.SQLite.table({
        name: 'todos',
        columns: { id: State.SQLite.text({ primaryKey: true }), text: State.SQLite.text() },
        indexes: [{ name: 'i', columns: ['text'] }],
      }),
    ]
    const hashes = new Set([base, ...variants.map((v) => hashOf(v))])
    expect(hashes.size).toBe(variants.length + 1)
  })
})
