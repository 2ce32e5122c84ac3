import { computed, createStorePromise, Events, makeSchema, queryDb, signal, sql, Schema, State } from '@cairn/store'
import { makeAdapter } from '@cairn/adapter-node'
import * as Effect from 'effect/Effect'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { events, makeStore, tables } from './fixtures.js'

const stores: Array<{ shutdown(): Promise<void> }> = []
const store = async (storeId?: string) => {
  const created = await makeStore(storeId)
  stores.push(created)
  return created
}
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.shutdown()))
})

const dump = (s: Awaited<ReturnType<typeof makeStore>>) =>
  s.query({ query: 'SELECT * FROM todos ORDER BY id', bindValues: [] })

describe('commit and query', () => {
  it('materializes committed events and decodes rows to app types', async () => {
    const s = await store()
    s.commit(events.todoCreated({ id: 'a', text: 'Buy milk' }))
    const deletedAt = new Date('2026-01-02T03:04:05.000Z')
    s.commit(events.todoDeleted({ id: 'a', deletedAt }))
    expect(s.query(tables.todos)).toEqual([{ id: 'a', text: 'Buy milk', completed: false, deletedAt }])
    s.commit(events.todoCompleted({ id: 'a' }))
    expect(s.query(tables.todos.where({ id: 'a' }).first())?.completed).toBe(true)
  })

  it('commits many events in one transaction', async () => {
    const s = await store()
    s.commit(...Array.from({ length: 100 }, (_, i) => events.todoCreated({ id: `t${i}`, text: `todo ${i}` })))
    expect(s.query(tables.todos.count())).toBe(100)
    const { session } = await s._dev.syncStates()
    expect(session.headString).toBe('e100')
  })

  it('runs raw SQL writes and ctx.query reads inside the materializer', async () => {
    const s = await store()
    s.commit(events.todoCreated({ id: 'a', text: 'old' }))
    s.commit(events.todoRenamedRaw({ id: 'a', text: 'new' }))
    expect(s.query(tables.todos.select('text'))).toEqual(['new'])
  })

  it('queries with raw SQL, bind values and a result schema', async () => {
    const s = await store()
    s.commit(events.todoCreated({ id: 'a', text: 'Alice' }), events.todoCreated({ id: 'b', text: 'Bob' }))
    const count$ = queryDb({
      query: sql`select count(*) as count from todos where text != $text`,
      bindValues: { text: 'Bob' },
      schema: Schema.Struct({ count: Schema.Number }).pipe(Schema.pluck('count'), Schema.Array, Schema.headOrElse()),
    })
    expect(s.query(count$)).toBe(1)
  })
})

