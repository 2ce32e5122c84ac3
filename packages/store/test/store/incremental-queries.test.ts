/**
 * Live builder queries patch their results after commits (live-queries/incremental-query.ts). These
 * tests hold them to a fresh `store.query` of the same query after every commit of a random
 * workload, and check that the fast path is really taken.
 */
import { computed, createStorePromise, Events, makeSchema, queryDb, Schema, signal, State, type MaterializerWrite, type Store } from '@cairn/store'
import { makeAdapter } from '@cairn/adapter-node'
import { afterEach, describe, expect, it } from 'vitest'
import { incrementalRefreshStats } from '../../src/live-queries/incremental-query.js'
import { deepEqual } from '../../src/utils/deep-equal.js'

const tables = {
  // `id` is an INTEGER PRIMARY KEY: it is the rowid, so changing it moves the row.
  items: State.SQLite.table({
    name: 'items',
    columns: {
      id: State.SQLite.integer({ primaryKey: true }),
      name: State.SQLite.text({ nullable: true }),
      score: State.SQLite.real({ nullable: true }),
      tag: State.SQLite.text({ nullable: true }),
      flag: State.SQLite.boolean({ default: false }),
    },
    indexes: [{ name: 'items_tag', columns: ['tag'] }],
  }),
  // A text key: REPLACE deletes the old row and inserts one with a new rowid.
  notes: State.SQLite.table({
    name: 'notes',
    columns: {
      id: State.SQLite.text({ primaryKey: true }),
      title: State.SQLite.text({ nullable: true }),
      rank: State.SQLite.integer({ nullable: true }),
    },
  }),
  // Columns whose stored values a read may give back differently from the bound ones.
  values: State.SQLite.table({
    name: 'values',
    columns: {
      id: State.SQLite.integer({ primaryKey: true }),
      data: State.SQLite.blob({ nullable: true }),
      x: State.SQLite.real({ nullable: true }),
      text: State.SQLite.text({ nullable: true }),
    },
  }),
  ui: State.SQLite.clientDocument({ name: 'ui', schema: Schema.Struct({ n: Schema.Number }), default: { value: { n: 0 } } }),
}

/** One event carrying a list of operations, so commits mix every kind of write. */
const events = {
  applied: Events.synced({ name: 'applied', schema: Schema.Struct({ ops: Schema.String }) }),
  todoToggled: Events.synced({ name: 'todoToggled', schema: Schema.Struct({ id: Schema.Number }) }),
}

type Value = string | number | boolean | null
type Op = { readonly kind: string; readonly [key: string]: Value | Record<string, Value> }

