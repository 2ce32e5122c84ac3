import { beforeEach, describe, expect, it } from 'vitest'
import { compileQuery } from '../../src/query-builder/internal.js'
import { encodeEventArgs, isClientDocumentTable, tableDdl } from '../../src/schema/internal.js'
import { Events, InvalidEventArgsError, makeSchema, Schema, SchemaError, SessionIdSymbol, State } from '../../src/schema/index.js'
import { openTestDb, type TestDb } from '../query-builder/support/sqlite-harness.js'

const uiState = State.SQLite.clientDocument({
  name: 'uiState',
  schema: Schema.Struct({ newTodoText: Schema.String, filter: Schema.Literal('all', 'active', 'completed'), openedAt: Schema.Date }),
  default: { id: SessionIdSymbol, value: { newTodoText: '', filter: 'all', openedAt: new Date(0) } },
})

const drafts = State.SQLite.clientDocument({
  name: 'drafts',
  schema: Schema.String,
  default: { value: '' },
})

const todoCreated = Events.synced({ name: 'todoCreated', schema: Schema.Struct({ id: Schema.String }) })
const todos = State.SQLite.table({ name: 'todos', columns: { id: State.SQLite.text({ primaryKey: true }) } })
const schema = makeSchema({
  events: { todoCreated },
  state: State.SQLite.makeState({
    tables: { todos, uiState, drafts },
    materializers: State.SQLite.materializers({ todoCreated }, { todoCreated: ({ id }) => todos.insert({ id }) }),
  }),
})

let db: TestDb
beforeEach(async () => {
  db = await openTestDb('session-A')
  for (const table of schema.tables.values()) for (const statement of tableDdl(table)) db.exec(statement)
})