describe('bad input changes nothing', () => {
  it('invalid event args throw a typed error naming the event', async () => {
    const s = await store()
    expect(() => events.todoCreated({ id: 'a', text: 42 as unknown as string })).toThrowError(
      expect.objectContaining({ _tag: 'InvalidEventArgsError', message: expect.stringContaining('v1.TodoCreated') }),
    )
    expect(() => s.commit({ name: 'v1.TodoCreated', args: { id: 1 } })).toThrowError(
      expect.objectContaining({ _tag: 'EventEncodeError', eventName: 'v1.TodoCreated' }),
    )
    expect(s.query(tables.todos.count())).toBe(0)
  })

  it('an unknown event throws UnknownEventError', async () => {
    const s = await store()
    expect(() => s.commit({ name: 'v1.Nope', args: {} })).toThrowError(expect.objectContaining({ _tag: 'UnknownEventError' }))
  })

  it('a table write given to commit is refused with a message that says to commit an event', async () => {
    const s = await store()
    const write = tables.todos.insert({ id: 'a', text: 'A' }) as never
    expect(() => s.commit(write)).toThrowError(expect.objectContaining({ _tag: 'InvalidArgumentError', message: expect.stringMatching(/takes events/) }))
    expect(s.query(tables.todos.count())).toBe(0)
  })

  it('a failing materializer rolls back the whole commit', async () => {
    const s = await store()
    s.commit(events.todoCreated({ id: 'a', text: 'keep me' }))
    const before = dump(s)
    const eventlogBefore = await s._dev.exportEventlogDb()
    expect(() =>
      s.commit(events.todoCreated({ id: 'b', text: 'not stored' }), events.todoExploded({ id: 'a' })),
    ).toThrowError(expect.objectContaining({ _tag: 'MaterializerError', eventName: 'v1.TodoExploded' }))
    expect(() => s.commit(events.todoRenamedRaw({ id: 'zzz', text: 'x' }))).toThrowError(/no todo zzz/)
    expect(dump(s)).toEqual(before)
    expect(await s._dev.exportEventlogDb()).toEqual(eventlogBefore)
    expect((await s._dev.syncStates()).session.headString).toBe('e1')
    s.commit(events.todoCreated({ id: 'c', text: 'still works' }))
    expect((await s._dev.syncStates()).session.headString).toBe('e2')
  })

  it('a single event whose second write fails leaves its first write undone', async () => {
    const s = await store()
    s.commit(events.todoCreated({ id: 'a', text: 'keep me' }))
    const before = dump(s)
    expect(() => s.commit(events.todoExploded({ id: 'a' }))).toThrowError(
      expect.objectContaining({ _tag: 'MaterializerError', eventName: 'v1.TodoExploded' }),
    )
    expect(dump(s)).toEqual(before)
    expect((await s._dev.syncStates()).session.headString).toBe('e1')
  })

  it('ctx.query refuses a write and nothing is stored', async () => {
    const sneaky = Events.synced({ name: 'v1.Sneaky', schema: Schema.Struct({}) })
    const sneakySchema = makeSchema({
      events: { sneaky },
      state: State.SQLite.makeState({
        tables: { todos: tables.todos },
        materializers: State.SQLite.materializers({ sneaky }, {
          'v1.Sneaky': (_args, ctx) => {
            ctx.query({ query: "INSERT INTO todos (id, text) VALUES ('x', 'y')", bindValues: [] })
            return []
          },
        }),
      }),
    })
    const s = await createStorePromise({ schema: sneakySchema, adapter: makeAdapter({ storage: { type: 'in-memory' } }), storeId: 'sneaky' })
    try {
      expect(() => s.commit(sneaky({}))).toThrowError(
        expect.objectContaining({ _tag: 'MaterializerError', cause: expect.objectContaining({ message: expect.stringContaining('ctx.query only reads') }) }),
      )
      expect(s.query(tables.todos.count())).toBe(0)
    } finally {
      await s.shutdown()
    }
  })

  it('a commit from inside a materializer is refused, and the outer commit rolls back whole', async () => {
    const outer = Events.synced({ name: 'v1.Outer', schema: Schema.Struct({ id: Schema.String }) })
    const inner = Events.synced({ name: 'v1.Inner', schema: Schema.Struct({ id: Schema.String }) })
    let nested: { commit(...events: unknown[]): void } | undefined
    const nestingSchema = makeSchema({
      events: { outer, inner },
      state: State.SQLite.makeState({
        tables: { todos: tables.todos },
        materializers: State.SQLite.materializers({ outer, inner }, {
          'v1.Outer': ({ id }) => {
            nested?.commit(inner({ id: `${id}-inner` }))
            return tables.todos.insert({ id, text: 'outer' })
          },
          'v1.Inner': ({ id }) => tables.todos.insert({ id, text: 'inner' }),
        }),
      }),
    })
    const s = await createStorePromise({ schema: nestingSchema, adapter: makeAdapter({ storage: { type: 'in-memory' } }), storeId: 'nesting' })
    stores.push(s)
    s.commit(outer({ id: 'a' }))
    nested = s as never
    for (const batch of [[outer({ id: 'b' })], [inner({ id: 'c' }), outer({ id: 'd' })]]) {
      expect(() => s.commit(...batch)).toThrowError(
        expect.objectContaining({
          _tag: 'MaterializerError',
          eventName: 'v1.Outer',
          cause: expect.objectContaining({ _tag: 'InvalidArgumentError', message: expect.stringContaining('from a materializer?') }),
        }),
      )
    }
    expect(s.query(tables.todos.select('id').orderBy('id', 'asc'))).toEqual(['a'])
    expect((await s._dev.syncStates()).session.headString).toBe('e1')
    nested = undefined
    s.commit(outer({ id: 'e' }), inner({ id: 'f' }))
    expect(s.query(tables.todos.select('id').orderBy('id', 'asc'))).toEqual(['a', 'e', 'f'])
  })

  it('ctx.db writes refresh queries, and roll back when the materializer then throws', async () => {
    const direct = Events.synced({ name: 'v1.Direct', schema: Schema.Struct({ id: Schema.String, fail: Schema.Boolean }) })
    const viaEffect = Events.synced({ name: 'v1.ViaEffect', schema: Schema.Struct({ id: Schema.String, mode: Schema.Literals(['write', 'void', 'fail']) }) })
    const directSchema = makeSchema({
      events: { direct, viaEffect },
      state: State.SQLite.makeState({
        tables: { todos: tables.todos },
        materializers: State.SQLite.materializers({ direct, viaEffect }, {
          'v1.Direct': ({ id, fail }, ctx) => {
            ctx.db.execute('INSERT INTO todos (id, text) VALUES (?, ?)', [id, 'direct'])
            if (fail) throw new Error('changed my mind')
          },
          'v1.ViaEffect': ({ id, mode }) =>
            mode === 'write'
              ? Effect.succeed(tables.todos.insert({ id, text: 'effect' }))
              : mode === 'void'
                ? Effect.void
                : Effect.fail(new Error('effect failed')),
        }),
      }),
    })
    const s = await createStorePromise({ schema: directSchema, adapter: makeAdapter({ storage: { type: 'in-memory' } }), storeId: 'direct' })
    try {
      const counts: number[] = []
      s.subscribe(tables.todos.count(), (count) => counts.push(count))
      s.commit(direct({ id: 'a', fail: false }))
      expect(() => s.commit(direct({ id: 'b', fail: true }))).toThrowError(expect.objectContaining({ _tag: 'MaterializerError' }))
      s.commit(viaEffect({ id: 'c', mode: 'write' }), viaEffect({ id: 'd', mode: 'void' }))
      expect(() => s.commit(viaEffect({ id: 'e', mode: 'fail' }))).toThrowError(expect.objectContaining({ _tag: 'MaterializerError' }))
      expect(counts).toEqual([0, 1, 2])
      expect(s.query(tables.todos.select('id'))).toEqual(['a', 'c'])
    } finally {
      await s.shutdown()
    }
  })

  it('invalid SQL in a raw query throws a QueryError', async () => {
    const s = await store()
    expect(() => s.query(queryDb({ query: 'select * from nowhere', schema: Schema.Array(Schema.Unknown) }))).toThrowError(
      expect.objectContaining({ _tag: 'QueryError', message: expect.stringContaining('nowhere') }),
    )
    let message = ''
    try {
      s.query({ query: 'select * from nowhere', bindValues: [] })
    } catch (error) {
      message = (error as Error).message
    }
    expect(message.split('select * from nowhere')).toHaveLength(2) // thrown, and the SQL is quoted once
  })

  it('wrong arguments from untyped callers get typed errors, not TypeErrors', async () => {
    const s = await store()
    const tagged = (tag: string) => expect.objectContaining({ _tag: tag })
    const anyOf = (value: unknown): never => value as never
    expect(() => s.subscribe(queryDb(tables.todos.count()), anyOf(undefined))).toThrowError(tagged('InvalidArgumentError'))
    expect(() => computed(anyOf(5))).toThrowError(tagged('InvalidArgumentError'))
    await expect(createStorePromise(anyOf(undefined))).rejects.toThrowError(tagged('InvalidArgumentError'))
    const adapter = makeAdapter({ storage: { type: 'in-memory' } })
    await expect(createStorePromise({ schema: anyOf(5), adapter, storeId: 'x' })).rejects.toThrowError(tagged('InvalidArgumentError'))
    await expect(createStorePromise({ schema: s.schema, adapter, storeId: anyOf(5) })).rejects.toThrowError(tagged('InvalidArgumentError'))
    expect(s.query(tables.todos.count())).toBe(0)
  })

  it('a result that does not match the schema throws a QueryError', async () => {
    const s = await store()
    s.commit(events.todoCreated({ id: 'a', text: 'x' }))
    const wrong$ = queryDb({ query: 'select id from todos', schema: Schema.Array(Schema.Struct({ id: Schema.Number })) })
    expect(() => s.query(wrong$)).toThrowError(expect.objectContaining({ _tag: 'QueryError' }))
  })
})

