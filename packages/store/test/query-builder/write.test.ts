import { beforeEach, describe, expect, it } from 'vitest'
import { compileQuery } from '../../src/query-builder/internal.js'
import { MissingRequiredColumnError, QueryBuilderError } from '../../src/query-builder/index.js'
import { Schema, State } from '../../src/schema/index.js'
import { InvalidColumnValueError, SchemaError } from '../../src/schema/errors.js'
import { everything, todos } from './support/fixtures.js'
import { openTestDb, type TestDb } from './support/sqlite-harness.js'

let db: TestDb
beforeEach(async () => {
  db = await openTestDb()
  db.create(todos, everything)
})

describe('insert', () => {
  it('compiles to a bound INSERT and is a write on the table', () => {
    const compiled = compileQuery(todos.insert({ id: '1', text: 'Buy milk', completed: false, createdAt: new Date(0), position: 1 }))
    expect(compiled.sql).toBe(
      'INSERT INTO "todos" ("id", "text", "completed", "createdAt", "deletedAt", "position") VALUES (?, ?, ?, ?, ?, ?)',
    )
    expect(compiled.bindValues).toEqual(['1', 'Buy milk', 0, '1970-01-01T00:00:00.000Z', null, 1])
    expect(compiled.kind).toBe('write')
    expect(compiled.tableName).toBe('todos')
    expect(compiled.returnsRows).toBe(false)
    expect(compiled.decode([])).toBeUndefined()
  })

  it('applies value, null and thunk defaults to left-out columns', () => {
    db.run(todos.insert({ id: '1' }))
    expect(db.select('SELECT * FROM todos')).toEqual([
      { id: '1', text: '', completed: 0, createdAt: '2024-01-01T00:00:00.000Z', deletedAt: null, position: 0 },
    ])
  })

  it('evaluates thunk defaults per insert', () => {
    let n = 0
    const counters = State.SQLite.table({
      name: 'counters',
      columns: { id: State.SQLite.text({ primaryKey: true }), n: State.SQLite.integer({ default: () => ++n }) },
    })
    db.create(counters)
    db.run(counters.insert({ id: 'a' }))
    db.run(counters.insert({ id: 'b' }))
    expect(db.run(counters.select('n').orderBy('id'))).toEqual([1, 2])
  })

  it('leaves SQL defaults to SQLite (CURRENT_TIMESTAMP decodes as UTC)', () => {
    const events = State.SQLite.table({
      name: 'events',
      columns: {
        id: State.SQLite.integer({ primaryKey: true, autoIncrement: true }),
        at: State.SQLite.datetime({ default: { sql: 'CURRENT_TIMESTAMP' } }),
        label: State.SQLite.text({ default: { sql: "'none'" } }),
      },
    })
    db.create(events)
    const before = Date.now()
    db.run(events.insert({}))
    db.run(events.insert({ label: 'x' }))
    expect(compileQuery(events.insert({})).sql).toBe('INSERT INTO "events" DEFAULT VALUES')
    const rows = db.run(events.orderBy('id'))
    expect(rows.map((row) => [row.id, row.label])).toEqual([
      [1, 'none'],
      [2, 'x'],
    ])
    expect(rows[0]!.at).toBeInstanceOf(Date)
    expect(Math.abs(rows[0]!.at.getTime() - before)).toBeLessThan(5_000)
  })

  it('lets SQLite assign an integer primary key', () => {
    db.run(everything.insert({ t: 'x' }))
    db.run(everything.insert({ t: 'y' }))
    expect(db.run(everything.select('id'))).toEqual([1, 2])
  })

  it('throws MissingRequiredColumnError for a required column without default', () => {
    const people = State.SQLite.table({
      name: 'people',
      columns: { id: State.SQLite.text({ primaryKey: true }), name: State.SQLite.text() },
    })
    expect(() => people.insert({ id: '1' } as never)).toThrow(MissingRequiredColumnError)
    try {
      people.insert({ id: '1' } as never)
    } catch (error) {
      expect(error).toMatchObject({ _tag: 'MissingRequiredColumnError', tableName: 'people', columnName: 'name' })
    }
  })

  it('rejects unknown columns and wrong values', () => {
    expect(() => todos.insert({ id: '1', nope: 1 } as never)).toThrow(QueryBuilderError)
    expect(() => todos.insert({ id: 1 } as never)).toThrow(InvalidColumnValueError)
    expect(() => todos.insert({ id: '1', completed: 'yes' } as never)).toThrow(/"todos"."completed": expected a boolean, got string "yes"/)
    expect(() => todos.insert({ id: '1', createdAt: new Date('nope') })).toThrow(/valid Date/)
    expect(() => todos.insert({ id: null } as never)).toThrow(/not nullable/)
  })

  it('undefined values count as left out (default applies)', () => {
    db.run(todos.insert({ id: '1', text: undefined } as never))
    expect(db.run(todos.select('text'))).toEqual([''])
  })
})

