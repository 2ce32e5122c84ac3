import type { RowChanges } from '@cairn/store'
import { describe, expect, it } from 'vitest'
import { loadSqlite } from '../src/index.js'
import { hasTopLevelWhere } from '../src/unreported-changes.js'

const open = async () => {
  const db = (await loadSqlite()).openInMemory()
  db.execute('CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT)')
  db.execute('CREATE TABLE notes (key TEXT PRIMARY KEY, body TEXT)')
  db.execute('CREATE TABLE pairs (a TEXT, b TEXT, PRIMARY KEY (a, b)) WITHOUT ROWID')
  db.execute('CREATE TABLE tags (name TEXT UNIQUE ON CONFLICT REPLACE)')
  db.execute('CREATE TABLE audit (item INTEGER)')
  db.execute('CREATE TABLE owners (id INTEGER PRIMARY KEY)')
  db.execute('CREATE TABLE pets (owner INTEGER REFERENCES owners (id) ON DELETE CASCADE)')
  db.execute('CREATE TRIGGER items_audit AFTER DELETE ON items BEGIN INSERT INTO audit VALUES (old.id); END')
  for (let id = 1; id <= 3; id++) db.execute('INSERT INTO items (id, name) VALUES (?, ?)', [id, `item ${id}`])
  db.execute("INSERT INTO notes VALUES ('a', 'x')")
  return { db, tracker: db.trackRowChanges!() }
}

const summary = (changes: RowChanges) => ({
  all: changes.untrackedAll,
  untracked: [...changes.untracked].sort(),
  rowids: Object.fromEntries([...changes.rowids].map(([table, rowids]) => [table, [...rowids].sort()])),
})

describe('trackRowChanges', () => {
  it('collects the rowids of inserted, updated and deleted rows per table until drained', async () => {
    const { db, tracker } = await open()
    db.execute("INSERT INTO items (id, name) VALUES (7, 'new')")
    db.execute("UPDATE items SET name = 'renamed' WHERE id <= 2")
    db.execute("UPDATE notes SET body = 'y' WHERE key = 'a'")
    expect(summary(tracker.drain())).toEqual({ all: false, untracked: [], rowids: { items: [1, 2, 7], notes: [1] } })
    expect(summary(tracker.drain())).toEqual({ all: false, untracked: [], rowids: {} })
    expect(db.trackRowChanges!()).toBe(tracker)
  })

  it('reports rowids up to the safe integers exactly and marks a table with a rowid beyond them untracked', async () => {
    const { db, tracker } = await open()
    const largest = Number.MAX_SAFE_INTEGER
    db.execute('INSERT INTO items (id, name) VALUES (?, ?), (?, ?)', [largest, 'largest', -largest, 'smallest'])
    expect(summary(tracker.drain())).toEqual({ all: false, untracked: [], rowids: { items: [-largest, largest].sort() } })
    for (const beyond of [2n ** 53n, 2n ** 53n + 1n, -(2n ** 53n) - 1n, 2n ** 63n - 1n]) {
      db.execute('INSERT INTO items (id, name) VALUES (?, ?)', [beyond, 'beyond'])
      expect(summary(tracker.drain())).toEqual({ all: false, untracked: ['items'], rowids: {} })
    }
    db.execute("UPDATE notes SET body = 'z' WHERE key = 'a'")
    expect(summary(tracker.drain())).toEqual({ all: false, untracked: [], rowids: { notes: [1] } })
  })

  it('marks tables untracked when the update hook may miss rows', async () => {
    const { db, tracker } = await open()
    const untracked = (sql: string, bindValues: ReadonlyArray<string | number> = []) => {
      tracker.drain()
      db.execute(sql, bindValues as never)
      return summary(tracker.drain()).untracked
    }
    // REPLACE conflict resolution deletes the old row without telling the hook.
    expect(untracked("INSERT OR REPLACE INTO notes VALUES ('a', 'z')")).toEqual(['notes'])
    expect(untracked("REPLACE INTO notes VALUES ('a', 'w')")).toEqual(['notes'])
    expect(untracked("INSERT INTO tags VALUES ('t')")).toEqual(['tags'])
    // Changing an INTEGER PRIMARY KEY changes the rowid: the hook sees only the new one.
    expect(untracked('UPDATE items SET id = 10 WHERE id = 3')).toEqual(['items'])
    expect(untracked('UPDATE items SET rowid = 11 WHERE id = 10')).toEqual(['items'])
    expect(untracked("INSERT INTO pairs VALUES ('a', 'b')")).toEqual(['pairs'])
    expect(untracked('INSERT INTO owners VALUES (1)')).toEqual(['owners'])
    expect(untracked('INSERT INTO pets VALUES (1)')).toEqual([])
    // Writes made by triggers are not looked into.
    expect(untracked('DELETE FROM items WHERE id = 1')).toEqual(['audit', 'items'])
    expect(untracked('DELETE FROM notes')).toEqual(['notes'])
    expect(untracked("UPDATE items SET name = 'ok' WHERE id = 2")).toEqual([])
    expect(untracked("INSERT INTO notes VALUES ('b', 'x') ON CONFLICT (key) DO UPDATE SET body = excluded.body")).toEqual([])
  })

  it('reports every table untracked after schema changes and changesets', async () => {
    const { db, tracker } = await open()
    db.execute('CREATE TABLE later (x)')
    expect(tracker.drain().untrackedAll).toBe(true)
    const session = db.startSession()
    db.execute("UPDATE items SET name = 'changed' WHERE id = 2")
    const changeset = session.changeset()
    session.close()
    tracker.drain()
    db.applyChangeset(db.invertChangeset(changeset))
    expect(tracker.drain().untrackedAll).toBe(true)
    // The hook keeps working with the new schema.
    db.execute('INSERT INTO later VALUES (1)')
    expect(summary(tracker.drain()).rowids).toEqual({ later: [1] })
  })
})

