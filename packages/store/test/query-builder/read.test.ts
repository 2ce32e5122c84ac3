import { beforeEach, describe, expect, it } from 'vitest'
import { compileQuery, isQueryBuilder, RowNotFoundError, storeRead } from '../../src/query-builder/internal.js'
import { MAX_SHAPES, type TableInfo } from '../../src/query-builder/table-info.js'
import { QueryBuilderError } from '../../src/query-builder/index.js'
import { State } from '../../src/schema/index.js'
import { InvalidColumnValueError } from '../../src/schema/errors.js'
import { todos } from './support/fixtures.js'
import { openTestDb, type TestDb } from './support/sqlite-harness.js'

const day = (n: number) => new Date(Date.UTC(2024, 0, n))

let db: TestDb
beforeEach(async () => {
  db = await openTestDb()
  db.create(todos)
  db.run(todos.insert({ id: 'a', text: 'Buy milk', createdAt: day(1) }))
  db.run(todos.insert({ id: 'b', text: 'Walk the dog', completed: true, createdAt: day(2), position: 2.5 }))
  db.run(todos.insert({ id: 'c', text: 'Call Alice', createdAt: day(3), deletedAt: day(4) }))
})

describe('reading the whole table', () => {
  it('the table itself and table.query are builders selecting every column, decoded', () => {
    expect(isQueryBuilder(todos)).toBe(true)
    expect(isQueryBuilder(todos.query)).toBe(true)
    const rows = db.run(todos.orderBy('id'))
    expect(rows).toEqual([
      { id: 'a', text: 'Buy milk', completed: false, createdAt: day(1), deletedAt: null, position: 0 },
      { id: 'b', text: 'Walk the dog', completed: true, createdAt: day(2), deletedAt: null, position: 2.5 },
      { id: 'c', text: 'Call Alice', completed: false, createdAt: day(3), deletedAt: day(4), position: 0 },
    ])
    expect(db.run(todos.query).length).toBe(3)
  })

  it('compiles to quoted identifiers and explicit columns', () => {
    expect(compileQuery(todos).sql).toBe(
      'SELECT "id", "text", "completed", "createdAt", "deletedAt", "position" FROM "todos"',
    )
    expect(compileQuery(todos).kind).toBe('read')
    expect(compileQuery(todos).tableName).toBe('todos')
  })
})

describe('select', () => {
  it('one column gives its values', () => {
    expect(db.run(todos.select('id').orderBy('id', 'desc'))).toEqual(['c', 'b', 'a'])
    expect(db.run(todos.select('createdAt').where({ id: 'b' }))).toEqual([day(2)])
  })

  it('several columns give partial rows', () => {
    expect(db.run(todos.select('id', 'completed').where({ completed: true }))).toEqual([{ id: 'b', completed: true }])
  })

  it('where before select works too', () => {
    expect(db.run(todos.where({ id: 'a' }).select('text'))).toEqual(['Buy milk'])
  })
})

