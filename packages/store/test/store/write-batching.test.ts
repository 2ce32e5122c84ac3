import { makeAdapter } from '@cairn/adapter-node'
import { loadSqlite } from '@cairn/sqlite'
import { createStorePromise, Events, makeSchema, Schema, State, type Store } from '@cairn/store'
import { initializeStateDb, replayEventlog, type SqliteDb } from '@cairn/store/adapter'
import { afterEach, describe, expect, it } from 'vitest'

// Inserts of consecutive events run as multi-row statements: these tests pin that the result is
// the same as one statement per event, row by row, including failures and conflicts.

const items = State.SQLite.table({
  name: 'items',
  columns: {
    id: State.SQLite.text({ primaryKey: true }),
    label: State.SQLite.text({ default: '' }),
    seen: State.SQLite.integer({ default: 0 }),
  },
})
const log = State.SQLite.table({
  name: 'log',
  columns: { id: State.SQLite.integer({ primaryKey: true }), note: State.SQLite.text() },
})
/** Wider than 999 bound values per 64 rows: its statements take fewer rows. */
const wide = State.SQLite.table({
  name: 'wide',
  columns: Object.fromEntries([
    ['id', State.SQLite.integer({ primaryKey: true })],
    ...Array.from({ length: 29 }, (_, i) => [`c${i}`, State.SQLite.text({ default: '' })]),
  ]) as { id: ReturnType<typeof State.SQLite.integer> } & Record<string, ReturnType<typeof State.SQLite.text>>,
})

const Item = Schema.Struct({ id: Schema.String, label: Schema.String })
const events = {
  added: Events.synced({ name: 'v1.Added', schema: Item }),
  addedOrIgnored: Events.synced({ name: 'v1.AddedOrIgnored', schema: Item }),
  addedOrReplaced: Events.synced({ name: 'v1.AddedOrReplaced', schema: Item }),
  addedOrMarked: Events.synced({ name: 'v1.AddedOrMarked', schema: Item }),
  relabelled: Events.synced({ name: 'v1.Relabelled', schema: Item }),
  counted: Events.synced({ name: 'v1.Counted', schema: Schema.Struct({ note: Schema.String }) }),
  countedDirect: Events.synced({ name: 'v1.CountedDirect', schema: Schema.Struct({ note: Schema.String }) }),
  countedSwallowing: Events.synced({ name: 'v1.CountedSwallowing', schema: Schema.Struct({ note: Schema.String }) }),
  wideAdded: Events.synced({ name: 'v1.WideAdded', schema: Schema.Struct({ id: Schema.Number }) }),
}

const materializers = State.SQLite.materializers(events, {
  'v1.Added': ({ id, label }) => items.insert({ id, label }),
  'v1.AddedOrIgnored': ({ id, label }) => items.insert({ id, label }).onConflict('id', 'ignore'),
  'v1.AddedOrReplaced': ({ id, label }) => items.insert({ id, label }).onConflict('id', 'replace'),
  'v1.AddedOrMarked': ({ id, label }) => items.insert({ id, label }).onConflict('id', 'update', { seen: 1 }),
  'v1.Relabelled': ({ id, label }) => items.update({ label }).where({ id }),
  'v1.Counted': ({ note }, ctx) => log.insert({ note: `${note}:${ctx.query(items.count())}` }),
  'v1.CountedDirect': ({ note }, ctx) => {
    const [row] = ctx.db.select<{ n: number }>('SELECT count(*) AS n FROM items')
    return log.insert({ note: `${note}:${row!.n}` })
  },
  'v1.CountedSwallowing': ({ note }, ctx) => {
    let count = -1
    try {
      count = ctx.query(items.count())
    } catch {
      // A materializer must not be able to hide an earlier event's failed write.
    }
    return log.insert({ note: `${note}:${count}` })
  },
  'v1.WideAdded': ({ id }) => wide.insert({ id, c0: `a${id}`, c28: `z${id}` }),
})

const schema = makeSchema({ events, state: State.SQLite.makeState({ tables: { items, log, wide }, materializers }) })
type TestStore = Store<typeof schema>

