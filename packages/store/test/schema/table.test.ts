import { describe, expect, it } from 'vitest'
import { isTableDef, tableDdl } from '../../src/schema/internal.js'
import { Schema, SchemaError, State } from '../../src/schema/index.js'
import { todos } from '../query-builder/support/fixtures.js'
import { openTestDb } from '../query-builder/support/sqlite-harness.js'

describe('State.SQLite.table', () => {
  it('has a canonical sqliteDef', () => {
    expect(todos.sqliteDef.name).toBe('todos')
    expect(Object.keys(todos.sqliteDef.columns)).toEqual(['id', 'text', 'completed', 'createdAt', 'deletedAt', 'position'])
    expect(todos.sqliteDef.primaryKey).toEqual(['id'])
    expect(todos.sqliteDef.indexes).toEqual([{ name: 'todos_completed', columns: ['completed'] }])
    expect(isTableDef(todos)).toBe(true)
    expect(isTableDef(todos.query)).toBe(false)
  })

  it('checks the definition', () => {
    const col = { id: State.SQLite.text() }
    expect(() => State.SQLite.table({ name: '', columns: col })).toThrow(SchemaError)
    expect(() => State.SQLite.table({ name: 'sqlite_x', columns: col })).toThrow(/reserved/)
    expect(() => State.SQLite.table({ name: '__cairn_x', columns: col })).toThrow(/reserved/)
    expect(() => State.SQLite.table({ name: 't', columns: {} })).toThrow(/at least one column/)
    expect(() => State.SQLite.table({ name: 't', columns: { a: 'text' as never } })).toThrow(/not a column definition/)
    expect(() => State.SQLite.table({ name: 't', columns: col, indexes: [{ name: 'i', columns: ['nope' as 'id'] }] })).toThrow(
      /unknown column "nope"/,
    )
    expect(() =>
      State.SQLite.table({
        name: 't',
        columns: col,
        indexes: [
          { name: 'i', columns: ['id'] },
          { name: 'i', columns: ['id'] },
        ],
      }),
    ).toThrow(/duplicate index/)
    expect(() =>
      State.SQLite.table({
        name: 't',
        columns: {
          a: State.SQLite.integer({ primaryKey: true, autoIncrement: true }),
          b: State.SQLite.integer({ primaryKey: true }),
        },
      }),
    ).toThrow(/single-column primary key/)
  })

  it('table.schema decodes raw rows (docs: Schema.Array(table.schema))', async () => {
    const db = await openTestDb()
    db.create(todos)
    db.run(todos.insert({ id: 'a', completed: true, deletedAt: new Date(9) }))
    const rows = db.select('select * from todos')
    expect(Schema.decodeUnknownSync(Schema.Array(todos.schema))(rows)).toEqual([
      { id: 'a', text: '', completed: true, createdAt: new Date('2024-01-01T00:00:00.000Z'), deletedAt: new Date(9), position: 0 },
    ])
  })
})

describe('tableDdl', () => {
  it('creates the table with types, NOT NULL, key and defaults, and its indexes', () => {
    expect(tableDdl(todos)).toEqual([
      'CREATE TABLE IF NOT EXISTS "todos" ("id" TEXT NOT NULL PRIMARY KEY, "text" TEXT NOT NULL DEFAULT (\'\'), ' +
        '"completed" INTEGER NOT NULL DEFAULT (0), "createdAt" TEXT NOT NULL, "deletedAt" INTEGER, "position" REAL NOT NULL DEFAULT (0))',
      'CREATE INDEX IF NOT EXISTS "todos_completed" ON "todos" ("completed")',
    ])
    expect(tableDdl(todos.sqliteDef)).toEqual(tableDdl(todos))
  })

  it('writes composite keys, autoincrement, unique indexes, SQL and literal defaults', () => {
    const t = State.SQLite.table({
      name: "it's",
      columns: {
        a: State.SQLite.text({ primaryKey: true }),
        b: State.SQLite.integer({ primaryKey: true }),
        at: State.SQLite.datetime({ default: { sql: 'CURRENT_TIMESTAMP' } }),
        neg: State.SQLite.integer({ default: -1 }),
        quote: State.SQLite.text({ default: "it's" }),
        bytes: State.SQLite.blob({ default: new Uint8Array([0, 255]) }),
        nothing: State.SQLite.text({ nullable: true, default: null }),
        meta: State.SQLite.json({ default: { a: 1 } }),
      },
      indexes: [{ name: 'u', columns: ['neg', 'quote'], isUnique: true }],
    })
    expect(tableDdl(t)).toEqual([
      `CREATE TABLE IF NOT EXISTS "it's" ("a" TEXT NOT NULL, "b" INTEGER NOT NULL, "at" TEXT NOT NULL DEFAULT (CURRENT_TIMESTAMP), ` +
        `"neg" INTEGER NOT NULL DEFAULT (-1), "quote" TEXT NOT NULL DEFAULT ('it''s'), "bytes" BLOB NOT NULL DEFAULT (X'00ff'), ` +
        `"nothing" TEXT DEFAULT (NULL), "meta" TEXT NOT NULL DEFAULT ('{"a":1}'), PRIMARY KEY ("a", "b"))`,
      `CREATE UNIQUE INDEX IF NOT EXISTS "u" ON "it's" ("neg", "quote")`,
    ])
    const auto = State.SQLite.table({ name: 'auto', columns: { id: State.SQLite.integer({ primaryKey: true, autoIncrement: true }) } })
    expect(tableDdl(auto)[0]).toBe('CREATE TABLE IF NOT EXISTS "auto" ("id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT)')
  })

  it('runs in SQLite, is idempotent, and DDL defaults apply to raw inserts', async () => {
    const db = await openTestDb()
    const t = State.SQLite.table({
      name: 'things',
      columns: {
        id: State.SQLite.integer({ primaryKey: true, autoIncrement: true }),
        label: State.SQLite.text({ default: 'none' }),
        flag: State.SQLite.boolean({ default: true }),
        at: State.SQLite.datetime({ default: { sql: 'CURRENT_TIMESTAMP' } }),
      },
      indexes: [{ name: 'things_label', columns: ['label'], isUnique: true }],
    })
    db.create(t)
    db.create(t)
    db.exec('INSERT INTO things DEFAULT VALUES')
    const row = db.run(t.first({ behaviour: 'error' }))
    expect(row).toMatchObject({ id: 1, label: 'none', flag: true })
    expect(row.at).toBeInstanceOf(Date)
    // (sqlite-wasm logs the failed step to stderr; expected.)
    expect(() => db.exec('INSERT INTO things DEFAULT VALUES')).toThrow(/UNIQUE/)
  })
})