describe('reactivity', () => {
  it('notifies a subscriber once per commit and only when its result changed', async () => {
    const s = await store()
    s.commit(events.todoCreated({ id: 'a', text: 'a' }))
    const seen: number[] = []
    const active$ = queryDb(tables.todos.count().where({ completed: false }), { label: 'active$' })
    const unsubscribe = s.subscribe(active$, (count) => seen.push(count))
    s.commit(events.todoCreated({ id: 'b', text: 'b' }), events.todoCreated({ id: 'c', text: 'c' }))
    s.commit(events.todoDeleted({ id: 'a', deletedAt: new Date() })) // writes todos, count unchanged
    s.commit(events.todoCompleted({ id: 'a' }))
    unsubscribe()
    s.commit(events.todoCompleted({ id: 'b' }))
    expect(seen).toEqual([1, 3, 2])
  })

  it('does not re-run queries on tables a commit did not write', async () => {
    const s = await store()
    let runs = 0
    const todos$ = queryDb(tables.todos.select('id'), { map: (ids) => (runs++, ids) })
    s.subscribe(todos$, () => {})
    s.commit(tables.uiState.set({ newTodoText: 'typing' }))
    expect(runs).toBe(1)
    s.commit(events.todoCreated({ id: 'a', text: 'a' }))
    expect(runs).toBe(2)
  })

  it('signals, computed and queries that depend on them', async () => {
    const s = await store()
    const num$ = signal(0, { label: 'num$' })
    const duplicated$ = computed((get) => get(num$) * 2, { label: 'duplicated$' })
    const increment = () => s.setSignal(num$, (prev) => prev + 1)
    increment()
    increment()
    expect(s.query(num$)).toBe(2)
    expect(s.query(duplicated$)).toBe(4)

    const showCompleted$ = signal(false, { label: 'showCompleted$' })
    const todos$ = queryDb(
      (get) => tables.todos.select('id').where(get(showCompleted$) ? { completed: true } : {}),
      { label: 'todos$' },
    )
    s.commit(events.todoCreated({ id: 'a', text: 'a' }), events.todoCreated({ id: 'b', text: 'b' }))
    s.commit(events.todoCompleted({ id: 'b' }))
    const seen: string[][] = []
    s.subscribe(todos$, (ids) => seen.push([...ids]))
    s.setSignal(showCompleted$, true)
    expect(seen).toEqual([['a', 'b'], ['b']])
  })

  it('static queries with equal deps but different SQL or values do not share a node', async () => {
    const s = await store()
    s.commit(events.todoCreated({ id: 'a', text: 'a' }), events.todoCreated({ id: 'b', text: 'b' }))
    s.commit(events.todoCompleted({ id: 'b' }))
    const deps = ['same']
    // Same SQL, different bound values.
    const done$ = queryDb(tables.todos.select('id').where({ completed: true }), { deps })
    const open$ = queryDb(tables.todos.select('id').where({ completed: false }), { deps })
    // Same first 80 characters of SQL.
    const padding = 'x'.repeat(100)
    const a$ = queryDb({ query: `SELECT '${padding}' AS pad, id FROM todos WHERE id = 'a'`, bindValues: [] }, { deps })
    const b$ = queryDb({ query: `SELECT '${padding}' AS pad, id FROM todos WHERE id = 'b'`, bindValues: [] }, { deps })
    const seen: unknown[] = []
    s.subscribe(done$, (ids) => seen.push(['done', ...ids]))
    s.subscribe(open$, (ids) => seen.push(['open', ...ids]))
    s.subscribe(a$, (rows) => seen.push(['a', ...rows.map((row) => row['id'])]))
    s.subscribe(b$, (rows) => seen.push(['b', ...rows.map((row) => row['id'])]))
    expect(seen).toEqual([
      ['done', 'b'],
      ['open', 'a'],
      ['a', 'a'],
      ['b', 'b'],
    ])
    expect(s.query(open$)).toEqual(['a'])
    expect(s.query(b$)).toEqual([{ pad: padding, id: 'b' }])
  })

  it('definitions with equal deps share one node', async () => {
    const s = await store()
    let runs = 0
    const todos$ = (completed: boolean) =>
      queryDb(
        () => {
          runs++
          return tables.todos.where({ completed })
        },
        { label: 'todos$', deps: [completed] },
      )
    const un1 = s.subscribe(todos$(true), () => {})
    const un2 = s.subscribe(todos$(true), () => {})
    expect(runs).toBe(1)
    un1()
    un2()
  })

  it('client documents: per-session value with defaults, set merges', async () => {
    const s = await store()
    const uiState$ = tables.uiState.get()
    expect(s.query(uiState$)).toEqual({ newTodoText: '', filter: 'all' })
    const seen: unknown[] = []
    s.subscribe(uiState$, (value) => seen.push(value))
    s.commit(tables.uiState.set({ filter: 'active' }))
    s.commit(tables.uiState.set({ newTodoText: 'Buy' }))
    expect(s.query(uiState$)).toEqual({ newTodoText: 'Buy', filter: 'active' })
    expect(seen).toHaveLength(3)
    const { session } = await s._dev.syncStates()
    expect(session.headString).toBe('e0.2') // client-only events keep the global number
  })
})

