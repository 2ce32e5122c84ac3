import { describe, expect, it } from 'vitest'
import { loadSqlite } from '../src/index.js'

// Rows repeating a column's text get the same string back without decoding it again: the texts
// read must still be exactly what is stored, whatever repeats and whatever does not.

describe('texts repeated row after row', () => {
  it('reads every text as stored: repeats, same-length changes, multi-byte, long and changing columns', async () => {
    const db = (await loadSqlite()).openInMemory()
    db.execute('CREATE TABLE t (id INTEGER PRIMARY KEY, kind TEXT, unique_text TEXT, long_text TEXT)')
    const expected: Array<Record<string, unknown>> = []
    for (let i = 0; i < 300; i++) {
      const kind = i < 100 ? 'same' : i < 200 ? (i % 2 === 0 ? 'abcd' : 'abce') : i % 3 === 0 ? 'é日本' : 'é日本x'
      const row = { id: i, kind, unique_text: `u${i}`, long_text: `${'x'.repeat(70)}${i % 2}` }
      expected.push(row)
      db.execute('INSERT INTO t VALUES (?, ?, ?, ?)', [row.id, row.kind, row.unique_text, row.long_text])
    }
    expect(db.select('SELECT * FROM t ORDER BY id')).toEqual(expected)
    expect(db.select('SELECT * FROM t ORDER BY id DESC')).toEqual([...expected].reverse())
    db.execute("UPDATE t SET kind = 'changed' WHERE id = 150")
    expect(db.select('SELECT kind FROM t WHERE id BETWEEN 148 AND 152 ORDER BY id').map((row) => row['kind'])).toEqual([
      'abcd',
      'abce',
      'changed',
      'abce',
      'abcd',
    ])
    db.close()
  })
})
