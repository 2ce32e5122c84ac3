import { describe, expect, it } from 'vitest'
import { loadSqlite } from '../src/index.js'

const open = async () => (await loadSqlite()).openInMemory()

describe('execute and select', () => {
  it('round-trips every value type', async () => {
    const db = await open()
    db.execute('CREATE TABLE v (id INTEGER PRIMARY KEY, value ANY) STRICT')
    const blob = new Uint8Array([0, 1, 2, 255])
    const values = [
      0,
      -1,
      42,
      2 ** 31,
      -(2 ** 31) - 1,
      Number.MAX_SAFE_INTEGER,
      Number.MIN_SAFE_INTEGER,
      2n ** 53n,
      2n ** 53n + 1n,
      2n ** 63n - 1n,
      -(2n ** 63n),
      1.5,
      -0.25,
      1e300,
      '',
      'hello',
      'ünïcødé 🎉',
      '\uFEFFleading BOM',
      'ascii then é',
      'x'.repeat(64),
      `${'x'.repeat(63)}é`,
      `${'x'.repeat(64)}é`,
      '\u007f\u0000\u0001',
      '\uD83D', // a lone surrogate becomes U+FFFD, as TextEncoder writes it
      blob,
      new Uint8Array(0),
      null,
    ]
    values.forEach((value, id) => db.execute('INSERT INTO v (id, value) VALUES (?, ?)', [id, value]))
    const rows = db.select('SELECT id, value FROM v ORDER BY id')
    expect(rows.map((row) => row.value)).toEqual(values.map((value) => (value === '\uD83D' ? '\uFFFD' : value)))
    // selectValues: the same values, each row an array in column order.
    expect(db.selectValues('SELECT value, id FROM v ORDER BY id')).toEqual(rows.map((row) => [row.value, row.id]))
    expect(db.select("SELECT length(CAST(value AS BLOB)) AS bytes FROM v WHERE value = 'ascii then é'")).toEqual([{ bytes: 13 }])
  })

  it('returns safe integers as numbers and larger ones as bigints', async () => {
    const db = await open()
    expect(db.select('SELECT 9007199254740991 AS a, 9007199254740992 AS b, -9007199254740992 AS c, 5 AS d')).toEqual([
      { a: 9007199254740991, b: 9007199254740992n, c: -9007199254740992n, d: 5 },
    ])
    expect(db.select('SELECT ? AS small', [5n])).toEqual([{ small: 5 }])
  })

  it('binds integral numbers as INTEGER and others as REAL', async () => {
    const db = await open()
    const [row] = db.select('SELECT typeof(?) AS a, typeof(?) AS b, typeof(?) AS c, typeof(?) AS d', [
      3,
      3.5,
      2 ** 40,
      1e20,
    ])
    expect(row).toEqual({ a: 'integer', b: 'real', c: 'integer', d: 'real' })
  })

  it('returns blobs as copies that outlive later statements', async () => {
    const db = await open()
    db.execute('CREATE TABLE b (data BLOB)')
    db.execute('INSERT INTO b VALUES (?)', [new Uint8Array([1, 2, 3])])
    const [first] = db.select<{ data: Uint8Array }>('SELECT data FROM b')
    db.execute('UPDATE b SET data = ?', [new Uint8Array([9, 9, 9])])
    db.select('SELECT data FROM b')
    expect(first?.data).toEqual(new Uint8Array([1, 2, 3]))
  })

  it('binds and returns text and blobs of megabytes', async () => {
    const db = await open()
    const text = `${'x'.repeat(1_000_000)}é`
    const blob = new Uint8Array(3_000_000).map((_, i) => i % 251)
    const [row] = db.select<{ text: string; blob: Uint8Array }>('SELECT ? AS text, ? AS blob', [text, blob])
    // Element-wise toEqual on megabytes takes seconds; compare in bulk instead.
    expect(row?.text === text).toBe(true)
    expect(Buffer.compare(row?.blob ?? new Uint8Array(0), blob)).toBe(0)
  })

  it('returns the number of rows a statement changed, 0 for statements that change none', async () => {
    const db = await open()
    db.execute('CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER)')
    expect(db.execute('INSERT INTO t (n) VALUES (1), (2), (3)')).toBe(3)
    expect(db.execute('UPDATE t SET n = n + 1 WHERE n >= 2')).toBe(2)
    expect(db.execute('CREATE INDEX t_n ON t (n)')).toBe(0)
    expect(db.execute('SELECT * FROM t')).toBe(0)
    expect(db.execute('DELETE FROM t')).toBe(3)
    expect(db.execute('DROP TABLE t')).toBe(0)
  })

  it('keys rows by column name, aliases included', async () => {
    const db = await open()
    expect(db.select('SELECT 1 AS one, 2 AS "two words", NULL AS none')).toEqual([
      { one: 1, 'two words': 2, none: null },
    ])
    expect(db.select('SELECT 1 WHERE 0')).toEqual([])
  })
})
