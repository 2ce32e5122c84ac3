import { describe, expectTypeOf, it } from 'vitest'
import type { QueryBuilder, QueryResult } from '../../src/query-builder/index.js'
import { Schema, State } from '../../src/schema/index.js'

const todos = State.SQLite.table({
  name: 'todos',
  columns: {
    id: State.SQLite.text({ primaryKey: true }),
    text: State.SQLite.text({ default: '' }),
    completed: State.SQLite.boolean({ default: false }),
    createdAt: State.SQLite.datetime(),
    deletedAt: State.SQLite.integer({ nullable: true, schema: Schema.DateFromNumber }),
    meta: State.SQLite.json({ schema: Schema.Struct({ tags: Schema.Array(Schema.String) }), nullable: true }),
    anything: State.SQLite.json({ nullable: true }),
    n: State.SQLite.integer({ primaryKey: false, default: 0 }),
    blob: State.SQLite.blob({ nullable: true }),
  },
})

type Todo = {
  readonly id: string
  readonly text: string
  readonly completed: boolean
  readonly createdAt: Date
  readonly deletedAt: Date | null
  readonly meta: { readonly tags: ReadonlyArray<string> } | null
  readonly anything: unknown
  readonly n: number
  readonly blob: Uint8Array | null
}

describe('read results', () => {
  it('the table and table.query resolve to rows', () => {
    expectTypeOf<QueryResult<typeof todos>>().toEqualTypeOf<ReadonlyArray<Todo>>()
    expectTypeOf<QueryResult<typeof todos.query>>().toEqualTypeOf<ReadonlyArray<Todo>>()
    expectTypeOf(todos.Type).toEqualTypeOf<Todo>()
  })

  it('select one column → its values; several → partial rows', () => {
    const one = todos.select('id')
    expectTypeOf<QueryResult<typeof one>>().toEqualTypeOf<ReadonlyArray<string>>()
    const q = todos.select('id', 'deletedAt')
    expectTypeOf<QueryResult<typeof q>>().toEqualTypeOf<ReadonlyArray<{ readonly id: string; readonly deletedAt: Date | null }>>()
  })

  it('count → number, first → row | undefined / fallback / row', () => {
    expectTypeOf<QueryResult<ReturnType<typeof todos.count>>>().toEqualTypeOf<number>()
    const first = todos.where({ id: '1' }).first()
    expectTypeOf<QueryResult<typeof first>>().toEqualTypeOf<Todo | undefined>()
    const orError = todos.query.where({ id: '1' }).first({ behaviour: 'error' })
    expectTypeOf<QueryResult<typeof orError>>().toEqualTypeOf<Todo>()
    const orFallback = todos.select('text').first({ fallback: () => 0 as const })
    expectTypeOf<QueryResult<typeof orFallback>>().toEqualTypeOf<string | 0>()
  })

  it('QueryBuilder<T> accepts any builder resulting in T, and infers T', () => {
    const accept = <T>(query: QueryBuilder<T>): T => query as never
    expectTypeOf(accept(todos.count())).toEqualTypeOf<number>()
    expectTypeOf(accept(todos.where({ completed: true }).orderBy('createdAt', 'desc'))).toEqualTypeOf<ReadonlyArray<Todo>>()
    type Infer<Q> = Q extends QueryBuilder<infer R> ? R : never
    expectTypeOf<Infer<ReturnType<typeof todos.count>>>().toEqualTypeOf<number>()
    // @ts-expect-error a count is not a QueryBuilder<string>
    const wrong: QueryBuilder<string> = todos.count()
    void wrong
  })
})