describe('where', () => {
  const ids = (builder: Parameters<TestDb['run']>[0]) => (db.run(builder) as ReadonlyArray<{ id: string }>).map((row) => row.id)

  it('object form ANDs columns; encodes values with the column codec', () => {
    expect(ids(todos.where({ completed: false, text: 'Buy milk' }))).toEqual(['a'])
    expect(ids(todos.where({ createdAt: day(2) }))).toEqual(['b'])
    expect(ids(todos.where({ deletedAt: day(4) }))).toEqual(['c'])
  })

  it('{} matches everything (docs: where(showCompleted ? { completed: true } : {}))', () => {
    const showCompleted = false as boolean
    expect(ids(todos.where(showCompleted ? { completed: true } : {})).length).toBe(3)
  })

  it('null → IS NULL, { op: "!=", value: null } → IS NOT NULL', () => {
    expect(ids(todos.where({ deletedAt: null }).orderBy('id'))).toEqual(['a', 'b'])
    expect(ids(todos.where({ deletedAt: { op: '!=', value: null } }))).toEqual(['c'])
    expect(compileQuery(todos.where({ deletedAt: null })).sql).toContain('WHERE "deletedAt" IS NULL')
    expect(compileQuery(todos.where('deletedAt', '!=', null)).sql).toContain('WHERE "deletedAt" IS NOT NULL')
  })

  it('(column, value) and (column, op, value) forms', () => {
    expect(ids(todos.where('id', 'b'))).toEqual(['b'])
    expect(ids(todos.where('text', '==', 'Call Alice'))).toEqual(['c'])
    expect(ids(todos.where('position', '>', 1))).toEqual(['b'])
    expect(ids(todos.where('position', '<=', 0).orderBy('id'))).toEqual(['a', 'c'])
    expect(ids(todos.where('createdAt', '>=', day(2)).orderBy('id'))).toEqual(['b', 'c'])
    expect(ids(todos.where('createdAt', '<', day(2)))).toEqual(['a'])
    expect(ids(todos.where('id', '!=', 'a').orderBy('id'))).toEqual(['b', 'c'])
  })

  it('LIKE / NOT LIKE, case-insensitive operator input', () => {
    expect(ids(todos.where('text', 'like', '%Ali%'))).toEqual(['c'])
    expect(ids(todos.where('text', 'LIKE', '%ali%'))).toEqual(['c'])
    expect(ids(todos.where('text', 'not like', '%i%'))).toEqual(['b'])
    expect(ids(todos.where({ text: { op: 'NOT LIKE', value: 'Buy%' } }).orderBy('id'))).toEqual(['b', 'c'])
  })

  it('IN / NOT IN, including empty lists', () => {
    expect(ids(todos.where('id', 'IN', ['a', 'c']).orderBy('id'))).toEqual(['a', 'c'])
    expect(ids(todos.where('id', 'not in', ['a', 'c']))).toEqual(['b'])
    expect(ids(todos.where('id', 'IN', []))).toEqual([])
    expect(ids(todos.where('id', 'NOT IN', [])).length).toBe(3)
    expect(ids(todos.where({ completed: { op: 'in', value: [true] } }))).toEqual(['b'])
  })

  it('several where calls AND together', () => {
    expect(ids(todos.where({ completed: false }).where('text', 'like', 'Call%'))).toEqual(['c'])
  })

  it('binds every value, never splices', () => {
    const compiled = compileQuery(todos.where({ text: "x'; DROP TABLE todos; --" }))
    expect(compiled.sql).toBe(
      'SELECT "id", "text", "completed", "createdAt", "deletedAt", "position" FROM "todos" WHERE "text" = ?',
    )
    expect(compiled.bindValues).toEqual(["x'; DROP TABLE todos; --"])
    expect(db.run(todos.where({ text: "x'; DROP TABLE todos; --" }))).toEqual([])
  })

  it('rejects bad conditions with typed errors', () => {
    expect(() => todos.where({ nope: 1 } as never)).toThrow(QueryBuilderError)
    expect(() => todos.where({ id: undefined } as never)).toThrow(/undefined/)
    expect(() => todos.where('id', 'IN', 'a' as never)).toThrow(/takes an array/)
    expect(() => todos.where('id', 'LIKE', 1 as never)).toThrow(/pattern string/)
    expect(() => todos.where('id', '~~' as never, 'a' as never)).toThrow(/unknown operator/)
    expect(() => todos.where('position', '<', null as never)).toThrow(/never matches/)
    expect(() => todos.where({ completed: 'yes' as never })).toThrow(InvalidColumnValueError)
  })
})

