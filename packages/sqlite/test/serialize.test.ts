import { describe, expect, it } from 'vitest'
import type { SqliteDb } from '@cairn/store'
import { loadSqlite, SqliteError } from '../src/index.js'

const open = async () => (await loadSqlite()).openInMemory()

const dump = (db: SqliteDb) => ({
  schema: db.select('SELECT type, name, sql FROM sqlite_schema ORDER BY name'),
  rows: db.select('SELECT * FROM t ORDER BY id'),
})

describe('export and import', () => {
  it('move the whole database into another connection, which stays writable', async () => {
    const source = await open()
    source.execute('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, data BLOB)')
    source.execute('CREATE INDEX t_name ON t (name)')
    for (let id = 1; id <= 500; id++) {
      source.execute('INSERT INTO t VALUES (?, ?, ?)', [id, `row ${id}`, new Uint8Array([id % 256])])
    }
    const bytes = source.export()
    expect(new TextDecoder().decode(bytes.subarray(0, 15))).toBe('SQLite format 3')

    const target = await open()
    target.execute('CREATE TABLE old (x)')
    target.select('SELECT * FROM old')
    target.import(bytes)
    expect(dump(target)).toEqual(dump(source))
    expect(target.select("SELECT name FROM sqlite_schema WHERE name = 'old'")).toEqual([])

    target.execute('INSERT INTO t VALUES (?, ?, ?)', [501, 'new', null])
    expect(target.execute('DELETE FROM t WHERE id <= 100')).toBe(100)
    const grown = 'x'.repeat(100_000)
    for (let id = 1000; id < 1100; id++) target.execute('INSERT INTO t VALUES (?, ?, NULL)', [id, grown])
    expect(target.select('SELECT count(*) AS n FROM t')).toEqual([{ n: 501 }])
    expect(source.select('SELECT count(*) AS n FROM t')).toEqual([{ n: 500 }])

    // And what was imported can be exported again.
    const again = await open()
    again.import(target.export())
    expect(dump(again)).toEqual(dump(target))
  })

  it('import a database whose header says WAL mode as a writable one', async () => {
    const source = await open()
    source.execute('CREATE TABLE t (id INTEGER PRIMARY KEY)')
    source.execute('INSERT INTO t VALUES (1)')
    const bytes = source.export()
    bytes[18] = 2
    bytes[19] = 2
    const target = await open()
    target.import(bytes)
    target.execute('INSERT INTO t VALUES (2)')
    expect(target.select('SELECT id FROM t')).toEqual([{ id: 1 }, { id: 2 }])
  })

  it('refuse bytes that are not a database and leave the database as it was', async () => {
    const db = await open()
    db.execute('CREATE TABLE t (id INTEGER PRIMARY KEY)')
    expect(() => db.import(new TextEncoder().encode('not a database at all'))).toThrow(/not a SQLite database/)
    expect(db.select('SELECT count(*) AS n FROM t')).toEqual([{ n: 0 }])
  })

  it('import empty bytes as an empty, writable database', async () => {
    const db = await open()
    db.execute('CREATE TABLE t (id INTEGER PRIMARY KEY)')
    db.import(new Uint8Array(0))
    expect(db.select('SELECT name FROM sqlite_schema')).toEqual([])
    db.execute('CREATE TABLE t (id INTEGER PRIMARY KEY)')
    db.execute('INSERT INTO t VALUES (1)')
    expect(db.select('SELECT id FROM t')).toEqual([{ id: 1 }])
  })

  it('refuse to import inside a transaction and leave the transaction usable', async () => {
    const source = await open()
    const db = await open()
    db.execute('CREATE TABLE t (id INTEGER PRIMARY KEY)')
    db.execute('BEGIN')
    db.execute('INSERT INTO t VALUES (1)')
    expect(() => db.import(source.export())).toThrow(/outside of a transaction/)
    db.execute('COMMIT')
    expect(db.select('SELECT id FROM t')).toEqual([{ id: 1 }])
  })

  it('refuse to import while a session records changes', async () => {
    const source = await open()
    const db = await open()
    const session = db.startSession()
    expect(() => db.import(source.export())).toThrow(SqliteError)
    session.close()
    db.import(source.export())
  })
})
