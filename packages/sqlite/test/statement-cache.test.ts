import { describe, expect, it } from 'vitest'
import { loadSqlite } from '../src/index.js'

const open = async () => {
  const db = (await loadSqlite()).openInMemory()
  db.execute('CREATE TABLE t (id INTEGER PRIMARY KEY)')
  return db
}

// tablesRead hands out the set stored with the cached statement, so identity shows whether the
// statement was reused or prepared again.
describe('statement cache', () => {
  it('reuses the prepared statement for the same SQL', async () => {
    const db = await open()
    const sql = 'SELECT id FROM t WHERE id = ?'
    const tables = db.tablesRead(sql)
    db.select(sql, [1])
    db.execute(sql, [2])
    expect(db.tablesRead(sql)).toBe(tables)
    expect(db.tablesWritten(sql)).toBe(db.tablesWritten(sql))
  })

  it('evicts the least recently used statement beyond 256 and prepares it again when needed', async () => {
    const db = await open()
    const kept = 'SELECT id FROM t -- kept'
    const evicted = 'SELECT id FROM t -- evicted'
    const keptTables = db.tablesRead(kept)
    const evictedTables = db.tablesRead(evicted)
    for (let i = 0; i < 300; i++) {
      db.select(`SELECT ${i} AS n`)
      db.select(kept)
    }
    expect(db.tablesRead(kept)).toBe(keptTables)
    expect(db.tablesRead(evicted)).not.toBe(evictedTables)
    expect(db.tablesRead(evicted)).toEqual(evictedTables)
    db.execute('INSERT INTO t VALUES (1)')
    expect(db.select(evicted)).toEqual([{ id: 1 }])
  })

  it('forgets statements when the schema changes, so column names and tables stay right', async () => {
    const db = await open()
    db.execute('INSERT INTO t VALUES (1)')
    db.execute('CREATE TABLE other (id INTEGER)')
    db.execute('CREATE VIEW v AS SELECT id FROM t')
    expect(db.select('SELECT * FROM t')).toEqual([{ id: 1 }])
    expect([...db.tablesRead('SELECT * FROM v')]).toEqual(['t'])

    db.execute('ALTER TABLE t ADD COLUMN name TEXT')
    expect(db.select('SELECT * FROM t')).toEqual([{ id: 1, name: null }])
    db.execute('DROP VIEW v')
    db.execute('CREATE VIEW v AS SELECT id FROM other')
    expect([...db.tablesRead('SELECT * FROM v')]).toEqual(['other'])
  })

  it('forgets statements when a transaction that changed the schema rolls back', async () => {
    const db = await open()
    db.execute('BEGIN')
    db.execute('ALTER TABLE t ADD COLUMN name TEXT')
    db.execute('INSERT INTO t VALUES (1, ?)', ['one'])
    expect(db.select('SELECT * FROM t')).toEqual([{ id: 1, name: 'one' }])
    db.execute('ROLLBACK')
    db.execute('INSERT INTO t VALUES (2)')
    expect(db.select('SELECT * FROM t')).toEqual([{ id: 2 }])
  })
})
