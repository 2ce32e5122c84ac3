import { describe, expectTypeOf, it } from 'vitest'
import type { QueryResult } from '../../src/query-builder/index.js'
import {
  type EventPayload,
  Events,
  type LiveStoreSchema,
  makeSchema,
  type MaterializerContext,
  Schema,
  SessionIdSymbol,
  State,
} from '../../src/schema/index.js'

describe('Schema extras', () => {
  it('Literal with one or several values', () => {
    expectTypeOf(Schema.Literal('a')['Type']).toEqualTypeOf<'a'>()
    expectTypeOf(Schema.Literal('red', 'blue', 'green')['Type']).toEqualTypeOf<'red' | 'blue' | 'green'>()
  })

  it('pluck / headOrElse / DateFromNumber', () => {
    const count = Schema.Struct({ count: Schema.Number }).pipe(Schema.pluck('count'), Schema.Array, Schema.headOrElse())
    expectTypeOf(count['Type']).toEqualTypeOf<number>()
    expectTypeOf(count['Encoded']).toEqualTypeOf<ReadonlyArray<{ readonly count: number }>>()
    expectTypeOf(Schema.DateFromNumber['Type']).toEqualTypeOf<Date>()
    expectTypeOf(Schema.DateFromNumber['Encoded']).toEqualTypeOf<number>()
    // @ts-expect-error no such field
    Schema.Struct({ count: Schema.Number }).pipe(Schema.pluck('nope'))
  })
})

describe('columns', () => {
  it('app types follow options', () => {
    expectTypeOf(State.SQLite.text().Type).toEqualTypeOf<string>()
    expectTypeOf(State.SQLite.text({ nullable: true }).Type).toEqualTypeOf<string | null>()
    expectTypeOf(State.SQLite.text({ nullable: false }).Type).toEqualTypeOf<string>()
    expectTypeOf(State.SQLite.text({ nullable: false, default: 'x' }).insertOptional).toEqualTypeOf<true>()
    expectTypeOf(State.SQLite.text({ nullable: false }).insertOptional).toEqualTypeOf<false>()
    expectTypeOf(State.SQLite.integer({ primaryKey: true }).insertOptional).toEqualTypeOf<true>()
    expectTypeOf(State.SQLite.text({ primaryKey: true }).insertOptional).toEqualTypeOf<false>()
    expectTypeOf(State.SQLite.integer().Type).toEqualTypeOf<number>()
    expectTypeOf(State.SQLite.real().Type).toEqualTypeOf<number>()
    expectTypeOf(State.SQLite.blob().Type).toEqualTypeOf<Uint8Array>()
    expectTypeOf(State.SQLite.boolean().Type).toEqualTypeOf<boolean>()
    expectTypeOf(State.SQLite.json().Type).toEqualTypeOf<unknown>()
    expectTypeOf(State.SQLite.datetime().Type).toEqualTypeOf<Date>()
    expectTypeOf(State.SQLite.datetimeInteger({ nullable: true }).Type).toEqualTypeOf<Date | null>()
    expectTypeOf(State.SQLite.integer({ nullable: true, schema: Schema.DateFromNumber }).Type).toEqualTypeOf<Date | null>()
    expectTypeOf(State.SQLite.text({ schema: Schema.Literal('a', 'b') }).Type).toEqualTypeOf<'a' | 'b'>()
    const meta = State.SQLite.json({ schema: Schema.Struct({ a: Schema.Number }) })
    expectTypeOf(meta.Type).toEqualTypeOf<{ readonly a: number }>()
  })

  it('defaults are checked against the column type', () => {
    State.SQLite.boolean({ default: false })
    State.SQLite.text({ nullable: true, default: null })
    State.SQLite.datetime({ default: () => new Date() })
    State.SQLite.datetime({ default: { sql: 'CURRENT_TIMESTAMP' } })
    State.SQLite.json({ schema: Schema.Array(Schema.String), default: [] })
    // @ts-expect-error wrong default type
    State.SQLite.boolean({ default: 'no' })
    // @ts-expect-error null default on a non-nullable column
    State.SQLite.text({ default: null })
    // @ts-expect-error thunk returning the wrong type
    State.SQLite.datetime({ default: () => 5 })
  })

  it('custom schemas must encode to the column base type', () => {
    // @ts-expect-error a string-encoded schema on an integer column
    State.SQLite.integer({ schema: Schema.String })
  })
})

