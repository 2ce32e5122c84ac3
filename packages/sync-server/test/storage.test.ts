// The SyncStorage contract, run against both implementations (SQLite file in a temp dir; a real
// PostgreSQL server started for the test), plus what is specific to each.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  openPostgresStorage,
  openSqliteStorage,
  SyncStorageClosedError,
  SyncStorageError,
  SyncStorageOpenError,
  type StoredEvent,
  type SyncStorage,
} from '../src/index.js'
import { cleanupTempDirs, makeEvents, tempDir } from './helpers.js'
import { findPostgresBin, freePort, startPostgres, type PostgresServer } from '../../../test/support/postgres.mjs'

afterAll(cleanupTempDirs)

const stored = (from: number, to: number, clientId = 'c'): StoredEvent[] =>
  makeEvents(from, to, clientId).map((event) => ({ seqNum: event.seqNum, json: JSON.stringify(event) }))

const pgBin = findPostgresBin()
if (pgBin === undefined) console.warn('[storage.test] PostgreSQL binaries not found under /usr/lib/postgresql/*/bin: Postgres storage tests skipped.')

let pg: PostgresServer | undefined
let databases = 0
beforeAll(async () => {
  if (pgBin !== undefined) pg = await startPostgres(pgBin)
}, 120_000)
afterAll(() => pg?.stop())

/** A place for one storage, opened as many times as the test wants (reopen = same data). */
interface Target {
  open(): Promise<SyncStorage>
}

const implementations: Array<[string, () => Target, boolean]> = [
  [
    'SQLite',
    () => {
      const file = join(tempDir(), 'sync.db')
      return { open: () => openSqliteStorage({ file }) }
    },
    false,
  ],
  [
    'Postgres',
    () => {
      const url = pg!.createDatabase(`storage_${++databases}`)
      return { open: () => openPostgresStorage({ url }) }
    },
    pgBin === undefined,
  ],
]

describe.each(implementations)('%s storage', (_name, makeTarget, skip) => {
  it.skipIf(skip)('creates a store on first open, with a backendId that stays', async () => {
    const target = makeTarget()
    const storage = await target.open()
    const first = await storage.openStore('s1')
    expect(first).toEqual({ backendId: expect.stringMatching(/^[0-9a-f-]{36}$/), head: 0 })
    expect(await storage.openStore('s1')).toEqual(first)
    expect((await storage.openStore('s2')).backendId).not.toBe(first.backendId)
    await storage.close()
    const reopened = await target.open()
    expect(await reopened.openStore('s1')).toEqual(first)
    await reopened.close()
  })

  it.skipIf(skip)('appends only on the head, reads in order with a limit, keeps stores apart, survives reopening', async () => {
    const target = makeTarget()
    const storage = await target.open()
    await storage.openStore('a')
    await storage.openStore('b')
    expect(await storage.append({ storeId: 'a', clientId: 'c', installId: 'i', parentSeqNum: 0, events: stored(1, 3) })).toEqual({ ok: true, head: 3 })
    expect(await storage.append({ storeId: 'a', clientId: 'c', installId: 'i', parentSeqNum: 1, events: stored(2, 2) })).toEqual({
      ok: false,
      reason: 'parent-mismatch',
      head: 3,
    })
    expect(await storage.append({ storeId: 'a', clientId: 'c', installId: 'i', parentSeqNum: 3, events: stored(4, 5) })).toEqual({ ok: true, head: 5 })
    expect(await storage.append({ storeId: 'b', clientId: 'c', installId: 'i', parentSeqNum: 0, events: stored(1, 1, 'c') })).toEqual({ ok: true, head: 1 })
    expect(await storage.read('a', 0, 100)).toEqual(stored(1, 5))
    expect(await storage.read('a', 1, 2)).toEqual(stored(2, 3))
    expect(await storage.read('a', 5, 10)).toEqual([])
    expect(await storage.read('b', 0, 10)).toEqual(stored(1, 1, 'c'))
    expect(await storage.read('nope', 0, 10)).toEqual([])
    expect((await storage.openStore('a')).head).toBe(5)
    await storage.close()
    const reopened = await target.open()
    expect(await reopened.read('a', 0, 100)).toEqual(stored(1, 5))
    expect((await reopened.openStore('a')).head).toBe(5)
    await reopened.close()
  })

  it.skipIf(skip)('an append is all or nothing', async () => {
    const storage = await makeTarget().open()
    await storage.openStore('s')
    const broken = [...stored(1, 2), { seqNum: 4, json: '{}' }]
    await expect(storage.append({ storeId: 's', clientId: 'c', installId: 'i', parentSeqNum: 0, events: broken })).rejects.toBeInstanceOf(SyncStorageError)
    expect(await storage.read('s', 0, 10)).toEqual([])
    expect((await storage.openStore('s')).head).toBe(0)
    expect(await storage.clientIdOwner('s', 'c')).toBeUndefined()
    await storage.close()
  })

  it.skipIf(skip)('the first accepted append claims the clientId for its installId', async () => {
    const storage = await makeTarget().open()
    await storage.openStore('s')
    expect(await storage.clientIdOwner('s', 'c')).toBeUndefined()
    expect(await storage.append({ storeId: 's', clientId: 'c', installId: 'one', parentSeqNum: 5, events: stored(6, 6) })).toMatchObject({ ok: false })
    expect(await storage.clientIdOwner('s', 'c')).toBeUndefined()
    expect(await storage.append({ storeId: 's', clientId: 'c', installId: 'one', parentSeqNum: 0, events: stored(1, 1) })).toEqual({ ok: true, head: 1 })
    expect(await storage.clientIdOwner('s', 'c')).toBe('one')
    expect(await storage.append({ storeId: 's', clientId: 'c', installId: 'two', parentSeqNum: 1, events: stored(2, 2) })).toEqual({
      ok: false,
      reason: 'client-id-taken',
      installId: 'one',
    })
    expect(await storage.read('s', 0, 10)).toEqual(stored(1, 1))
    expect(await storage.clientIdOwner('other-store', 'c')).toBeUndefined()
    await storage.close()
  })

  it.skipIf(skip)('concurrent appends on one parent: exactly one succeeds', async () => {
    const storage = await makeTarget().open()
    await storage.openStore('s')
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => storage.append({ storeId: 's', clientId: `c${i}`, installId: `i${i}`, parentSeqNum: 0, events: stored(1, 2, `c${i}`) })),
    )
    expect(results.filter((r) => r.ok)).toEqual([{ ok: true, head: 2 }])
    expect(results.filter((r) => !r.ok)).toHaveLength(11)
    expect((await storage.read('s', 0, 10)).map((e) => e.seqNum)).toEqual([1, 2])
    await storage.close()
  })

  it.skipIf(skip)('refuses every call after close()', async () => {
    const storage = await makeTarget().open()
    await storage.close()
    await storage.close()
    await expect(storage.openStore('s')).rejects.toBeInstanceOf(SyncStorageClosedError)
    await expect(storage.read('s', 0, 1)).rejects.toBeInstanceOf(SyncStorageClosedError)
  })
})

