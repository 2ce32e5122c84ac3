import { describe, expect, it } from 'vitest'
import { loadSqlite, SqliteError } from '../src/index.js'

const open = async () => {
  const db = (await loadSqlite()).openInMemory()
  db.execute('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)')
  return db
}

const errorOf = (run: () => unknown): SqliteError => {
  try {
    run()
  } catch (error) {
    if (error instanceof SqliteError) return error
    throw error
  }
  throw new Error('expected a SqliteError')
}

describe('binding', () => {
  it('binds positional parameters in order, numbered ones by number', async () => {
    const db = await open()
    db.execute('INSERT INTO t (id, name) VALUES (?, ?)', [1, 'one'])
    db.execute('INSERT INTO t (name, id) VALUES (?2, ?1)', [2, 'two'])
    expect(db.select('SELECT id, name FROM t ORDER BY id')).toEqual([
      { id: 1, name: 'one' },
      { id: 2, name: 'two' },
    ])
  })

  it('binds named parameters with every prefix, keys written with or without it', async () => {
    const db = await open()
    db.execute('INSERT INTO t (id, name) VALUES ($id, $name)', { id: 1, name: 'dollar' })
    db.execute('INSERT INTO t (id, name) VALUES (:id, :name)', { ':id': 2, name: 'colon' })
    db.execute('INSERT INTO t (id, name) VALUES (@id, @name)', { '@id': 3, '@name': 'at' })
    expect(db.select('SELECT name FROM t WHERE id >= $min ORDER BY id', { min: 1 })).toEqual([
      { name: 'dollar' },
      { name: 'colon' },
      { name: 'at' },
    ])
  })

  it('binds a name used twice once', async () => {
    const db = await open()
    expect(db.select('SELECT $x + $x AS twice', { x: 21 })).toEqual([{ twice: 42 }])
  })

  it('rejects booleans, undefined and objects, naming the parameter', async () => {
    const db = await open()
    const boolean = errorOf(() =>
      db.execute('INSERT INTO t (id, name) VALUES ($id, $name)', { id: 1, name: true as never }),
    )
    expect(boolean.message).toContain('parameter 2 ($name)')
    expect(boolean.message).toContain('boolean')
    expect(boolean.code).toBe(20)
    expect(boolean.sql).toBe('INSERT INTO t (id, name) VALUES ($id, $name)')
    expect(errorOf(() => db.select('SELECT ?', [undefined as never])).message).toContain('undefined')
    expect(errorOf(() => db.select('SELECT ?', [new Date() as never])).message).toContain('[object Date]')
    expect(errorOf(() => db.select('SELECT ?', [2n ** 64n])).message).toContain('64-bit')
    expect(db.select('SELECT count(*) AS n FROM t')).toEqual([{ n: 0 }])
  })

  it('rejects a wrong number of positional values', async () => {
    const db = await open()
    const tooFew = errorOf(() => db.execute('INSERT INTO t (id, name) VALUES (?, ?)', [1]))
    expect(tooFew.code).toBe(25)
    expect(tooFew.message).toContain('2 parameter(s) and 1 value(s)')
    expect(() => db.execute('INSERT INTO t (id, name) VALUES (?, ?)', [1, 'a', 'b'])).toThrow(SqliteError)
    expect(() => db.execute('INSERT INTO t (id, name) VALUES (?, ?)')).toThrow(/no values were given/)
    expect(() => db.select('SELECT 1', [1])).toThrow(/0 parameter/)
  })

  it('rejects unknown and missing names', async () => {
    const db = await open()
    const unknown = errorOf(() => db.execute('INSERT INTO t (id, name) VALUES ($id, $name)', { id: 1, nmae: 'x' }))
    expect(unknown.message).toContain('no parameter named "nmae"')
    expect(unknown.message).toContain('$id, $name')
    expect(() => db.execute('INSERT INTO t (id, name) VALUES ($id, $name)', { id: 1 })).toThrow(/1 named value/)
    expect(() => db.execute('INSERT INTO t (id, name) VALUES (?, ?)', { id: 1 })).toThrow(/no parameter named "id"/)
  })

  it('does not carry values over from a previous run', async () => {
    const db = await open()
    db.execute('INSERT INTO t (id, name) VALUES (?, ?)', [1, 'one'])
    expect(() => db.execute('INSERT INTO t (id, name) VALUES (?, ?)')).toThrow(SqliteError)
    expect(db.select('SELECT count(*) AS n FROM t')).toEqual([{ n: 1 }])
  })
})