const materializers = State.SQLite.materializers(events, {
  applied: ({ ops }, ctx) => {
    const writes: MaterializerWrite[] = []
    for (const op of JSON.parse(ops) as Op[]) {
      const a = op as Record<string, any>
      switch (op.kind) {
        case 'insert':
          writes.push(tables.items.insert(a.row))
          break
        case 'insertIgnore':
          writes.push(tables.items.insert(a.row).onConflict('id', 'ignore'))
          break
        case 'upsertReplace':
          writes.push(tables.items.insert(a.row).onConflict('id', 'replace'))
          break
        case 'upsertUpdate':
          writes.push(tables.items.insert(a.row).onConflict('id', 'update', { score: a.score }))
          break
        case 'update':
          writes.push(tables.items.update(a.set).where({ id: a.id }))
          break
        case 'updateWhere':
          writes.push(tables.items.update({ score: a.score }).where('tag', a.op, a.tag))
          break
        case 'rekey':
          writes.push(tables.items.update({ id: a.to }).where({ id: a.from }))
          break
        case 'delete':
          writes.push(tables.items.delete().where({ id: a.id }))
          break
        case 'deleteWhere':
          writes.push(tables.items.delete().where({ tag: a.tag }))
          break
        case 'rawReplace':
          writes.push({ sql: 'INSERT OR REPLACE INTO items (id, name, score, tag) VALUES (?, ?, ?, ?)', bindValues: [a.id, a.name, a.score, a.tag] })
          break
        case 'rawDeleteAll':
          writes.push({ sql: 'DELETE FROM items', bindValues: [] })
          break
        case 'ctxDb':
          ctx.db.execute('UPDATE items SET name = ? WHERE id = ?', [a.name, a.id])
          break
        case 'noteUpsert':
          writes.push(tables.notes.insert({ id: a.id, title: a.title, rank: a.rank }).onConflict('id', 'replace'))
          break
        case 'noteReplace':
          writes.push({ sql: 'REPLACE INTO notes (id, title, rank) VALUES (?, ?, ?)', bindValues: [a.id, a.title, a.rank] })
          break
        case 'noteDelete':
          writes.push(tables.notes.delete().where({ id: a.id }))
          break
        case 'notesBumped':
          writes.push({ sql: 'UPDATE notes SET rank = rank + 1', bindValues: [] })
          break
        case 'bulkInsert':
          // Many rows in one op, spread over the order: more changed rows than one patch statement reads.
          for (let i = 0; i < a.count; i++) {
            writes.push(tables.items.insert({ id: a.from + i * a.step, name: NAMES[(a.from + i) % NAMES.length]!, score: SCORES[i % SCORES.length]!, tag: TAGS[i % TAGS.length]! }).onConflict('id', 'ignore'))
          }
          break
        case 'bulkScore':
          writes.push(tables.items.update({ score: a.score, name: a.name }).where('id', '>', a.above))
          break
        case 'bulkDelete':
          writes.push(tables.items.delete().where('id', '>', a.above))
          break
        case 'valuesInsert':
          writes.push(tables.values.insert({ id: a.id }))
          break
        case 'valuesSet': {
          // JSON has no -0 and no bytes: made here.
          const set = { ...a.set }
          if (a.negativeZero === true) set.x = -0
          if (a.bytes !== undefined) set.data = new Uint8Array(a.bytes)
          writes.push(tables.values.update(set).where({ id: a.id }))
          break
        }
        case 'ddl':
          ctx.db.execute(a.sql)
          break
        case 'fail':
          throw new Error('this event fails after its writes')
      }
    }
    return writes
  },
  todoToggled: ({ id }) => tables.items.update({ flag: id % 2 === 0 }).where({ id }),
})

const schema = makeSchema({ events, state: State.SQLite.makeState({ tables, materializers }) })
type TestStore = Store<typeof schema>

const stores: TestStore[] = []
const makeStore = async (): Promise<TestStore> => {
  const store = await createStorePromise({ schema, adapter: makeAdapter({ storage: { type: 'in-memory' } }), storeId: `incr-${stores.length}` })
  stores.push(store)
  return store
}
afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.shutdown()))
})

/** mulberry32: a small seeded PRNG. */
const random = (seed: number) => {
  let state = seed >>> 0
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (n: number): number => Math.floor(next() * n)
  const pick = <T,>(values: ReadonlyArray<T>): T => values[int(values.length)]!
  return { next, int, pick, chance: (p: number) => next() < p }
}
type Random = ReturnType<typeof random>

// Text ordering cases: accents, astral characters (UTF-16 surrogates sort below U+E000, UTF-8 above), LIKE wildcards.
const NAMES = ['a', 'ab', 'B', 'é', 'ü', '😀', '\uE000x', 'z', '', 'a%', null]
const SCORES = [null, 0, 1, 1.5, 2, -3, 2, 10]
const TAGS = ['x', 'y', 'z', null]
const NOTE_IDS = ['n1', 'n2', 'n3', 'n4', 'ñ', '😀']

const itemRow = (r: Random) => ({
  id: 1 + r.int(30),
  name: r.pick(NAMES),
  score: r.pick(SCORES),
  tag: r.pick(TAGS),
  ...(r.chance(0.5) ? { flag: r.chance(0.5) } : {}),
})

/** An op changing up to a few hundred rows of items. */
const randomBulkOp = (r: Random): Op => {
  const n = r.int(10)
  if (n < 5) return { kind: 'bulkInsert', from: 1 + r.int(400), count: 20 + r.int(200), step: 1 + r.int(3) }
  if (n < 8) return { kind: 'bulkScore', above: r.int(500), score: r.pick(SCORES), name: r.pick(NAMES) }
  return { kind: 'bulkDelete', above: 50 + r.int(500) }
}