describe('onConflict', () => {
  beforeEach(() => {
    db.run(todos.insert({ id: '1', text: 'first', completed: true, position: 5 }))
  })

  it("'ignore' keeps the existing row", () => {
    const query = todos.insert({ id: '1', text: 'second' }).onConflict('id', 'ignore')
    expect(compileQuery(query).sql).toMatch(/ ON CONFLICT \("id"\) DO NOTHING$/)
    db.run(query)
    expect(db.run(todos.select('text'))).toEqual(['first'])
  })

  it("'replace' overwrites the existing row with the inserted values (defaults included)", () => {
    db.run(todos.insert({ id: '1', text: 'second' }).onConflict('id', 'replace'))
    expect(db.run(todos.select('id', 'text', 'completed', 'position'))).toEqual([
      { id: '1', text: 'second', completed: false, position: 0 },
    ])
  })

  it("'update' sets the given values", () => {
    const query = todos.insert({ id: '1', text: 'second' }).onConflict('id', 'update', { text: 'merged', position: 7 })
    expect(compileQuery(query).sql).toMatch(/ ON CONFLICT \("id"\) DO UPDATE SET "text" = \?, "position" = \?$/)
    db.run(query)
    expect(db.run(todos.select('text', 'completed', 'position'))).toEqual([{ text: 'merged', completed: true, position: 7 }])
  })

  it('inserts normally when there is no conflict', () => {
    db.run(todos.insert({ id: '2' }).onConflict('id', 'ignore'))
    expect(db.run(todos.count())).toBe(2)
  })

  it('accepts several target columns (a unique index)', () => {
    const pairs = State.SQLite.table({
      name: 'pairs',
      columns: { a: State.SQLite.text(), b: State.SQLite.text(), n: State.SQLite.integer() },
      indexes: [{ name: 'pairs_ab', columns: ['a', 'b'], isUnique: true }],
    })
    db.create(pairs)
    db.run(pairs.insert({ a: 'x', b: 'y', n: 1 }))
    db.run(pairs.insert({ a: 'x', b: 'y', n: 2 }).onConflict(['a', 'b'], 'replace'))
    expect(db.run(pairs.select('n'))).toEqual([2])
  })

  it('is refused outside insert', () => {
    expect(() => (todos.update({ text: 'x' }) as any).onConflict('id', 'ignore')).toThrow(QueryBuilderError)
    expect(() => todos.insert({ id: '3' }).onConflict('id', 'merge' as never)).toThrow(QueryBuilderError)
  })
})

describe('update', () => {
  beforeEach(() => {
    db.run(todos.insert({ id: '1', text: 'one' }))
    db.run(todos.insert({ id: '2', text: 'two' }))
  })

  it('updates matching rows with encoded values', () => {
    const query = todos.update({ completed: true, deletedAt: new Date(5) }).where({ id: '1' })
    expect(compileQuery(query).sql).toBe('UPDATE "todos" SET "completed" = ?, "deletedAt" = ? WHERE "id" = ?')
    expect(compileQuery(query).bindValues).toEqual([1, 5, '1'])
    db.run(query)
    expect(db.run(todos.select('id', 'completed', 'deletedAt').orderBy('id'))).toEqual([
      { id: '1', completed: true, deletedAt: new Date(5) },
      { id: '2', completed: false, deletedAt: null },
    ])
  })

  it('builds the SQL of a shape once; other columns, conditions and operators get their own', () => {
    const first = compileQuery(todos.update({ text: 'a' }).where({ id: '1' }))
    const again = compileQuery(todos.update({ text: 'b' }).where({ id: '2' }))
    expect(again.sql).toBe(first.sql)
    expect(again.bindValues).toEqual(['b', '2'])
    expect(compileQuery(todos.update({ position: 1 }).where({ id: '1' })).sql).toBe('UPDATE "todos" SET "position" = ? WHERE "id" = ?')
    expect(compileQuery(todos.update({ text: 'a', position: 1 }).where({ id: '1' })).sql).toBe(
      'UPDATE "todos" SET "text" = ?, "position" = ? WHERE "id" = ?',
    )
    expect(compileQuery(todos.update({ text: 'a' }).where('position', '>', 1).where({ id: '1' })).sql).toBe(
      'UPDATE "todos" SET "text" = ? WHERE "position" > ? AND "id" = ?',
    )
    expect(compileQuery(todos.update({ text: 'a' }).where({ deletedAt: null })).sql).toBe('UPDATE "todos" SET "text" = ? WHERE "deletedAt" IS NULL')
    expect(compileQuery(todos.update({ text: 'a' })).sql).toBe('UPDATE "todos" SET "text" = ?')
    expect(compileQuery(todos.delete().where({ id: '1' })).sql).toBe('DELETE FROM "todos" WHERE "id" = ?')
    expect(compileQuery(todos.delete().where({ id: { op: 'IN', value: ['1', '2'] } })).sql).toBe('DELETE FROM "todos" WHERE "id" IN (?, ?)')
    expect(compileQuery(todos.delete()).sql).toBe('DELETE FROM "todos"')
  })

  it('without where updates every row (docs: factoryResetApplied)', () => {
    db.run(todos.update({ position: 9 }))
    expect(db.run(todos.select('position'))).toEqual([9, 9])
  })

  it('sets null on nullable columns', () => {
    db.run(todos.update({ deletedAt: new Date(1) }))
    db.run(todos.update({ deletedAt: null }).where('id', '1'))
    expect(db.run(todos.select('deletedAt').orderBy('id'))).toEqual([null, new Date(1)])
  })

  it('rejects empty updates and unknown columns', () => {
    expect(() => todos.update({})).toThrow(/at least one column/)
    expect(() => todos.update({ nope: 1 } as never)).toThrow(QueryBuilderError)
  })
})