describe('stores', () => {
  it('are isolated by storeId', async () => {
    const a = await store('a')
    const b = await store('b')
    a.commit(events.todoCreated({ id: 'x', text: 'only in a' }))
    expect(a.query(tables.todos.count())).toBe(1)
    expect(b.query(tables.todos.count())).toBe(0)
  })

  it('refuses use after shutdown with a typed error', async () => {
    const s = await makeStore()
    await s.shutdown()
    expect(() => s.query(tables.todos)).toThrowError(expect.objectContaining({ _tag: 'StoreShutdownError' }))
    expect(() => s.commit(events.todoCreated({ id: 'a', text: 'a' }))).toThrowError(
      expect.objectContaining({ _tag: 'StoreShutdownError' }),
    )
  })

  it('onShutdown: called once when the store ends (shutdown or hard reset), at once when already ended', async () => {
    const calls: string[] = []
    const a = await makeStore('on-shutdown-a')
    a.onShutdown(() => calls.push('a1'))
    const removed = a.onShutdown(() => calls.push('removed'))
    removed()
    const done = a.shutdown()
    expect(calls).toEqual(['a1'])
    await done
    await a.shutdown()
    expect(calls).toEqual(['a1'])
    a.onShutdown(() => calls.push('late'))
    expect(calls).toEqual(['a1', 'late'])

    const b = await makeStore('on-shutdown-b')
    b.onShutdown(() => {
      throw new Error('a listener failing must not stop the reset')
    })
    b.onShutdown(() => calls.push('b'))
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {})
    try {
      await b._dev.hardReset()
    } finally {
      consoleError.mockRestore()
    }
    expect(calls).toEqual(['a1', 'late', 'b'])
    expect(() => b.query(tables.todos)).toThrowError(expect.objectContaining({ _tag: 'StoreShutdownError' }))
  })

  it('shutdown() from an onShutdown listener, and after the store ended, waits for the one end', async () => {
    const s = await makeStore('shutdown-reentrant')
    const leaderShutdown = vi.spyOn((s as unknown as { session: { leader: { shutdown(): Promise<void> } } }).session.leader, 'shutdown')
    let fromListener: Promise<void> | undefined
    s.onShutdown(() => {
      fromListener = s.shutdown()
    })
    const first = s.shutdown()
    const second = s.shutdown()
    await Promise.all([first, second, fromListener])
    expect(leaderShutdown).toHaveBeenCalledTimes(1)
    await s.shutdown()
    expect(leaderShutdown).toHaveBeenCalledTimes(1)
  })

  it('exports the state and eventlog databases as SQLite files', async () => {
    const s = await store()
    s.commit(events.todoCreated({ id: 'a', text: 'a' }))
    const header = 'SQLite format 3\0'
    expect(new TextDecoder().decode(s._dev.exportDb().slice(0, 16))).toBe(header)
    expect(new TextDecoder().decode((await s._dev.exportEventlogDb()).slice(0, 16))).toBe(header)
  })
})