const randomOp = (r: Random): Op => {
  const n = r.int(100)
  if (n < 18) return { kind: 'insert', row: itemRow(r) }
  if (n < 24) return { kind: 'insertIgnore', row: itemRow(r) }
  if (n < 30) return { kind: 'upsertReplace', row: itemRow(r) }
  if (n < 34) return { kind: 'upsertUpdate', row: itemRow(r), score: r.pick(SCORES) }
  if (n < 48) {
    const set: Record<string, Value> = {}
    if (r.chance(0.5)) set.name = r.pick(NAMES)
    if (r.chance(0.5)) set.score = r.pick(SCORES)
    if (r.chance(0.3)) set.tag = r.pick(TAGS)
    if (r.chance(0.3) || Object.keys(set).length === 0) set.flag = r.chance(0.5)
    return { kind: 'update', id: 1 + r.int(30), set }
  }
  if (n < 52) return { kind: 'updateWhere', op: r.pick(['=', '!=']), tag: r.pick(TAGS.filter((t) => t !== null)), score: r.pick(SCORES) }
  if (n < 56) return { kind: 'rekey', from: 1 + r.int(30), to: 1 + r.int(40) }
  if (n < 63) return { kind: 'delete', id: 1 + r.int(30) }
  if (n < 65) return { kind: 'deleteWhere', tag: r.pick(TAGS.filter((t) => t !== null)) }
  if (n < 69) return { kind: 'rawReplace', id: 1 + r.int(30), name: r.pick(NAMES), score: r.pick(SCORES), tag: r.pick(TAGS) }
  if (n < 70) return { kind: 'rawDeleteAll' }
  if (n < 74) return { kind: 'ctxDb', id: 1 + r.int(30), name: r.pick(NAMES) }
  if (n < 82) return { kind: 'noteUpsert', id: r.pick(NOTE_IDS), title: r.pick(NAMES), rank: r.pick([null, 1, 2, 3]) }
  if (n < 87) return { kind: 'noteReplace', id: r.pick(NOTE_IDS), title: r.pick(NAMES), rank: r.pick([null, 1, 2, 3]) }
  if (n < 91) return { kind: 'noteDelete', id: r.pick(NOTE_IDS) }
  if (n < 93) return { kind: 'notesBumped' }
  if (n < 96) return { kind: 'fail' }
  return { kind: 'ui' }
}