describe('delete', () => {
  it('deletes matching rows', () => {
    db.run(todos.insert({ id: '1' }))
    db.run(todos.insert({ id: '2' }))
    const query = todos.delete().where({ id: '1' })
    expect(compileQuery(query).sql).toBe('DELETE FROM "todos" WHERE "id" = ?')
    db.run(query)
    expect(db.run(todos.select('id'))).toEqual(['2'])
    db.run(todos.delete())
    expect(db.run(todos.count())).toBe(0)
  })
})

describe('returning', () => {
  it('returns the written rows decoded', () => {
    const inserted = db.run(todos.insert({ id: '1', completed: true }).returning('id', 'completed'))
    expect(inserted).toEqual([{ id: '1', completed: true }])
    const query = todos.update({ completed: false }).where({ id: '1' }).returning('completed')
    expect(compileQuery(query).returnsRows).toBe(true)
    expect(db.run(query)).toEqual([{ completed: false }])
    expect(db.run(todos.delete().returning('id'))).toEqual([{ id: '1' }])
  })
})

describe('column types round-trip through SQLite', () => {
  it('stores and reads every built-in type', () => {
    const row = {
      id: 1,
      t: 'text',
      i: 42,
      r: 1.5,
      b: new Uint8Array([1, 2, 255]),
      bool: true,
      j: { nested: [1, 'two', null] },
      meta: { petName: 'Rex', favoriteColor: 'blue' as const, since: new Date('2020-02-02T00:00:00.000Z') },
      dt: new Date('2024-05-06T07:08:09.010Z'),
      dti: new Date(1234567890123),
    }
    db.run(everything.insert(row))
    expect(db.select('SELECT j, meta, dt, dti, bool FROM everything')).toEqual([
      {
        j: '{"nested":[1,"two",null]}',
        meta: '{"petName":"Rex","favoriteColor":"blue","since":"2020-02-02T00:00:00.000Z"}',
        dt: '2024-05-06T07:08:09.010Z',
        dti: 1234567890123,
        bool: 1,
      },
    ])
    expect(db.run(everything.first())).toEqual(row)
  })

  it('stores nulls in nullable columns', () => {
    db.run(everything.insert({}))
    expect(db.run(everything.first())).toEqual({
      id: 1, t: null, i: null, r: null, b: null, bool: null, j: null, meta: null, dt: null, dti: null,
    })
  })

  it('checks custom json schemas on write', () => {
    expect(() => everything.insert({ meta: { petName: 'Rex', favoriteColor: 'pink', since: new Date() } as never })).toThrow(
      /"everything"."meta": does not match the column schema: favoriteColor/,
    )
  })

  it('decodes where values through custom schemas (Date as ms)', () => {
    const log = State.SQLite.table({
      name: 'log',
      columns: { id: State.SQLite.text({ primaryKey: true }), at: State.SQLite.integer({ schema: Schema.DateFromNumber }) },
    })
    db.create(log)
    db.run(log.insert({ id: 'a', at: new Date(10) }))
    db.run(log.insert({ id: 'b', at: new Date(20) }))
    expect(db.run(log.where('at', '>', new Date(15)).select('id'))).toEqual(['b'])
    expect(db.run(log.where({ at: new Date(10) }).first())).toEqual({ id: 'a', at: new Date(10) })
  })

  it('rejects a wrong default at definition time', () => {
    expect(() => State.SQLite.integer({ default: 'x' as never })).toThrow(SchemaError)
  })
})