describe('orderBy, limit, offset', () => {
  it('orders by one or several columns', () => {
    expect(db.run(todos.select('id').orderBy('createdAt', 'desc'))).toEqual(['c', 'b', 'a'])
    expect(
      db.run(
        todos.select('id').orderBy([
          { col: 'completed', direction: 'desc' },
          { col: 'id', direction: 'asc' },
        ]),
      ),
    ).toEqual(['b', 'a', 'c'])
    expect(db.run(todos.select('id').orderBy('completed').orderBy('id', 'desc'))).toEqual(['c', 'a', 'b'])
  })

  it('limit and offset are bound; offset alone uses LIMIT -1', () => {
    expect(db.run(todos.select('id').orderBy('id').limit(2))).toEqual(['a', 'b'])
    expect(db.run(todos.select('id').orderBy('id').offset(1).limit(1))).toEqual(['b'])
    const offsetOnly = todos.select('id').orderBy('id').offset(1)
    expect(compileQuery(offsetOnly).sql).toMatch(/LIMIT \? OFFSET \?$/)
    expect(compileQuery(offsetOnly).bindValues).toEqual([-1, 1])
    expect(db.run(offsetOnly)).toEqual(['b', 'c'])
  })

  it('queries of one shape share their SQL text; each keeps its own values, and other shapes get their own SQL', () => {
    const pointA = compileQuery(todos.where({ id: 'a' }).first())
    const pointB = compileQuery(todos.where({ id: 'b' }).first())
    expect(pointB.sql).toBe(pointA.sql)
    expect([pointA.bindValues, pointB.bindValues]).toEqual([['a', 1], ['b', 1]])
    expect(db.run(todos.where({ id: 'b' }).first())?.text).toBe('Walk the dog')
    const shapes = [
      todos.where({ id: 'a' }),
      todos.where({ id: 'a' }).limit(1),
      todos.where({ id: 'a' }).offset(1),
      todos.where('id', '!=', 'a'),
      todos.where('id', 'IN', ['a']),
      todos.where('id', 'IN', ['a', 'b']),
      todos.where({ id: 'a', completed: false }),
      todos.where({ completed: false, id: 'a' }),
      todos.where({ id: 'a' }).orderBy('id'),
      todos.where({ id: 'a' }).orderBy('id', 'desc'),
      todos.select('id').where({ id: 'a' }),
      todos.select('id', 'text').where({ id: 'a' }),
    ]
    expect(new Set(shapes.map((query) => compileQuery(query as never).sql)).size).toBe(shapes.length)
    expect(compileQuery(todos.where({ id: 'a' }).offset(1)).sql).toMatch(/WHERE "id" = \? LIMIT \? OFFSET \?$/)
    expect(compileQuery(todos.where({ id: 'a' }).offset(1)).bindValues).toEqual(['a', -1, 1])
    expect(compileQuery(todos.where({ id: 'a' }).limit(2).offset(1)).bindValues).toEqual(['a', 2, 1])
    expect(compileQuery(todos.where('id', 'IN', ['a', 'b'])).bindValues).toEqual(['a', 'b'])
  })

  it('an IN list of every length does not grow the per-table caches without bound', () => {
    const table = (todos.where({ id: 'a' }) as unknown as { _state: { table: TableInfo } })._state.table
    for (let length = 1; length <= MAX_SHAPES + 200; length++) {
      const query = todos.where('id', 'IN', Array.from({ length }, (_, i) => `id-${i}`))
      expect(storeRead(query).sql).toMatch(/"id" IN \(\?(, \?)*\)/)
      const ids = Array.from({ length }, (_, i) => `id-${i}`)
      expect(compileQuery(todos.update({ text: 'x' }).where('id', 'IN', ids)).sql).toMatch(/^UPDATE "todos" SET "text" = \? WHERE "id" IN/)
      expect(compileQuery(todos.delete().where('id', 'IN', ids)).sql).toMatch(/^DELETE FROM "todos" WHERE "id" IN/)
    }
    expect(table.cache.size).toBeLessThanOrEqual(MAX_SHAPES)
    expect(table.storeReads.size).toBeLessThanOrEqual(MAX_SHAPES)
    for (const byWhere of [...table.updateSql.values(), ...table.deleteSql.values()]) expect(byWhere.size).toBeLessThanOrEqual(MAX_SHAPES)
    expect(db.run(todos.select('id').where('id', 'IN', ['a', 'c']))).toEqual(['a', 'c'])
  })

  it('docs sample: orderBy(name, desc).offset(10).limit(10)', () => {
    expect(db.run(todos.orderBy('text', 'desc').offset(10).limit(10))).toEqual([])
  })

  it('rejects negative or fractional counts', () => {
    expect(() => todos.limit(-1)).toThrow(QueryBuilderError)
    expect(() => todos.offset(1.5)).toThrow(QueryBuilderError)
  })
})

