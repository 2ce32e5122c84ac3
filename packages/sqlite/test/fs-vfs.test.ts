import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SqliteDb } from '@cairn/store'
import { DatabaseLockedError, loadSqlite, SqliteError, type WasmSqliteDbFactory } from '../src/index.js'

let sqlite: WasmSqliteDbFactory
let root: string
let counter = 0

beforeAll(async () => {
  sqlite = await loadSqlite()
  // Real path: openFile resolves symbolic links (os.tmpdir() is one on macOS).
  root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-fs-vfs-')))
})

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true })
})

/** A fresh directory for one test. */
const freshDir = (): string => {
  const dir = path.join(root, `case-${++counter}`)
  fs.mkdirSync(dir)
  return dir
}

const listDir = (dir: string): string[] => fs.readdirSync(dir).sort()

const thrown = (run: () => unknown): unknown => {
  try {
    run()
  } catch (error) {
    return error
  }
  throw new Error('expected a throw')
}

const integrity = (db: SqliteDb) => db.select('PRAGMA integrity_check')

describe('openFile', () => {
  it('keeps the data across close and reopen, and leaves only the database file behind', () => {
    const dir = freshDir()
    const file = path.join(dir, 'app.db')
    const db = sqlite.openFile(file)
    expect(db.select('PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }])
    expect(db.select('PRAGMA locking_mode')).toEqual([{ locking_mode: 'exclusive' }])
    expect(db.select('PRAGMA synchronous')).toEqual([{ synchronous: 2 }])
    db.execute('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, data BLOB)')
    expect(listDir(dir)).toEqual(['app.db', 'app.db-wal', 'app.db.lock'])
    for (let id = 1; id <= 200; id++) db.execute('INSERT INTO t VALUES (?, ?, ?)', [id, `row ${id}`, new Uint8Array([id])])
    db.close()
    db.close()
    // Closing checkpoints the write-ahead log into the file and deletes it, and releases the lock.
    expect(listDir(dir)).toEqual(['app.db'])

    const again = sqlite.openFile(file, { create: false })
    expect(again.select('SELECT count(*) AS n, sum(id) AS s FROM t')).toEqual([{ n: 200, s: 20_100 }])
    expect(again.select('SELECT name, data FROM t WHERE id = 7')).toEqual([{ name: 'row 7', data: new Uint8Array([7]) }])
    expect(integrity(again)).toEqual([{ integrity_check: 'ok' }])
    again.close()
  })

  it('opens with synchronous NORMAL on request', () => {
    const db = sqlite.openFile(path.join(freshDir(), 'normal.db'), { synchronous: 'normal' })
    expect(db.select('PRAGMA synchronous')).toEqual([{ synchronous: 1 }])
    db.close()
  })

  it('round-trips many megabytes over many pages', () => {
    const file = path.join(freshDir(), 'large.db')
    const db = sqlite.openFile(file)
    db.execute('CREATE TABLE blobs (id INTEGER PRIMARY KEY, data BLOB NOT NULL)')
    db.execute('CREATE TABLE rows (id INTEGER PRIMARY KEY, text TEXT NOT NULL)')
    const blob = (id: number) => {
      const bytes = new Uint8Array(100_000)
      for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + id) & 0xff
      return bytes
    }
    const text = (id: number) => `text ${id} `.repeat(5)
    db.execute('BEGIN')
    for (let id = 0; id < 80; id++) db.execute('INSERT INTO blobs VALUES (?, ?)', [id, blob(id)])
    for (let id = 0; id < 10_000; id++) db.execute('INSERT INTO rows VALUES (?, ?)', [id, text(id)])
    db.execute('COMMIT')
    db.close()
    expect(fs.statSync(file).size).toBeGreaterThan(8_000_000)

    const again = sqlite.openFile(file)
    expect(again.select<{ page_count: number }>('PRAGMA page_count')[0]!.page_count).toBeGreaterThan(1000)
    for (const id of [0, 41, 79]) {
      expect(again.select('SELECT data FROM blobs WHERE id = ?', [id])).toEqual([{ data: blob(id) }])
    }
    let bytes = 0
    for (let id = 0; id < 10_000; id++) bytes += text(id).length
    expect(again.select('SELECT count(*) AS n, sum(length(text)) AS bytes FROM rows')).toEqual([{ n: 10_000, bytes }])
    expect(again.select('SELECT text FROM rows WHERE id = 9876')).toEqual([{ text: text(9876) }])
    expect(integrity(again)).toEqual([{ integrity_check: 'ok' }])
    again.close()
  })

  it('leaves the file as it was when a transaction rolls back, even after spilling pages to the log', () => {
    const file = path.join(freshDir(), 'rollback.db')
    const db = sqlite.openFile(file)
    db.execute('CREATE TABLE t (id INTEGER PRIMARY KEY, data TEXT)')
    for (let id = 0; id < 500; id++) db.execute('INSERT INTO t VALUES (?, ?)', [id, 'x'.repeat(200)])
    db.close()
    const before = fs.readFileSync(file)

    const again = sqlite.openFile(file)
    // A tiny cache makes SQLite write uncommitted pages to the log before the rollback.
    again.execute('PRAGMA cache_size = 5')
    again.execute('BEGIN')
    again.execute('DELETE FROM t WHERE id % 2 = 0')
    for (let id = 1000; id < 3000; id++) again.execute('INSERT INTO t VALUES (?, ?)', [id, 'y'.repeat(300)])
    again.execute('ROLLBACK')
    expect(again.select('SELECT count(*) AS n FROM t')).toEqual([{ n: 500 }])
    again.close()
    expect(fs.readFileSync(file).equals(before)).toBe(true)
    expect(listDir(path.dirname(file))).toEqual(['rollback.db'])
  })

  it('recovers committed transactions from the write-ahead log of a file that was not closed', () => {
    const dir = freshDir()
    const file = path.join(dir, 'live.db')
    const db = sqlite.openFile(file)
    db.execute('CREATE TABLE t (id INTEGER PRIMARY KEY)')
    for (let id = 1; id <= 50; id++) db.execute('INSERT INTO t VALUES (?)', [id])
    // What a crash would leave behind: the database file and its log, as they are now.
    const copyDir = freshDir()
    fs.copyFileSync(file, path.join(copyDir, 'live.db'))
    fs.copyFileSync(`${file}-wal`, path.join(copyDir, 'live.db-wal'))
    db.close()

    const recovered = sqlite.openFile(path.join(copyDir, 'live.db'))
    expect(recovered.select('SELECT count(*) AS n FROM t')).toEqual([{ n: 50 }])
    expect(integrity(recovered)).toEqual([{ integrity_check: 'ok' }])
    recovered.close()
    expect(listDir(copyDir)).toEqual(['live.db'])
  })

  it('keeps temp files on disk when told to and deletes them on close', () => {
    const db = sqlite.openFile(path.join(freshDir(), 'temp.db'))
    const tempFiles = () => fs.readdirSync(os.tmpdir()).filter((name) => name.startsWith(`cairn-sqlite-${process.pid}-`))
    db.execute('PRAGMA temp_store = FILE')
    db.execute('PRAGMA temp.cache_size = 5')
    db.execute('CREATE TEMP TABLE scratch (id INTEGER PRIMARY KEY, data TEXT)')
    for (let id = 0; id < 2000; id++) db.execute('INSERT INTO scratch VALUES (?, ?)', [id, 'z'.repeat(100)])
    expect(tempFiles().length).toBeGreaterThan(0)
    expect(db.select('SELECT count(*) AS n FROM scratch ORDER BY data')).toEqual([{ n: 2000 }])
    db.close()
    expect(tempFiles()).toEqual([])
  })
})

describe('export and import on a database file', () => {
  const fill = (db: SqliteDb, rows: number) => {
    db.execute('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)')
    for (let id = 1; id <= rows; id++) db.execute('INSERT INTO t VALUES (?, ?)', [id, `name ${id}`])
  }
  const rows = (db: SqliteDb) => db.select('SELECT * FROM t ORDER BY id')

  it('export the file database, which an in-memory one can import', () => {
    const db = sqlite.openFile(path.join(freshDir(), 'export.db'))
    fill(db, 300)
    const memory = sqlite.openInMemory()
    memory.import(db.export())
    expect(rows(memory)).toEqual(rows(db))
    memory.execute('INSERT INTO t VALUES (301, ?)', ['more'])
    db.close()
  })

  it('export the file in one read once its log is checkpointed: the bytes SQLite copies page by page', () => {
    const file = path.join(freshDir(), 'whole.db')
    const db = sqlite.openFile(file)
    fill(db, 300)
    // Inside a transaction the file may not hold the whole database: SQLite copies it page by page.
    db.execute('BEGIN')
    const paged = db.export()
    db.execute('COMMIT')
    const whole = db.export()
    expect(Buffer.from(whole).equals(Buffer.from(paged))).toBe(true)
    expect(whole.length).toBe(fs.statSync(file).size)
    db.execute('INSERT INTO t VALUES (301, ?)', ['after export'])
    const memory = sqlite.openInMemory()
    memory.import(db.export())
    expect(rows(memory)).toEqual(rows(db))
    db.close()
  })

  it('import into the file itself, durably, keeping WAL mode', () => {
    const file = path.join(freshDir(), 'import.db')
    const source = sqlite.openInMemory()
    fill(source, 400)
    const db = sqlite.openFile(file)
    db.execute('CREATE TABLE old (x)')
    db.import(source.export())
    expect(rows(db)).toEqual(rows(source))
    db.execute('INSERT INTO t VALUES (401, ?)', ['after import'])
    db.close()
    expect(listDir(path.dirname(file))).toEqual(['import.db'])

    const again = sqlite.openFile(file)
    expect(again.select('SELECT count(*) AS n FROM t')).toEqual([{ n: 401 }])
    expect(again.select("SELECT name FROM sqlite_schema WHERE name = 'old'")).toEqual([])
    expect(again.select('PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }])
    expect(integrity(again)).toEqual([{ integrity_check: 'ok' }])
    again.close()
  })

  it('import a database of another page size, which the file takes', () => {
    const source = sqlite.openInMemory()
    source.execute('PRAGMA page_size = 1024')
    fill(source, 2000)
    expect(source.select('PRAGMA page_size')).toEqual([{ page_size: 1024 }])
    const file = path.join(freshDir(), 'pages.db')
    const db = sqlite.openFile(file)
    fill(db, 10)
    expect(db.select('PRAGMA page_size')).toEqual([{ page_size: 8192 }])
    db.import(source.export())
    expect(rows(db)).toEqual(rows(source))
    expect(db.select('PRAGMA page_size')).toEqual([{ page_size: 1024 }])
    expect(db.select('PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }])
    db.execute('INSERT INTO t VALUES (2001, ?)', ['after import'])
    db.close()
    expect(listDir(path.dirname(file))).toEqual(['pages.db'])
    const again = sqlite.openFile(file)
    expect(again.select('SELECT count(*) AS n FROM t')).toEqual([{ n: 2001 }])
    expect(integrity(again)).toEqual([{ integrity_check: 'ok' }])
    again.close()
  })

  it('import empty bytes as an empty database', () => {
    const file = path.join(freshDir(), 'empty.db')
    const db = sqlite.openFile(file)
    fill(db, 10)
    db.import(new Uint8Array(0))
    expect(db.select('SELECT name FROM sqlite_schema')).toEqual([])
    fill(db, 3)
    db.close()
    const again = sqlite.openFile(file)
    expect(rows(again)).toHaveLength(3)
    again.close()
  })

  it('refuse inside a transaction or with bytes that are not a database, leaving the file unchanged', () => {
    const db = sqlite.openFile(path.join(freshDir(), 'refuse.db'))
    fill(db, 5)
    const source = sqlite.openInMemory()
    fill(source, 50)
    db.execute('BEGIN')
    db.execute('INSERT INTO t VALUES (6, ?)', ['six'])
    expect(() => db.import(source.export())).toThrow(/outside of a transaction/)
    db.execute('COMMIT')
    expect(() => db.import(new TextEncoder().encode('definitely not a database'))).toThrow(/not a SQLite database/)
    expect(rows(db)).toHaveLength(6)
    db.close()
  })
})

describe('openFile refuses', () => {
  it('a file that is not a database, with a SqliteError, leaving it untouched', () => {
    const dir = freshDir()
    const file = path.join(dir, 'garbage.db')
    const garbage = Uint8Array.from({ length: 10_000 }, (_, i) => (i * 7919) & 0xff)
    fs.writeFileSync(file, garbage)
    const error = thrown(() => sqlite.openFile(file))
    expect(error).toBeInstanceOf(SqliteError)
    expect((error as SqliteError)._tag).toBe('SqliteError')
    expect((error as SqliteError).code).toBe(26)
    expect((error as SqliteError).message).toContain(`The file ${file} is not a SQLite database`)
    expect(fs.readFileSync(file).equals(garbage)).toBe(true)
    expect(listDir(dir)).toEqual(['garbage.db'])

    fs.writeFileSync(file, 'short text, not a database')
    expect(thrown(() => sqlite.openFile(file))).toMatchObject({ code: 26 })
    expect(fs.readFileSync(file, 'utf8')).toBe('short text, not a database')
  })

  it('a missing directory', () => {
    const file = path.join(root, 'no-such-dir', 'app.db')
    const error = thrown(() => sqlite.openFile(file))
    expect(error).toBeInstanceOf(SqliteError)
    expect(error).toMatchObject({ code: 14 })
    expect((error as Error).message).toContain(`its directory ${path.dirname(file)} does not exist`)
    expect(fs.existsSync(path.dirname(file))).toBe(false)
  })

  it('a missing file with create: false, without creating it', () => {
    const dir = freshDir()
    const file = path.join(dir, 'missing.db')
    const error = thrown(() => sqlite.openFile(file, { create: false }))
    expect(error).toBeInstanceOf(SqliteError)
    expect(error).toMatchObject({ code: 14 })
    expect((error as Error).message).toMatch(/does not exist[\s\S]*create: true/)
    expect(listDir(dir)).toEqual([])
  })

  it('a directory, and an empty path', () => {
    expect(thrown(() => sqlite.openFile(freshDir()))).toMatchObject({ _tag: 'SqliteError', code: 14 })
    expect(thrown(() => sqlite.openFile(''))).toMatchObject({ _tag: 'SqliteError', code: 14 })
  })

  it('a path it cannot resolve, and a lock file it cannot create, with SqliteErrors', () => {
    const dir = freshDir()
    const loop = path.join(dir, 'loop.db')
    fs.symlinkSync(loop, loop)
    expect(thrown(() => sqlite.openFile(loop))).toMatchObject({ _tag: 'SqliteError', code: 14 })

    // The VFS fails to open the file (here: to take its lock) and reports why.
    const file = path.join(dir, 'blocked.db')
    fs.mkdirSync(`${file}.lock`)
    const error = thrown(() => sqlite.openFile(file))
    expect(error).toBeInstanceOf(SqliteError)
    expect(error).toMatchObject({ code: 14 })
    expect((error as Error).message).toContain(`Could not open the database file ${file}: EISDIR`)
    expect(listDir(dir)).toEqual(['blocked.db.lock', 'loop.db'])
  })

  it.skipIf(process.getuid?.() === 0)('a file it may not write, with a SqliteError', () => {
    const file = path.join(freshDir(), 'readonly.db')
    sqlite.openFile(file).close()
    fs.chmodSync(file, 0o444)
    const error = thrown(() => sqlite.openFile(file))
    expect(error).toBeInstanceOf(SqliteError)
    expect((error as Error).message).toContain(`Could not open the database file ${file}`)
    expect(fs.existsSync(`${file}.lock`)).toBe(false)
  })
})

describe('the lock file', () => {
  it('keeps a second connection of this process out until the first closes', () => {
    const file = path.join(freshDir(), 'twice.db')
    const first = sqlite.openFile(file)
    first.execute('CREATE TABLE t (x)')
    const error = thrown(() => sqlite.openFile(file))
    expect(error).toBeInstanceOf(DatabaseLockedError)
    expect(error).toMatchObject({ _tag: 'DatabaseLockedError', path: file, lockPath: `${file}.lock`, pid: process.pid })
    expect((error as Error).message).toContain('already open in this process')
    first.execute('INSERT INTO t VALUES (1)')
    first.close()
    const second = sqlite.openFile(file)
    expect(second.select('SELECT x FROM t')).toEqual([{ x: 1 }])
    second.close()
  })

  it('is shared by every path to the file: relative, or through a symbolic link', () => {
    const dir = freshDir()
    const file = path.join(dir, 'linked.db')
    fs.symlinkSync(file, path.join(dir, 'link.db'))
    const db = sqlite.openFile(path.relative(process.cwd(), file))
    expect(thrown(() => sqlite.openFile(path.join(dir, 'link.db')))).toMatchObject({ _tag: 'DatabaseLockedError', path: file })
    db.close()
    const viaLink = sqlite.openFile(path.join(dir, 'link.db'))
    viaLink.execute('CREATE TABLE t (x)')
    viaLink.close()
    expect(listDir(dir)).toEqual(['link.db', 'linked.db'])
  })

  it('names a live holder and what to do', () => {
    const file = path.join(freshDir(), 'held.db')
    // pid 1 always exists.
    fs.writeFileSync(`${file}.lock`, JSON.stringify({ pid: 1, hostname: os.hostname(), token: 'other' }))
    const error = thrown(() => sqlite.openFile(file))
    expect(error).toBeInstanceOf(DatabaseLockedError)
    expect(error).toMatchObject({ pid: 1, hostname: os.hostname() })
    expect((error as Error).message).toContain(`is open in process 1, which holds the lock file ${file}.lock`)
    expect((error as Error).message).toContain('Close the other process')
    expect(fs.existsSync(file)).toBe(false)
  })

  it('treats a holder on another machine as live', () => {
    const file = path.join(freshDir(), 'remote.db')
    fs.writeFileSync(`${file}.lock`, JSON.stringify({ pid: 1234, hostname: 'elsewhere.example', token: 'x' }))
    const error = thrown(() => sqlite.openFile(file))
    expect(error).toMatchObject({ _tag: 'DatabaseLockedError', hostname: 'elsewhere.example' })
    expect((error as Error).message).toContain('another machine (elsewhere.example)')
  })

  it('takes over the lock of a process that is gone', () => {
    const file = path.join(freshDir(), 'stale.db')
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString()
    fs.writeFileSync(`${file}.lock`, JSON.stringify({ pid: Number(gone), hostname: os.hostname(), token: 'dead' }))
    const db = sqlite.openFile(file)
    expect(JSON.parse(fs.readFileSync(`${file}.lock`, 'utf8'))).toMatchObject({ pid: process.pid })
    db.close()
    expect(fs.existsSync(`${file}.lock`)).toBe(false)
  })

  it('creates the lock file whole, leaving no file of its own behind', () => {
    const dir = freshDir()
    const file = path.join(dir, 'whole.db')
    const db = sqlite.openFile(file)
    // Written under another name and hard-linked: a reader never sees it empty or half-written.
    expect(JSON.parse(fs.readFileSync(`${file}.lock`, 'utf8'))).toMatchObject({ pid: process.pid })
    expect(fs.readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([])
    db.close()
  })

  it('waits for a lock file being written, and takes over one left half-written', () => {
    const file = path.join(freshDir(), 'half.db')
    fs.writeFileSync(`${file}.lock`, '')
    expect(thrown(() => sqlite.openFile(file))).toBeInstanceOf(DatabaseLockedError)
    const old = new Date(Date.now() - 60_000)
    fs.utimesSync(`${file}.lock`, old, old)
    sqlite.openFile(file).close()
  })
})