/** A random read of items or notes, built like an app would. */
const randomQuery = (r: Random): { readonly query: any; readonly label: string } => {
  const onItems = r.chance(0.7)
  let q: any = onItems ? tables.items : tables.notes
  const parts: string[] = [onItems ? 'items' : 'notes']
  const where = (column: string, op: string, value: unknown) => {
    q = q.where(column, op, value)
    parts.push(`where(${column} ${op} ${JSON.stringify(value)})`)
  }
  const conditions = r.int(3)
  for (let i = 0; i < conditions; i++) {
    if (onItems) {
      const c = r.int(9)
      if (c === 0) where('name', r.pick(['=', '!=', '<', '>=']), r.pick(NAMES.filter((x) => x !== null)))
      else if (c === 1) where('name', r.pick(['LIKE', 'NOT LIKE']), r.pick(['a%', '%b', '_', '%']))
      else if (c === 2) where('name', r.pick(['IN', 'NOT IN']), [r.pick(NAMES.filter((x) => x !== null)), r.pick(NAMES.filter((x) => x !== null))])
      else if (c === 3) where('score', r.pick(['<', '>', '<=', '>=', '=', '!=']), r.pick([0, 1, 1.5, 2]))
      else if (c === 4) where('score', r.pick(['=', '!=']), null)
      else if (c === 5) where('tag', r.pick(['=', '!=']), r.pick(TAGS))
      else if (c === 6) where('flag', '=', r.chance(0.5))
      else if (c === 7) where('id', r.pick(['<', '>']), 1 + r.int(30))
      else where('tag', 'IN', [r.pick(['x', 'y', 'z'])])
    } else {
      const c = r.int(3)
      if (c === 0) where('rank', r.pick(['>', '<=', '=']), r.pick([1, 2, 3]))
      else if (c === 1) where('rank', r.pick(['=', '!=']), null)
      else where('title', r.pick(['<', '>', 'LIKE']), r.pick(['a', 'é', '😀', '%']))
    }
  }
  const columns = onItems ? ['id', 'name', 'score', 'tag', 'flag'] : ['id', 'title', 'rank']
  const shape = r.int(10)
  if (shape === 0) {
    if (r.chance(0.2)) {
      q = q.limit(r.int(4))
      parts.push('limit')
    }
    parts.push('count()')
    return { query: q.count(), label: parts.join('.') }
  }
  const terms = r.int(4)
  if (terms > 0) {
    const specs = Array.from({ length: terms }, () => ({ col: r.pick(columns), direction: r.pick(['asc', 'desc'] as const) }))
    q = q.orderBy(specs)
    parts.push(`orderBy(${specs.map((s) => `${s.col} ${s.direction}`).join(', ')})`)
  }
  if (r.chance(0.3)) {
    const picked = columns.filter(() => r.chance(0.5))
    const selected = picked.length === 0 ? [r.pick(columns)] : picked
    q = q.select(...selected)
    parts.push(`select(${selected.join(', ')})`)
  }
  if (shape <= 3) {
    const limit = r.int(6)
    q = q.limit(limit)
    parts.push(`limit(${limit})`)
  }
  if (shape === 4) {
    const offset = r.int(3)
    q = q.offset(offset)
    parts.push(`offset(${offset})`)
  }
  if (shape === 5 || shape === 6) {
    const fallback = r.chance(0.5)
    q = fallback ? q.first({ fallback: () => 'none' }) : q.first()
    parts.push(fallback ? 'first(fallback)' : 'first()')
  }
  return { query: q, label: parts.join('.') }
}

interface Watched {
  readonly label: string
  /** What a fresh read returns now. */
  readonly fresh: () => unknown
  calls: number
  last: unknown
  expected: unknown
  unsubscribe: () => void
}

const SEEDS = Array.from({ length: 40 }, (_, i) => 1000 + i * 7919)

/**
 * Runs `steps` steps of a random workload on 12 random live queries (some gated by a signal, so
 * they miss refreshes) and checks each against a fresh read after every step, and that it was
 * called exactly when its result changed. `op` makes the operations.
 */
const runWorkload = async (seed: number, steps: number, op: (r: Random) => Op) => {
  const r = random(seed)
  const store = await makeStore()
  const watched: Watched[] = []
  const watch = (label: string, subscribeTo: unknown, fresh: () => unknown) => {
    const entry: Watched = { label, fresh, calls: 0, last: undefined, expected: fresh(), unsubscribe: () => {} }
    entry.unsubscribe = store.subscribe(subscribeTo as never, (value: unknown) => {
      entry.calls++
      entry.last = value
    })
    watched.push(entry)
  }
  const add = () => {
    const { query, label } = randomQuery(r)
    if (r.chance(0.25)) {
      // Read only while a signal says so: the query's node stays alive but misses refreshes.
      const on = signal(true, { label: 'on' })
      const def = queryDb(query, { label })
      const gated = computed((get) => (get(on) ? get(def) : 'off'), { label: `gated ${label}` })
      watch(`gated ${label}`, gated, () => (store.query(on) ? store.query(query) : 'off'))
      gatedSignals.push(on)
    } else {
      watch(label, query, () => store.query(query))
    }
  }
  const gatedSignals: Array<ReturnType<typeof signal<boolean>>> = []
  for (let i = 0; i < 12; i++) add()
  for (const entry of watched) expect(entry.last, entry.label).toEqual(entry.expected)

  for (let step = 0; step < steps; step++) {
    const before = watched.map((entry) => ({ calls: entry.calls, value: entry.fresh() }))
    const commits = r.int(3) + 1
    const ops = Array.from({ length: commits }, () => Array.from({ length: r.int(3) + 1 }, () => op(r)))
    const description = JSON.stringify(ops)
    if (r.chance(0.08) && gatedSignals.length > 0) store.setSignal(r.pick(gatedSignals), (on) => !on)
    else {
      const eventsToCommit = ops.map((list) =>
        list.some((op) => op.kind === 'ui') ? tables.ui.set({ n: r.int(5) }, 'doc') : events.applied({ ops: JSON.stringify(list) }),
      )
      try {
        store.commit(...eventsToCommit)
      } catch {
        // Conflicts and the 'fail' op roll the commit back; results must not move then.
      }
    }
    watched.forEach((entry, i) => {
      const now = entry.fresh()
      const where = `seed ${seed} step ${step} ${entry.label} after ${description}`
      expect(entry.last, where).toEqual(now)
      const changed = !deepEqual(before[i]!.value, now)
      expect(entry.calls - before[i]!.calls, `calls: ${where}`).toBe(changed ? 1 : 0)
    })
    if (r.chance(0.1)) {
      const removed = watched.splice(r.int(watched.length), 1)[0]!
      removed.unsubscribe()
      add()
    }
  }
}