describe('count', () => {
  it('counts matching rows', () => {
    expect(db.run(todos.count())).toBe(3)
    expect(db.run(todos.count().where({ completed: false }))).toBe(2)
    expect(db.run(todos.where({ completed: true }).count())).toBe(1)
    expect(db.run(todos.count().where('text', 'like', '%Ali%'))).toBe(1)
  })

  it('counts within limit/offset', () => {
    expect(db.run(todos.limit(2).count())).toBe(2)
    expect(db.run(todos.offset(2).count())).toBe(1)
  })
})

describe('first', () => {
  it('returns the first row or undefined', () => {
    expect(db.run(todos.where({ id: 'b' }).first())?.text).toBe('Walk the dog')
    expect(db.run(todos.query.where({ id: 'zzz' }).first())).toBeUndefined()
    expect(db.run(todos.query.where({ id: 'zzz' }).first({ behaviour: 'undefined' }))).toBeUndefined()
    expect(compileQuery(todos.where({ id: 'b' }).first()).sql).toMatch(/LIMIT \?$/)
  })

  it('returns the fallback when no row', () => {
    expect(db.run(todos.where({ id: 'zzz' }).first({ fallback: () => 'none' as const }))).toBe('none')
    expect(db.run(todos.select('text').where({ id: 'a' }).first({ fallback: () => '' }))).toBe('Buy milk')
  })

  it("throws RowNotFoundError with behaviour: 'error'", () => {
    expect(() => db.run(todos.where({ id: 'zzz' }).first({ behaviour: 'error' }))).toThrow(RowNotFoundError)
    try {
      db.run(todos.where({ id: 'zzz' }).first({ behaviour: 'error' }))
    } catch (error) {
      expect((error as RowNotFoundError)._tag).toBe('RowNotFoundError')
      expect((error as RowNotFoundError).tableName).toBe('todos')
    }
    expect(db.run(todos.where({ id: 'a' }).first({ behaviour: 'error' })).id).toBe('a')
  })

  it('works after select with one column', () => {
    expect(db.run(todos.select('createdAt').orderBy('createdAt', 'desc').first())).toEqual(day(3))
  })
})

describe('debug output and immutability', () => {
  it('toString shows SQL and bind values; asSql returns them', () => {
    const query = todos.where({ id: 'a' }).limit(3)
    expect(String(query)).toBe(
      'SELECT "id", "text", "completed", "createdAt", "deletedAt", "position" FROM "todos" WHERE "id" = ? LIMIT ? -- bindValues: ["a", 3]',
    )
    expect(query.asSql()).toEqual({ sql: compileQuery(query).sql, bindValues: ['a', 3] })
  })

  it('every method returns a new builder', () => {
    const base = todos.where({ completed: false })
    const a = base.where({ id: 'a' })
    expect(db.run(base).length).toBe(2)
    expect(db.run(a).length).toBe(1)
    expect(compileQuery(todos).sql).not.toContain('WHERE')
  })

  it('quotes odd identifiers', async () => {
    const odd = State.SQLite.table({
      name: 'order "items"',
      columns: { 'select': State.SQLite.text({ primaryKey: true }), 'a b': State.SQLite.integer({ default: 1 }) },
    })
    const oddDb = await openTestDb()
    oddDb.create(odd)
    oddDb.run(odd.insert({ select: 'x' }))
    expect(oddDb.run(odd.where({ 'a b': 1 }))).toEqual([{ select: 'x', 'a b': 1 }])
    expect(compileQuery(odd).sql).toBe('SELECT "select", "a b" FROM "order ""items"""')
  })

  it('refuses read methods in the wrong place at run time', () => {
    expect(() => (todos.count() as any).select('id')).toThrow(QueryBuilderError)
    expect(() => (todos.first() as any).where({ id: 'a' })).toThrow(QueryBuilderError)
    expect(() => (todos.where({ id: 'a' }) as any).insert({ id: 'x' })).toThrow(/on the table itself/)
    expect(() => (todos.select('id') as any).select('text')).toThrow(QueryBuilderError)
  })
})