describe('clientDocument', () => {
  it('is a table (id TEXT PRIMARY KEY, value TEXT)', () => {
    expect(isClientDocumentTable(uiState)).toBe(true)
    expect(tableDdl(uiState)).toEqual(['CREATE TABLE IF NOT EXISTS "uiState" ("id" TEXT NOT NULL PRIMARY KEY, "value" TEXT NOT NULL)'])
    expect(uiState.default.id).toBe(SessionIdSymbol)
  })

  it('set returns the ${name}Set event with the default id, or the given one', () => {
    expect(uiState.set({ filter: 'active' })).toEqual({ name: 'uiStateSet', args: { id: SessionIdSymbol, value: { filter: 'active' } } })
    expect(uiState.set({ newTodoText: 'x' }, 'other')).toEqual({ name: 'uiStateSet', args: { id: 'other', value: { newTodoText: 'x' } } })
    expect(uiState.eventDef.name).toBe('uiStateSet')
    expect(uiState.Event).toBe(uiState.eventDef)
    expect(uiState.eventDef.options.clientOnly).toBe(true)
  })

  it('set validates the partial value', () => {
    expect(() => uiState.set({ filter: 'nope' } as never)).toThrow(InvalidEventArgsError)
    expect(() => uiState.set({ filter: 'nope' } as never)).toThrow(/value\.filter/)
  })

  it('a document without default id needs one', () => {
    expect(() => (drafts.set as (value: string) => unknown)('x')).toThrow(/has no default id/)
    expect(drafts.set('hello', 'd1')).toEqual({ name: 'draftsSet', args: { id: 'd1', value: 'hello' } })
  })

  it('get compiles with SessionIdSymbol in bindValues (the store substitutes it)', () => {
    const compiled = compileQuery(uiState.get())
    expect(compiled.sql).toBe('SELECT "value" FROM "uiState" WHERE "id" = ? LIMIT ?')
    expect(compiled.bindValues).toEqual([SessionIdSymbol, 1])
    expect(compileQuery(uiState.get('x')).bindValues).toEqual(['x', 1])
  })

  it('get returns the default until set, then the merged value', () => {
    expect(db.run(uiState.get())).toEqual({ newTodoText: '', filter: 'all', openedAt: new Date(0) })
    db.materialize(schema, uiState.set({ filter: 'active' }))
    expect(db.run(uiState.get())).toEqual({ newTodoText: '', filter: 'active', openedAt: new Date(0) })
    db.materialize(schema, uiState.set({ newTodoText: 'milk', openedAt: new Date(5) }))
    expect(db.run(uiState.get())).toEqual({ newTodoText: 'milk', filter: 'active', openedAt: new Date(5) })
    expect(db.run(uiState.get('session-A'))).toEqual(db.run(uiState.get()))
    expect(db.run(uiState.get('session-B'))).toEqual({ newTodoText: '', filter: 'all', openedAt: new Date(0) })
    // Stored with the session id and the schema's JSON form.
    expect(db.select('SELECT * FROM uiState')).toEqual([
      { id: 'session-A', value: '{"newTodoText":"milk","filter":"active","openedAt":"1970-01-01T00:00:00.005Z"}' },
    ])
  })

  it('non-struct documents are replaced', () => {
    db.materialize(schema, drafts.set('one', 'd'))
    db.materialize(schema, drafts.set('two', 'd'))
    expect(db.run(drafts.get('d'))).toBe('two')
    expect(db.run(drafts.get('none'))).toBe('')
  })

  it('reads fields added since the value was stored from the default, and an incompatible value as the default', () => {
    db.exec(`INSERT INTO uiState VALUES ('old', '{"filter":"completed"}'), ('bad', '{"filter":42}'), ('junk', 'not json')`)
    expect(db.run(uiState.get('old'))).toEqual({ newTodoText: '', filter: 'completed', openedAt: new Date(0) })
    expect(db.run(uiState.get('bad'))).toEqual(uiState.default.value)
    expect(db.run(uiState.get('junk'))).toEqual(uiState.default.value)
  })

  it('a set naming every field replaces the stored value, readable or not', () => {
    db.exec(`INSERT INTO uiState VALUES ('session-A', 'not json')`)
    db.materialize(schema, uiState.set({ newTodoText: 'a', filter: 'completed', openedAt: new Date(7) }))
    expect(db.run(uiState.get())).toEqual({ newTodoText: 'a', filter: 'completed', openedAt: new Date(7) })
    db.materialize(schema, uiState.set({ filter: 'all' }))
    expect(db.run(uiState.get())).toEqual({ newTodoText: 'a', filter: 'all', openedAt: new Date(7) })
  })

  it('a document of plain fields (no Date etc.) reads and merges the same way', () => {
    const selection = State.SQLite.clientDocument({
      name: 'selection',
      schema: Schema.Struct({ selected: Schema.NullOr(Schema.Number), mode: Schema.Literal('one', 'many') }),
      default: { id: SessionIdSymbol, value: { selected: null, mode: 'one' } },
    })
    const plainSchema = makeSchema({ events: {}, state: State.SQLite.makeState({ tables: { selection } }) })
    for (const statement of tableDdl(selection)) db.exec(statement)
    expect(db.run(selection.get())).toEqual({ selected: null, mode: 'one' })
    db.materialize(plainSchema, selection.set({ selected: 3 }))
    expect(db.run(selection.get())).toEqual({ selected: 3, mode: 'one' })
    expect(db.select('SELECT value FROM selection')).toEqual([{ value: '{"selected":3,"mode":"one"}' }])
    db.exec(`INSERT INTO selection VALUES ('old', '{"selected":4}'), ('bad', '{"selected":"4","mode":"one"}')`)
    expect(db.run(selection.get('old'))).toEqual({ selected: 4, mode: 'one' })
    expect(db.run(selection.get('bad'))).toEqual({ selected: null, mode: 'one' })
  })

  it('its Set event encodes to JSON once the id is a string', () => {
    const event = uiState.set({ openedAt: new Date(1) }, 'x')
    expect(encodeEventArgs(uiState.eventDef, event.args)).toEqual({ id: 'x', value: { openedAt: '1970-01-01T00:00:00.001Z' } })
  })

  it('checks the default value against the schema', () => {
    expect(() =>
      State.SQLite.clientDocument({ name: 'x', schema: Schema.Struct({ a: Schema.Number }), default: { value: { a: 'no' } as never } }),
    ).toThrow(SchemaError)
  })

  it('is registered by makeState / makeSchema with its event and materializer', () => {
    expect(schema.eventsByName.get('uiStateSet')).toBe(uiState.eventDef)
    expect(schema.materializers.get('uiStateSet')).toBe(uiState.materializer)
    expect(schema.tables.get('uiState')).toBe(uiState)
  })
})