const stores: TestStore[] = []
const open = async (): Promise<TestStore> => {
  const store = await createStorePromise({ schema, adapter: makeAdapter({ storage: { type: 'in-memory' } }), storeId: `batching-${stores.length}` })
  stores.push(store)
  return store
}
afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.shutdown()))
})

const dump = (store: TestStore) => ({
  items: store.query({ query: 'SELECT * FROM items ORDER BY id', bindValues: [] }),
  log: store.query({ query: 'SELECT * FROM log ORDER BY id', bindValues: [] }),
  wide: store.query({ query: 'SELECT * FROM wide ORDER BY id', bindValues: [] }),
})

const dumpDb = (db: SqliteDb) => ({
  items: db.select('SELECT * FROM items ORDER BY id'),
  log: db.select('SELECT * FROM log ORDER BY id'),
  wide: db.select('SELECT * FROM wide ORDER BY id'),
})

type Committable = ReturnType<(typeof events)[keyof typeof events]>

/** The state after committing `batch` in one commit, and after committing it one event per commit. */
const inOneCommitAndOneByOne = async (batch: readonly Committable[]) => {
  const together = await open()
  together.commit(...batch)
  const apart = await open()
  for (const event of batch) apart.commit(event)
  return { together: dump(together), apart: dump(apart) }
}

const item = (i: number, label = `item ${i}`) => ({ id: `i${String(i).padStart(4, '0')}`, label })

describe('inserts of one commit run as multi-row statements', () => {
  it('a failing row in the middle names its event, and nothing is stored', async () => {
    const store = await open()
    store.commit(events.added(item(0, 'first')))
    const before = dump(store)
    const eventlogBefore = await store._dev.exportEventlogDb()
    // e2…e201; the 151st event of the commit (e152) repeats e1's id.
    const batch = Array.from({ length: 200 }, (_, i) => events.added(i === 150 ? item(0, 'again') : item(i + 1)))
    let error: unknown
    try {
      store.commit(...batch)
    } catch (caught) {
      error = caught
    }
    expect(error).toMatchObject({ _tag: 'MaterializerError', eventName: 'v1.Added', seqNum: 'e152' })
    expect(String((error as Error).message)).toMatch(/UNIQUE constraint failed: items\.id/)
    expect(dump(store)).toEqual(before)
    expect(await store._dev.exportEventlogDb()).toEqual(eventlogBefore)
    store.commit(events.added(item(1)))
    expect((await store._dev.syncStates()).session.headString).toBe('e2')
  })

  it('a row conflicting with an earlier row of the same commit fails as that later event', async () => {
    const store = await open()
    const batch = [...Array.from({ length: 70 }, (_, i) => events.added(item(i))), events.added(item(3))]
    expect(() => store.commit(...batch)).toThrowError(expect.objectContaining({ _tag: 'MaterializerError', seqNum: 'e71' }))
    expect(dump(store).items).toEqual([])
  })

  it('ON CONFLICT ignore / replace / update apply row by row, as with one commit per event', async () => {
    const batch: Committable[] = []
    for (let i = 0; i < 150; i++) {
      const kind = i % 3
      // Ids repeat within the batch, so rows conflict with rows of the same statement and of earlier ones.
      const row = item(i % 40, `label ${i}`)
      batch.push(kind === 0 ? events.addedOrIgnored(row) : kind === 1 ? events.addedOrReplaced(row) : events.addedOrMarked(row))
    }
    const runs = [...Array.from({ length: 30 }, (_, i) => events.addedOrReplaced(item(i, `run ${i}`)))]
    const { together, apart } = await inOneCommitAndOneByOne([...batch, ...runs, ...batch.slice(0, 20)])
    expect(together).toEqual(apart)
    expect(together.items.length).toBe(40)
    expect(together.items.some((row) => row['seen'] === 1)).toBe(true)
  })

  it('ctx.query and ctx.db in a later event see the rows earlier events of the same commit inserted', async () => {
    const batch: Committable[] = [
      ...Array.from({ length: 10 }, (_, i) => events.added(item(i))),
      events.counted({ note: 'query' }),
      ...Array.from({ length: 5 }, (_, i) => events.added(item(10 + i))),
      events.countedDirect({ note: 'db' }),
      events.relabelled(item(12, 'relabelled')),
      events.added(item(15)),
      events.counted({ note: 'end' }),
    ]
    const { together, apart } = await inOneCommitAndOneByOne(batch)
    expect(together).toEqual(apart)
    expect(together.log.map((row) => row['note'])).toEqual(['query:10', 'db:15', 'end:16'])
    expect(together.items.find((row) => row['id'] === item(12).id)?.['label']).toBe('relabelled')
  })

  it('a materializer swallowing what its ctx.query threw does not hide an earlier failed row', async () => {
    const store = await open()
    store.commit(events.added(item(0)))
    const batch = [events.added(item(1)), events.added(item(0)), events.added(item(2)), events.countedSwallowing({ note: 'x' })]
    expect(() => store.commit(...batch)).toThrowError(expect.objectContaining({ _tag: 'MaterializerError', seqNum: 'e3' }))
    expect(dump(store).items.map((row) => row['id'])).toEqual([item(0).id])
    expect(dump(store).log).toEqual([])
  })

  it('wide tables take fewer rows per statement', async () => {
    const batch = Array.from({ length: 100 }, (_, i) => events.wideAdded({ id: i + 1 }))
    const { together, apart } = await inOneCommitAndOneByOne(batch)
    expect(together).toEqual(apart)
    expect(together.wide).toHaveLength(100)
    expect(together.wide[99]).toMatchObject({ id: 100, c0: 'a100', c28: 'z100', c1: '' })
  })
})