describe('hasTopLevelWhere', () => {
  it('knows the values an announced UPDATE assigned, unless the row changed otherwise in the same collection', async () => {
    const { db, tracker } = await open()
    const assigned = (changes: RowChanges) =>
      Object.fromEntries([...(changes.assigned ?? [])].map(([table, rows]) => [table, Object.fromEntries([...rows].map(([rowid, a]) => [rowid, a && { columns: [...a.columns], values: a.values.slice(0, a.columns.length) }]))]))
    const update = 'UPDATE items SET name = ? WHERE id = ?'
    tracker.expectAssignment!(update, 'items', { columns: ['name'], values: ['one', 1] })
    db.execute(update, ['one', 1])
    expect(assigned(tracker.drain())).toEqual({ items: { 1: { columns: ['name'], values: ['one'] } } })

    // Two assignments of one row merge (the later value wins); another statement makes the row unknown, before or after.
    tracker.expectAssignment!(update, 'items', { columns: ['name'], values: ['a', 1] })
    db.execute(update, ['a', 1])
    tracker.expectAssignment!('UPDATE items SET id = id, name = ? WHERE id = ?', 'items', { columns: ['id', 'name'], values: [1, 'b', 1] })
    tracker.expectAssignment!(update, 'items', { columns: ['name'], values: ['b', 1] })
    db.execute(update, ['b', 1])
    db.execute("UPDATE items SET name = 'raw' WHERE id = 2")
    tracker.expectAssignment!(update, 'items', { columns: ['name'], values: ['c', 2] })
    db.execute(update, ['c', 2])
    tracker.expectAssignment!(update, 'items', { columns: ['name'], values: ['d', 3] })
    db.execute(update, ['d', 3])
    db.execute("UPDATE items SET name = 'raw' WHERE id = 3")
    expect(assigned(tracker.drain())).toEqual({ items: { 1: { columns: ['name'], values: ['b'] }, 2: null, 3: null } })

    // An announcement is for the next statement with that SQL only; a different statement drops it.
    tracker.expectAssignment!(update, 'items', { columns: ['name'], values: ['e', 1] })
    db.execute("UPDATE items SET name = 'other' WHERE id = 1")
    db.execute(update, ['f', 1])
    expect(assigned(tracker.drain())).toEqual({})

    // Where the hook may miss rows (here a trigger), nothing is known.
    db.execute('CREATE TRIGGER items_touch AFTER UPDATE OF name ON items BEGIN UPDATE items SET id = id WHERE id = new.id; END')
    tracker.drain()
    tracker.expectAssignment!(update, 'items', { columns: ['name'], values: ['g', 1] })
    db.execute(update, ['g', 1])
    const changes = tracker.drain()
    expect(summary(changes).untracked).toEqual(['items'])
    expect(assigned(changes)).toEqual({})
  })

  it('finds only a WHERE outside parentheses, literals, quoted names and comments', () => {
    expect(hasTopLevelWhere('DELETE FROM t WHERE x = 1')).toBe(true)
    expect(hasTopLevelWhere('delete from t where(x)')).toBe(true)
    expect(hasTopLevelWhere('DELETE FROM t')).toBe(false)
    expect(hasTopLevelWhere('DELETE FROM "where" -- where')).toBe(false)
    expect(hasTopLevelWhere("DELETE FROM t /* where */ RETURNING 'where'")).toBe(false)
    expect(hasTopLevelWhere('WITH c AS (SELECT 1 WHERE 1) DELETE FROM t')).toBe(false)
    expect(hasTopLevelWhere('DELETE FROM [where] RETURNING (SELECT 1 WHERE 1)')).toBe(false)
  })
})
