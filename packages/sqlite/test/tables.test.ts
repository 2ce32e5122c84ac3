import { describe, expect, it } from 'vitest'
import { loadSqlite } from '../src/index.js'

const open = async () => {
  const db = (await loadSqlite()).openInMemory()
  db.execute('CREATE TABLE todos (id INTEGER PRIMARY KEY, title TEXT, owner INTEGER)')
  db.execute('CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)')
  db.execute('CREATE TABLE audit (todo INTEGER)')
  db.execute('CREATE VIEW owned AS SELECT todos.title, users.name FROM todos JOIN users ON users.id = todos.owner')
  db.execute('CREATE TRIGGER todo_audit AFTER UPDATE ON todos BEGIN INSERT INTO audit VALUES (new.id); END')
  return db
}

const sorted = (tables: ReadonlySet<string>) => [...tables].sort()

describe('tablesRead', () => {
  it('reports the tables of joins, subqueries, views and CTEs', async () => {
    const db = await open()
    expect(sorted(db.tablesRead('SELECT * FROM todos'))).toEqual(['todos'])
    expect(sorted(db.tablesRead('SELECT count(*) FROM todos'))).toEqual(['todos'])
    expect(sorted(db.tablesRead('SELECT t.title FROM todos t JOIN users u ON u.id = t.owner'))).toEqual([
      'todos',
      'users',
    ])
    expect(sorted(db.tablesRead('SELECT title FROM todos WHERE owner IN (SELECT id FROM users)'))).toEqual([
      'todos',
      'users',
    ])
    expect(sorted(db.tablesRead('SELECT * FROM owned'))).toEqual(['todos', 'users'])
    expect(
      sorted(db.tablesRead('WITH mine AS (SELECT * FROM todos WHERE owner = 1) SELECT count(*) FROM mine')),
    ).toEqual(['todos'])
    expect(sorted(db.tablesRead('SELECT 1'))).toEqual([])
    expect(sorted(db.tablesRead('SELECT name FROM sqlite_schema'))).toEqual([])
  })
})

describe('tablesWritten', () => {
  it('reports inserts, updates, deletes and upserts, with tables written by triggers', async () => {
    const db = await open()
    expect(sorted(db.tablesWritten('INSERT INTO users (name) VALUES (?)'))).toEqual(['users'])
    expect(sorted(db.tablesWritten('UPDATE todos SET title = ? WHERE id = ?'))).toEqual(['audit', 'todos'])
    expect(sorted(db.tablesWritten('DELETE FROM todos WHERE id = ?'))).toEqual(['todos'])
    expect(
      sorted(
        db.tablesWritten(
          'INSERT INTO users (id, name) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name',
        ),
      ),
    ).toEqual(['users'])
    expect(sorted(db.tablesWritten('SELECT * FROM todos'))).toEqual([])
    expect(sorted(db.tablesWritten('BEGIN'))).toEqual([])
  })

  it('reports what is read and written by the same statement separately', async () => {
    const db = await open()
    const sql = 'INSERT INTO audit SELECT id FROM todos'
    expect(sorted(db.tablesRead(sql))).toEqual(['todos'])
    expect(sorted(db.tablesWritten(sql))).toEqual(['audit'])
  })
})
