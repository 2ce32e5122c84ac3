import { describe, expect, it } from 'vitest'
import { loadSqlite, SqliteError } from '../src/index.js'

const open = async () => (await loadSqlite()).openInMemory()

const errorOf = (run: () => unknown): SqliteError => {
  try {
    run()
  } catch (error) {
    if (error instanceof SqliteError) return error
    throw error
  }
  throw new Error('expected a SqliteError')
}

describe('errors', () => {
  it('carry the SQL, the SQLite message and code when a statement does not prepare', async () => {
    const db = await open()
    const error = errorOf(() => db.select('SELECT * FROM missing'))
    expect(error._tag).toBe('SqliteError')
    expect(error.name).toBe('SqliteError')
    expect(error.code).toBe(1)
    expect(error.sql).toBe('SELECT * FROM missing')
    expect(error.message).toContain('no such table: missing')
    expect(error.message).toContain('SQL: SELECT * FROM missing')
    expect(() => db.tablesRead('SELEC 1')).toThrow(/syntax error/)
  })

  it('carry the extended result code when a statement fails', async () => {
    const db = await open()
    db.execute('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL)')
    db.execute('INSERT INTO t VALUES (1, ?)', ['a'])
    const duplicate = errorOf(() => db.execute('INSERT INTO t VALUES (1, ?)', ['b']))
    expect(duplicate.code).toBe(1555) // SQLITE_CONSTRAINT_PRIMARYKEY
    expect(duplicate.code & 0xff).toBe(19) // SQLITE_CONSTRAINT
    expect(duplicate.message).toContain('UNIQUE constraint failed: t.id')
    expect(duplicate.message).toContain('SQLITE_CONSTRAINT_PRIMARYKEY')
    expect(errorOf(() => db.execute('INSERT INTO t VALUES (2, NULL)')).code).toBe(1299) // SQLITE_CONSTRAINT_NOTNULL
  })

  it('reject SQL with no statement or with several', async () => {
    const db = await open()
    expect(() => db.execute('')).toThrow(/no statement/)
    expect(() => db.execute('-- just a comment')).toThrow(/no statement/)
    expect(errorOf(() => db.execute('CREATE TABLE a (x); CREATE TABLE b (x)')).message).toContain(
      'more than one statement',
    )
    expect(() => db.execute('CREATE TABLE a (x); garbage')).toThrow(/more than one statement/)
    expect(db.select('SELECT name FROM sqlite_schema')).toEqual([])
    expect(db.select('SELECT 1 AS one; -- trailing comment\n ;  ')).toEqual([{ one: 1 }])
  })
})

describe('transactions', () => {
  it('run as plain SQL, savepoints included', async () => {
    const db = await open()
    db.execute('CREATE TABLE t (n INTEGER)')
    db.execute('BEGIN')
    db.execute('INSERT INTO t VALUES (1)')
    db.execute('SAVEPOINT inner_work')
    db.execute('INSERT INTO t VALUES (2)')
    db.execute('ROLLBACK TO inner_work')
    db.execute('RELEASE inner_work')
    db.execute('COMMIT')
    db.execute('BEGIN')
    db.execute('INSERT INTO t VALUES (3)')
    db.execute('ROLLBACK')
    expect(db.select('SELECT n FROM t')).toEqual([{ n: 1 }])
    // The same cached statements work for the next transaction.
    db.execute('BEGIN')
    db.execute('INSERT INTO t VALUES (4)')
    db.execute('COMMIT')
    expect(db.select('SELECT n FROM t ORDER BY n')).toEqual([{ n: 1 }, { n: 4 }])
  })

  it('can commit after a statement failed mid-iteration or before running', async () => {
    const db = await open()
    db.execute('CREATE TABLE t (n INTEGER)')
    db.execute('BEGIN')
    db.execute("INSERT INTO t SELECT value FROM json_each('[1,2,3,4]')")
    // Fails on the third row: abs() of the smallest 64-bit integer overflows.
    const failing = 'SELECT CASE WHEN n = 3 THEN abs(-9223372036854775807 - 1) ELSE n END AS n FROM t ORDER BY n'
    expect(() => db.select(failing)).toThrow(/integer overflow/)
    expect(() => db.select('SELECT n FROM t WHERE n = ?', [true as never])).toThrow(SqliteError)
    db.execute('COMMIT')
    expect(db.select('SELECT count(*) AS n FROM t')).toEqual([{ n: 4 }])
    expect(() => db.select(failing)).toThrow(/integer overflow/)
  })
})
