import { describe, expect, it } from 'vitest'
import type { SqliteDb } from '@cairn/store'
import { loadSqlite, SqliteError } from '../src/index.js'

const open = async () => {
  const db = (await loadSqlite()).openInMemory()
  db.execute('CREATE TABLE with_pk (id TEXT PRIMARY KEY, n INTEGER, data BLOB)')
  db.execute('CREATE TABLE without_pk (label TEXT, n REAL)')
  db.execute('INSERT INTO with_pk VALUES (?, ?, ?)', ['a', 1, new Uint8Array([1])])
  db.execute('INSERT INTO with_pk VALUES (?, ?, ?)', ['b', 2, null])
  db.execute('INSERT INTO without_pk VALUES (?, ?)', ['x', 1.5])
  db.execute('INSERT INTO without_pk VALUES (?, ?)', ['y', 2.5])
  return db
}

const dump = (db: SqliteDb) => ({
  withPk: db.select('SELECT * FROM with_pk ORDER BY id'),
  withoutPk: db.select('SELECT rowid, * FROM without_pk ORDER BY rowid'),
})

const change = (db: SqliteDb) => {
  db.execute('INSERT INTO with_pk VALUES (?, ?, ?)', ['c', 3, new Uint8Array([3, 3])])
  db.execute('UPDATE with_pk SET n = n * 10, data = ? WHERE id = ?', [new Uint8Array([9]), 'a'])
  db.execute('DELETE FROM with_pk WHERE id = ?', ['b'])
  db.execute('INSERT INTO without_pk VALUES (?, ?)', ['z', 3.5])
  db.execute('UPDATE without_pk SET n = -n WHERE label = ?', ['x'])
  db.execute('DELETE FROM without_pk WHERE label = ?', ['y'])
}

describe('sessions', () => {
  it('record inserts, updates and deletes, also on tables without a primary key', async () => {
    const db = await open()
    const session = db.startSession()
    expect(session.changeset()).toEqual(new Uint8Array(0))
    change(db)
    const changeset = session.changeset()
    session.close()
    expect(changeset.length).toBeGreaterThan(0)

    // Replaying on a copy of the starting state reproduces the changes exactly, for both tables.
    const replica = await open()
    replica.applyChangeset(changeset)
    expect(dump(replica)).toEqual(dump(db))
  })

  it('undo the changes exactly when the inverted changeset is applied', async () => {
    const db = await open()
    const before = dump(db)
    const session = db.startSession()
    change(db)
    const changeset = session.changeset()
    session.close()
    const after = dump(db)

    db.applyChangeset(db.invertChangeset(changeset))
    expect(dump(db)).toEqual(before)
    db.applyChangeset(changeset)
    expect(dump(db)).toEqual(after)
  })

  it('record only what happens while open, and can undo one transaction among others', async () => {
    const db = await open()
    db.execute('BEGIN')
    const first = db.startSession()
    db.execute('UPDATE with_pk SET n = 100 WHERE id = ?', ['a'])
    const firstChanges = first.changeset()
    first.close()
    const afterFirst = dump(db)
    const second = db.startSession()
    db.execute('UPDATE with_pk SET n = 200 WHERE id = ?', ['b'])
    db.applyChangeset(db.invertChangeset(second.changeset()))
    second.close()
    db.execute('COMMIT')
    expect(dump(db)).toEqual(afterFirst)
    expect(firstChanges.length).toBeGreaterThan(0)
  })

  it('apply nothing and throw when the changeset conflicts', async () => {
    const db = await open()
    const session = db.startSession()
    change(db)
    const changeset = session.changeset()
    session.close()
    const inverse = db.invertChangeset(changeset)
    db.execute('UPDATE with_pk SET n = 42 WHERE id = ?', ['c'])
    const before = dump(db)

    let error: unknown
    try {
      db.applyChangeset(inverse)
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(SqliteError)
    expect((error as SqliteError).message).toContain('table "with_pk"')
    expect((error as SqliteError).message).toContain('none of it was applied')
    expect(dump(db)).toEqual(before)

    // Applying the forward changeset again conflicts too: the rows it inserts already exist.
    expect(() => db.applyChangeset(changeset)).toThrow(/conflicts/)
    expect(dump(db)).toEqual(before)
  })

  it('reject bytes that are not a changeset', async () => {
    const db = await open()
    expect(() => db.invertChangeset(new Uint8Array([1, 2, 3]))).toThrow(SqliteError)
    expect(() => db.applyChangeset(new Uint8Array([84, 200, 1]))).toThrow(SqliteError)
  })

  it('are closed by closing the database', async () => {
    const db = await open()
    const session = db.startSession()
    session.close()
    session.close()
    expect(() => session.changeset()).toThrow(/session is closed/)
    const open2 = db.startSession()
    db.close()
    expect(() => open2.changeset()).toThrow(/session is closed/)
  })
})