describe('SQLite storage file', () => {
  it('uses WAL and refuses a second server on the same file (exclusive lock) without changing it', async () => {
    const file = join(tempDir(), 'sync.db')
    const storage = await openSqliteStorage({ file })
    await storage.openStore('s')
    const error = await openSqliteStorage({ file }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SyncStorageOpenError)
    expect((error as SyncStorageOpenError).message).toMatch(/in use by another process/)
    expect(await storage.openStore('s')).toMatchObject({ head: 0 })
    await storage.close()
    const db = new Database(file, { readonly: true })
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.prepare('SELECT count(*) AS n FROM stores').get()).toEqual({ n: 1 })
    db.close()
  })

  it('refuses a file that is not a Cairn sync database, or of another format, leaving it byte for byte as it was', async () => {
    const dir = tempDir()
    const foreign = join(dir, 'app.db')
    const db = new Database(foreign)
    db.exec("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO users VALUES (1, 'ann')")
    db.close()
    const newer = join(dir, 'newer.db')
    const init = await openSqliteStorage({ file: newer })
    await init.close()
    const raw = new Database(newer)
    raw.pragma('user_version = 2')
    raw.close()
    const garbage = join(dir, 'garbage.db')
    writeFileSync(garbage, 'this is not a database at all, just text '.repeat(200))
    for (const [file, message] of [
      [foreign, /is not a Cairn sync database/],
      [newer, /has sync storage format 2; this @cairn\/sync-server reads format 1/],
      [garbage, /Cannot open the sync database .* \(it is left as it was\)/],
    ] as const) {
      const before = readFileSync(file)
      const error = await openSqliteStorage({ file }).catch((e: unknown) => e)
      expect(error, file).toBeInstanceOf(SyncStorageOpenError)
      expect((error as Error).message).toMatch(message)
      expect(readFileSync(file).equals(before), `${file} unchanged`).toBe(true)
    }
  })
})

describe.skipIf(pgBin === undefined)('Postgres storage database', () => {
  it('refuses another storage format without changing it', async () => {
    const url = pg!.createDatabase('format_check')
    const storage = await openPostgresStorage({ url })
    await storage.close()
    const sql = postgres(url, { onnotice: () => {} })
    await sql`UPDATE cairn_sync_meta SET value = '2' WHERE key = 'format'`
    const error = await openPostgresStorage({ url }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SyncStorageOpenError)
    expect((error as Error).message).toMatch(/has sync storage format 2; this @cairn\/sync-server uses format 1/)
    expect(await sql`SELECT value FROM cairn_sync_meta WHERE key = 'format'`).toEqual([{ value: '2' }])
    await sql.end()
  })

  it('an unreachable server → SyncStorageOpenError naming the URL without its password', async () => {
    const port = await freePort()
    const error = await openPostgresStorage({ url: `postgres://me:secret@127.0.0.1:${port}/db` }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SyncStorageOpenError)
    expect((error as Error).message).toContain(`postgres://me:***@127.0.0.1:${port}/db`)
    expect((error as Error).message).not.toContain('secret')
  })

  it('servers starting together on an empty database set it up once', async () => {
    const url = pg!.createDatabase('setup_race')
    const storages = await Promise.all(Array.from({ length: 4 }, () => openPostgresStorage({ url })))
    expect(await storages[0]!.openStore('s')).toMatchObject({ head: 0 })
    await Promise.all(storages.map((s) => s.close()))
  })
})