describe('incremental live queries match fresh queries', () => {
  it.each(SEEDS)('seed %i', (seed) => runWorkload(seed, 60, randomOp))
})

describe('incremental live queries match fresh queries when commits change hundreds of rows', () => {
  // Mostly bulk ops: patches of more rowids than one statement binds, and full runs past the limit.
  it.each(SEEDS.slice(0, 12))('seed %i', (seed) => runWorkload(seed, 30, (r) => (r.chance(0.6) ? randomBulkOp(r) : randomOp(r))))
})

describe('the fast path', () => {
  const withTodos = async (count: number) => {
    const store = await makeStore()
    const ops = Array.from({ length: count }, (_, i) => ({ kind: 'insert', row: { id: i + 1, name: `todo ${i}`, score: i % 7, tag: 'x', flag: false } }))
    store.commit(events.applied({ ops: JSON.stringify(ops) }))
    return store
  }

  it('toggling one row of 1,000 patches a count query without re-running it', async () => {
    const store = await withTodos(1000)
    const counts: number[] = []
    store.subscribe(tables.items.count().where({ flag: false }), (count) => counts.push(count))
    const { fullRuns, patches } = incrementalRefreshStats
    store.commit(events.todoToggled({ id: 2 }))
    store.commit(events.todoToggled({ id: 4 }))
    store.commit(events.todoToggled({ id: 3 }))
    expect(counts).toEqual([1000, 999, 998])
    expect(incrementalRefreshStats.fullRuns - fullRuns).toBe(0)
    expect(incrementalRefreshStats.patches - patches).toBe(3)
  })

  it('an update keeps the objects of unchanged rows and returns the same array when nothing it shows changed', async () => {
    const store = await withTodos(1000)
    const results: Array<ReadonlyArray<{ id: number; name: string | null }>> = []
    store.subscribe(tables.items.select('id', 'name').orderBy('name', 'asc'), (rows) => results.push(rows))
    const { fullRuns } = incrementalRefreshStats
    store.commit(events.applied({ ops: JSON.stringify([{ kind: 'update', id: 5, set: { name: 'zz renamed' } }]) }))
    expect(results).toHaveLength(2)
    const [before, after] = results as [ReadonlyArray<{ id: number; name: string | null }>, ReadonlyArray<{ id: number; name: string | null }>]
    expect(after.find((row) => row.id === 5)?.name).toBe('zz renamed')
    expect(after.at(-1)?.id).toBe(5)
    for (const row of after) if (row.id !== 5) expect(before).toContain(row)
    // A column the query does not select: no new result, no subscriber call.
    store.commit(events.todoToggled({ id: 6 }))
    expect(results).toHaveLength(2)
    expect(incrementalRefreshStats.fullRuns - fullRuns).toBe(0)
  })

  it('first() and limit(1) have the same SQL but are different live queries', async () => {
    const store = await withTodos(3)
    const seen: unknown[] = []
    store.subscribe(tables.items.orderBy('id', 'desc').limit(1), (value) => seen.push(value))
    store.subscribe(tables.items.orderBy('id', 'desc').first(), (value) => seen.push(value))
    expect(seen).toEqual([[expect.objectContaining({ id: 3 })], expect.objectContaining({ id: 3 })])
  })

  it('a commit that changes a run of consecutive rowids patches from one range read, rows leaving and entering the WHERE included', async () => {
    const store = await withTodos(300)
    const query = tables.items.select('id', 'tag').where({ tag: 'x' }).orderBy('id', 'desc')
    const results: Array<ReadonlyArray<{ id: number; tag: string | null }>> = []
    store.subscribe(query, (rows) => results.push(rows))
    const { fullRuns, patches } = incrementalRefreshStats
    // Rows 101–200: a third leave the WHERE, a third are deleted, the rest change in place; then 301–340 arrive.
    const ops = Array.from({ length: 100 }, (_, i) => {
      const id = 101 + i
      return i % 3 === 0 ? { kind: 'update', id, set: { tag: 'y' } } : i % 3 === 1 ? { kind: 'delete', id } : { kind: 'update', id, set: { name: 'renamed' } }
    })
    store.commit(events.applied({ ops: JSON.stringify(ops) }))
    store.commit(events.applied({ ops: JSON.stringify([{ kind: 'bulkInsert', from: 301, count: 40, step: 1 }]) }))
    expect(incrementalRefreshStats.patches - patches).toBe(2)
    expect(incrementalRefreshStats.fullRuns - fullRuns).toBe(0)
    expect(results.at(-1)).toEqual(store.query(query))
    expect(results.at(-1)).toHaveLength(200 + 33 + 10)
  })

  it('appending as many rows as a list shows patches it; changing more rows than it shows re-runs it', async () => {
    const store = await withTodos(500)
    const results: Array<ReadonlyArray<number>> = []
    store.subscribe(tables.items.select('id').orderBy('id', 'asc'), (ids) => results.push(ids))
    const insert = (from: number, count: number) =>
      events.applied({ ops: JSON.stringify(Array.from({ length: count }, (_, i) => ({ kind: 'insert', row: { id: from + i, name: `more ${i}`, score: 0, tag: 'x', flag: false } }))) })
    const { fullRuns, patches } = incrementalRefreshStats
    store.commit(insert(501, 500))
    expect(incrementalRefreshStats.patches - patches).toBe(1)
    expect(incrementalRefreshStats.fullRuns - fullRuns).toBe(0)
    expect(results.at(-1)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1))
    store.commit(insert(1001, 1001))
    expect(incrementalRefreshStats.fullRuns - fullRuns).toBe(1)
    expect(results.at(-1)).toHaveLength(2001)
  })

  it('rows an update sets outside the WHERE and ORDER BY are patched from the assigned values, without reading them', async () => {
    const store = await withTodos(300)
    const query = tables.items.select('id', 'name', 'flag').where('score', '<', 3).orderBy('score', 'desc')
    const results: Array<ReadonlyArray<{ id: number; name: string | null; flag: boolean }>> = []
    store.subscribe(query, (rows) => results.push(rows))
    const shown = new Set(results[0]!.map((row) => row.id))
    const { fullRuns, assignedRows } = incrementalRefreshStats
    const renamed = Array.from({ length: 100 }, (_, i) => ({ kind: 'update', id: i + 1, set: { name: `renamed ${i}`, flag: i % 2 === 0 } }))
    store.commit(events.applied({ ops: JSON.stringify(renamed) }))
    expect(results.at(-1)).toEqual(store.query(query))
    expect(results.at(-1)!.find((row) => row.id === 1)).toEqual({ id: 1, name: 'renamed 0', flag: true })
    expect(incrementalRefreshStats.assignedRows - assignedRows).toBe([...shown].filter((id) => id <= 100).length)
    // Columns of the ORDER BY and of the WHERE move rows: those are read.
    store.commit(events.applied({ ops: JSON.stringify([{ kind: 'update', id: 1, set: { score: 1 } }, { kind: 'update', id: 3, set: { score: 6 } }]) }))
    store.commit(events.applied({ ops: JSON.stringify([{ kind: 'updateWhere', score: 2, op: '=', tag: 'x' }]) }))
    expect(results.at(-1)).toEqual(store.query(query))
    expect(incrementalRefreshStats.assignedRows - assignedRows).toBe([...shown].filter((id) => id <= 100).length)
    expect(incrementalRefreshStats.fullRuns - fullRuns).toBe(1) // the updateWhere changed every row: more than a patch reads
  })

  it('reads back the values SQLite stores or reads differently from the bound ones: -0 is 0, lone surrogates and blobs', async () => {
    const store = await makeStore()
    store.commit(events.applied({ ops: JSON.stringify([{ kind: 'valuesInsert', id: 1 }]) }))
    const results: Array<ReadonlyArray<{ x: number | null; text: string | null; data: Uint8Array | null }>> = []
    store.subscribe(tables.values, (rows) => results.push(rows))
    const set = (op: Record<string, unknown>) => store.commit(events.applied({ ops: JSON.stringify([{ kind: 'valuesSet', id: 1, ...op }]) }))
    const { assignedRows } = incrementalRefreshStats
    set({ set: { text: 'plain' }, negativeZero: true })
    expect(Object.is(results.at(-1)![0]!.x, 0)).toBe(true)
    expect(incrementalRefreshStats.assignedRows - assignedRows).toBe(1)
    set({ set: { text: 'lone \ud800 surrogate' } })
    expect(results.at(-1)![0]!.text).toBe('lone \ufffd surrogate')
    set({ set: {}, bytes: [1, 2, 3] })
    expect(results.at(-1)![0]!.data).toEqual(new Uint8Array([1, 2, 3]))
    expect(incrementalRefreshStats.assignedRows - assignedRows).toBe(1)
    expect(results.at(-1)).toEqual(store.query(tables.values))
  })

  it('reads back a row other SQL changes in the same commit, before or after an assignment, and rows a trigger changes', async () => {
    const store = await withTodos(10)
    const query = tables.items.select('id', 'name', 'score').orderBy('id', 'asc')
    const results: Array<ReadonlyArray<{ id: number; name: string | null; score: number | null }>> = []
    store.subscribe(query, (rows) => results.push(rows))
    const { assignedRows } = incrementalRefreshStats
    store.commit(
      events.applied({
        ops: JSON.stringify([
          { kind: 'ctxDb', id: 5, name: 'raw before' },
          { kind: 'update', id: 5, set: { score: 50 } },
          { kind: 'update', id: 6, set: { score: 60 } },
          { kind: 'ctxDb', id: 6, name: 'raw after' },
        ]),
      }),
    )
    expect(results.at(-1)!.slice(4, 6)).toEqual([
      { id: 5, name: 'raw before', score: 50 },
      { id: 6, name: 'raw after', score: 60 },
    ])
    expect(incrementalRefreshStats.assignedRows - assignedRows).toBe(0)
    const trigger = "CREATE TRIGGER items_touched AFTER UPDATE OF score ON items BEGIN UPDATE items SET name = 'touched' WHERE id = new.id; END"
    store.commit(events.applied({ ops: JSON.stringify([{ kind: 'ddl', sql: trigger }]) }))
    store.commit(events.applied({ ops: JSON.stringify([{ kind: 'update', id: 7, set: { score: 70 } }]) }))
    expect(results.at(-1)![6]).toEqual({ id: 7, name: 'touched', score: 70 })
    expect(results.at(-1)).toEqual(store.query(query))
    expect(incrementalRefreshStats.assignedRows - assignedRows).toBe(0)
  })

  it('a REPLACE makes the next refresh a full run', async () => {
    const store = await withTodos(10)
    store.subscribe(tables.items.count(), () => {})
    const { fullRuns } = incrementalRefreshStats
    store.commit(events.applied({ ops: JSON.stringify([{ kind: 'rawReplace', id: 3, name: 'x', score: 1, tag: 'y' }]) }))
    expect(incrementalRefreshStats.fullRuns - fullRuns).toBe(1)
  })
})