describe('replaying the eventlog', () => {
  it('rebuilds the state the commits made, also with failing commits in between', async () => {
    const store = await open()
    for (let round = 0; round < 6; round++) {
      const batch: Committable[] = []
      for (let i = 0; i < 500; i++) {
        const n = round * 500 + i
        const kind = n % 7
        const row = item(n % 900, `label ${n}`)
        batch.push(
          kind === 0
            ? events.addedOrIgnored(row)
            : kind === 1
              ? events.addedOrReplaced(row)
              : kind === 2
                ? events.addedOrMarked(row)
                : kind === 3
                  ? events.relabelled(row)
                  : kind === 4
                    ? events.counted({ note: `n${n}` })
                    : events.wideAdded({ id: n + 1 }),
        )
      }
      store.commit(...batch)
      expect(() => store.commit(events.added(item(1)), events.added(item(1)))).toThrowError(
        expect.objectContaining({ _tag: 'MaterializerError' }),
      )
    }
    const sqlite = await loadSqlite()
    const eventlog = sqlite.openInMemory()
    eventlog.import(await store._dev.exportEventlogDb())
    for (const batchSize of [1, 7, 2000]) {
      const fresh = sqlite.openInMemory()
      initializeStateDb(fresh, schema)
      expect(replayEventlog({ schema, eventlogDb: eventlog, stateDb: fresh, onUnknownEvent: () => {}, batchSize })).toBe(3000)
      expect(dumpDb(fresh)).toEqual(dump(store))
      fresh.close()
    }
    eventlog.close()
  })

  it('a replayed insert that fails names its event and leaves the chunk unapplied', async () => {
    const store = await open()
    store.commit(...Array.from({ length: 20 }, (_, i) => events.added(item(i))))
    const sqlite = await loadSqlite()
    const eventlog = sqlite.openInMemory()
    eventlog.import(await store._dev.exportEventlogDb())
    const fresh = sqlite.openInMemory()
    initializeStateDb(fresh, schema)
    fresh.execute("INSERT INTO items (id, label, seen) VALUES (?, 'in the way', 0)", [item(12).id])
    expect(() => replayEventlog({ schema, eventlogDb: eventlog, stateDb: fresh, onUnknownEvent: () => {} })).toThrowError(
      expect.objectContaining({ _tag: 'MaterializerError', seqNum: 'e13' }),
    )
    expect(fresh.select('SELECT id, label FROM items')).toEqual([{ id: item(12).id, label: 'in the way' }])
    fresh.close()
    eventlog.close()
  })
})
