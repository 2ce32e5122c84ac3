import { readEvents } from '@cairn/store/adapter'
import { describe, expect, it } from 'vitest'
import { events, v1 } from '../fixtures/todo-app.mjs'
import { ADAPTERS, dumpTables, openBytes, storeFiles, storeOpener, tempDirectory } from '../fixtures/stores.js'

describe.each(ADAPTERS)('fs storage ($name): restart', ({ kind }) => {
  const openStore = storeOpener(kind)

  it('keeps rows, eventlog and sequence numbers across a restart, and continues from there', async () => {
    const base = tempDirectory()
    const first = await openStore(v1.schema, base)
    expect(first.storageMode).toBe('persisted')
    first.commit(events.todoCreated({ id: 'a', text: 'A' }), events.todoCreated({ id: 'b', text: 'B' }))
    first.commit(events.todoCompleted({ id: 'a' }))
    const rows = first.query(v1.table.orderBy('id', 'asc'))
    const eventlog = readEvents(await openBytes(await first._dev.exportEventlogDb()))
    const clientId = first.clientId
    await first.shutdown()

    expect(storeFiles(base)).toEqual(['eventlog.db', `state-${v1.schema.stateHash}-f1.db`])

    const statuses: string[] = []
    const second = await openStore(v1.schema, base, 'todos', (status) => statuses.push(status.stage))
    expect(statuses).not.toContain('rehydrating') // booted from the persisted state, no replay
    expect(second.clientId).toBe(clientId)
    expect(second.query(v1.table.orderBy('id', 'asc'))).toEqual(rows)
    expect(readEvents(await openBytes(await second._dev.exportEventlogDb()))).toEqual(eventlog)
    expect((await second._dev.syncStates()).session.headString).toBe('e3')

    second.commit(events.todoCreated({ id: 'c', text: 'C' }))
    const log = readEvents(await openBytes(await second._dev.exportEventlogDb()))
    expect(log.map((e) => e.seqNum.global)).toEqual([1, 2, 3, 4])
    expect(log.at(-1)?.parentSeqNum.global).toBe(3)
    await second.shutdown()

    const third = await openStore(v1.schema, base)
    expect(third.query(v1.table.count())).toBe(3)
    expect(dumpTables(await openBytes(third._dev.exportDb()))).toEqual({
      todos: [
        { id: 'a', text: 'A', completed: 1 },
        { id: 'b', text: 'B', completed: 0 },
        { id: 'c', text: 'C', completed: 0 },
      ],
    })
  })

  it('flush() resolves once the events are in the eventlog file', async () => {
    const base = tempDirectory()
    const store = await openStore(v1.schema, base)
    for (let i = 0; i < 50; i++) store.commit(events.todoCreated({ id: `t${i}`, text: `${i}` }))
    await store.flush()
    const log = readEvents(await openBytes(await store._dev.exportEventlogDb()))
    expect(log).toHaveLength(50)
  })

  it('stores with different ids are isolated', async () => {
    const base = tempDirectory()
    const a = await openStore(v1.schema, base, 'a')
    const b = await openStore(v1.schema, base, 'b')
    a.commit(events.todoCreated({ id: 'x', text: 'only in a' }))
    await a.flush()
    expect(b.query(v1.table.count())).toBe(0)
    expect(storeFiles(base, 'b')).toContain('eventlog.db')
  })

  it('hardReset deletes the store directory', async () => {
    const base = tempDirectory()
    const store = await openStore(v1.schema, base)
    store.commit(events.todoCreated({ id: 'x', text: 'x' }))
    await store._dev.hardReset()
    const again = await openStore(v1.schema, base)
    expect(again.query(v1.table.count())).toBe(0)
  })
})

describe('fs storage: event timestamps', () => {
  // The worker fixture knows only the fixture schemas; the timestamp path is the same in both.
  const openStore = storeOpener('thread')

  it('ctx.event.timestamp is the commit time, stored with the event and the same when replayed', async () => {
    const { Events, makeSchema, Schema, State } = await import('@cairn/store')
    const stamped = Events.synced({ name: 'v1.Stamped', schema: Schema.Struct({ id: Schema.String }) })
    const makeStampSchema = (tableName: string) => {
      const stamps = State.SQLite.table({ name: tableName, columns: { id: State.SQLite.text({ primaryKey: true }), at: State.SQLite.integer() } })
      return {
        stamps,
        schema: makeSchema({
          events: { stamped },
          state: State.SQLite.makeState({
            tables: { stamps },
            materializers: State.SQLite.materializers({ stamped }, { 'v1.Stamped': ({ id }, ctx) => stamps.insert({ id, at: ctx.event.timestamp }) }),
          }),
        }),
      }
    }
    const base = tempDirectory()
    const before = Date.now()
    const first = makeStampSchema('stamps')
    const store = await openStore(first.schema, base)
    store.commit(stamped({ id: 'a' }))
    const at = store.query(first.stamps.select('at'))[0]!
    expect(at).toBeGreaterThanOrEqual(before)
    expect(at).toBeLessThanOrEqual(Date.now())
    expect(readEvents(await openBytes(await store._dev.exportEventlogDb()))[0]?.timestamp).toBe(at)
    await store.shutdown()
    // A new table name changes the state hash: the state is rebuilt from the eventlog.
    const second = makeStampSchema('stamps2')
    const rebuilt = await openStore(second.schema, base)
    expect(rebuilt.query(second.stamps.select('at'))).toEqual([at])
  })
})