describe('column names and value types are checked', () => {
  it('where', () => {
    todos.where({ completed: true, deletedAt: null })
    todos.where('text', 'like', '%a%')
    todos.where('id', 'IN', ['a', 'b'])
    todos.where('createdAt', '>', new Date())
    todos.where({ deletedAt: { op: '!=', value: null } })
    todos.where({ n: { op: 'not in', value: [1, 2] } })
    todos.where('id', 'x')
    // @ts-expect-error unknown column
    todos.where({ nope: 1 })
    // @ts-expect-error wrong value type
    todos.where({ completed: 'yes' })
    // @ts-expect-error null on a non-nullable column
    todos.where({ id: null })
    // @ts-expect-error IN takes an array
    todos.where('id', 'IN', 'a')
    // @ts-expect-error LIKE takes a string pattern
    todos.where('n', 'LIKE', 1)
    // @ts-expect-error wrong op value type
    todos.where('createdAt', '>', 5)
    // @ts-expect-error unknown operator
    todos.where('id', '~', 'a')
    // @ts-expect-error unknown column
    todos.where('nope', 1)
  })

  it('select, orderBy, returning', () => {
    // @ts-expect-error unknown column
    todos.select('nope')
    // @ts-expect-error unknown column
    todos.orderBy('nope')
    // @ts-expect-error bad direction
    todos.orderBy('id', 'up')
    todos.orderBy([{ col: 'id', direction: 'asc' }])
    // @ts-expect-error unknown column
    todos.orderBy([{ col: 'nope', direction: 'asc' }])
    // @ts-expect-error unknown column
    todos.insert({ id: '1', createdAt: new Date() }).returning('nope')
  })

  it('insert requires required columns and checks types', () => {
    todos.insert({ id: '1', createdAt: new Date() })
    todos.insert({ id: '1', createdAt: new Date(), deletedAt: null, meta: { tags: ['a'] }, anything: { x: 1 } })
    // @ts-expect-error createdAt is required (no default, not nullable)
    todos.insert({ id: '1' })
    // @ts-expect-error wrong type
    todos.insert({ id: 1, createdAt: new Date() })
    // @ts-expect-error wrong type in a json schema
    todos.insert({ id: '1', createdAt: new Date(), meta: { tags: [1] } })
    // @ts-expect-error unknown column
    todos.insert({ id: '1', createdAt: new Date(), nope: 1 })
    expectTypeOf<QueryResult<ReturnType<typeof todos.insert>>>().toEqualTypeOf<void>()
  })

  it('update/delete/onConflict', () => {
    todos.update({ completed: true }).where({ id: '1' })
    todos.delete().where({ id: '1' })
    todos.insert({ id: '1', createdAt: new Date() }).onConflict('id', 'ignore')
    todos.insert({ id: '1', createdAt: new Date() }).onConflict('id', 'update', { text: 'x' })
    // @ts-expect-error wrong value type
    todos.update({ completed: 1 })
    // @ts-expect-error unknown conflict target
    todos.insert({ id: '1', createdAt: new Date() }).onConflict('nope', 'ignore')
    // @ts-expect-error unknown action
    todos.insert({ id: '1', createdAt: new Date() }).onConflict('id', 'merge')
    const returned = todos.update({ text: 'a' }).where({ id: '1' }).returning('id', 'text')
    expectTypeOf<QueryResult<typeof returned>>().toEqualTypeOf<ReadonlyArray<{ readonly id: string; readonly text: string }>>()
  })
})

describe('methods only where they make sense', () => {
  it('hides methods that do not apply', () => {
    // @ts-expect-error no select after count
    todos.count().select('id')
    // @ts-expect-error nothing after first
    todos.first().where({ id: '1' })
    // @ts-expect-error no insert after where
    todos.where({ id: '1' }).insert({ id: '1', createdAt: new Date() })
    // @ts-expect-error no where after insert
    todos.insert({ id: '1', createdAt: new Date() }).where({ id: '1' })
    // @ts-expect-error no orderBy on update
    todos.update({ text: 'x' }).orderBy('id')
    // @ts-expect-error returning only on writes
    todos.where({ id: '1' }).returning('id')
    // @ts-expect-error onConflict only after insert
    todos.onConflict('id', 'ignore')
    // @ts-expect-error select only once
    todos.select('id').select('text')
    todos.count().where('text', 'like', '%a%')
    todos.select('id').where({ completed: true }).orderBy('id').limit(1).offset(2).first()
  })
})