const todoCreated = Events.synced({
  name: 'v1.TodoCreated',
  schema: Schema.Struct({ id: Schema.String, text: Schema.String, completed: Schema.Boolean.pipe(Schema.optional) }),
})
const todoDeleted = Events.synced({ name: 'v1.TodoDeleted', schema: Schema.Struct({ id: Schema.String, deletedAt: Schema.Date }) })
const events = { todoCreated, todoDeleted }
const todos = State.SQLite.table({
  name: 'todos',
  columns: {
    id: State.SQLite.text({ primaryKey: true }),
    text: State.SQLite.text(),
    completed: State.SQLite.boolean({ default: false }),
    deletedAt: State.SQLite.integer({ nullable: true, schema: Schema.DateFromNumber }),
  },
})

describe('events', () => {
  it('definitions are typed by their schema', () => {
    expectTypeOf(todoCreated.name).toEqualTypeOf<'v1.TodoCreated'>()
    expectTypeOf(todoCreated.options.clientOnly).toEqualTypeOf<false>()
    expectTypeOf(todoCreated({ id: '1', text: 'x' })).toEqualTypeOf<
      EventPayload<'v1.TodoCreated', { readonly id: string; readonly text: string; readonly completed?: boolean | undefined }>
    >()
    expectTypeOf(Events.clientOnly({ name: 'x', schema: Schema.Struct({}) }).options.clientOnly).toEqualTypeOf<true>()
    // @ts-expect-error missing field
    todoCreated({ id: '1' })
    // @ts-expect-error wrong field type
    todoDeleted({ id: '1', deletedAt: 5 })
  })
})

describe('materializers', () => {
  it('handlers get the event args and ctx; keys are event keys or names', () => {
    State.SQLite.materializers(events, {
      todoCreated: (args, ctx) => {
        expectTypeOf(args).toEqualTypeOf<{ readonly id: string; readonly text: string; readonly completed?: boolean | undefined }>()
        expectTypeOf(ctx).toEqualTypeOf<MaterializerContext<typeof args>>()
        expectTypeOf(ctx.query(todos.select('id'))).toEqualTypeOf<ReadonlyArray<string>>()
        expectTypeOf(ctx.query(todos.count())).toEqualTypeOf<number>()
        expectTypeOf(ctx.event.id).toEqualTypeOf<string>()
        return todos.insert({ id: args.id, text: args.text, completed: args.completed ?? false })
      },
      'v1.TodoDeleted': ({ id, deletedAt }) => {
        expectTypeOf(deletedAt).toEqualTypeOf<Date>()
        return [todos.update({ deletedAt }).where({ id }), { sql: 'select 1' }]
      },
    })
  })

  it('a wrong key or wrong write is a compile error', () => {
    State.SQLite.materializers(events, {
      // @ts-expect-error no such event key or name
      todoCreatd: () => {},
    })
    State.SQLite.materializers(events, {
      // @ts-expect-error wrong column value type in the write
      todoCreated: ({ id }) => todos.insert({ id, text: 1 }),
    })
    State.SQLite.materializers(events, {
      // @ts-expect-error returns something that is not a write
      todoCreated: () => 42,
    })
  })
})

describe('client documents and makeSchema', () => {
  const uiState = State.SQLite.clientDocument({
    name: 'uiState',
    schema: Schema.Struct({ text: Schema.String, filter: Schema.Literal('all', 'done') }),
    default: { id: SessionIdSymbol, value: { text: '', filter: 'all' } },
  })
  const noDefaultId = State.SQLite.clientDocument({ name: 'drafts', schema: Schema.String, default: { value: '' } })

  it('get/set are typed from the schema', () => {
    expectTypeOf<QueryResult<ReturnType<typeof uiState.get>>>().toEqualTypeOf<{ readonly text: string; readonly filter: 'all' | 'done' }>()
    expectTypeOf(uiState.set({ filter: 'done' }).name).toEqualTypeOf<'uiStateSet'>()
    uiState.set({ text: 'x' }, 'some-id')
    // @ts-expect-error wrong value type
    uiState.set({ filter: 'nope' })
    noDefaultId.set('draft', 'id-1')
    // @ts-expect-error an id is required without default id
    noDefaultId.set('draft')
    // @ts-expect-error whole value for non-struct schemas
    noDefaultId.set(1, 'id')
    expectTypeOf<QueryResult<ReturnType<typeof noDefaultId.get>>>().toEqualTypeOf<string>()
  })

  it('makeSchema produces a LiveStoreSchema', () => {
    const materializers = State.SQLite.materializers(events, {
      todoCreated: ({ id, text }) => todos.insert({ id, text }),
      todoDeleted: ({ id, deletedAt }) => todos.update({ deletedAt }).where({ id }),
    })
    const state = State.SQLite.makeState({ tables: { todos, uiState }, materializers })
    const schema = makeSchema({ events, state })
    expectTypeOf(schema).toExtend<LiveStoreSchema>()
    expectTypeOf(schema.stateHash).toEqualTypeOf<string>()
  })
})
