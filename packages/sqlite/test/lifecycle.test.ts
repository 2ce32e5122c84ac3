import { describe, expect, it } from 'vitest'
import { loadSqlite, SqliteError } from '../src/index.js'

describe('loadSqlite', () => {
  it('initialises the module once and opens independent databases', async () => {
    const [first, second] = await Promise.all([loadSqlite(), loadSqlite()])
    expect(second).toBe(first)
    const a = first.openInMemory()
    const b = first.openInMemory()
    a.execute('CREATE TABLE t (x)')
    expect(b.select("SELECT name FROM sqlite_schema WHERE name = 't'")).toEqual([])
  })
})

describe('close', () => {
  it('is idempotent and makes every later use throw', async () => {
    const db = (await loadSqlite()).openInMemory()
    db.execute('CREATE TABLE t (x)')
    db.select('SELECT * FROM t')
    db.close()
    db.close()
    const uses: (() => unknown)[] = [
      () => db.execute('SELECT 1'),
      () => db.select('SELECT 1'),
      () => db.tablesRead('SELECT * FROM t'),
      () => db.tablesWritten('SELECT * FROM t'),
      () => db.startSession(),
      () => db.invertChangeset(new Uint8Array(0)),
      () => db.applyChangeset(new Uint8Array(0)),
      () => db.export(),
      () => db.import(new Uint8Array(0)),
    ]
    for (const use of uses) {
      let error: unknown
      try {
        use()
      } catch (caught) {
        error = caught
      }
      expect(error).toBeInstanceOf(SqliteError)
      expect((error as SqliteError).message).toContain('The database is closed')
      expect((error as SqliteError).code).toBe(21)
    }
  })
})
