import { Events, makeSchema, Schema, State } from '@cairn/store'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { events, v1 } from '../fixtures/todo-app.mjs'
import { openStore, removeStateFiles, tempDirectory } from '../fixtures/stores.js'

const todos = v1.table
const materializeBase = {
  'v1.TodoCreated': ({ id, text }: { id: string; text: string }) => todos.insert({ id, text }),
  'v1.TodoCompleted': ({ id }: { id: string }) => todos.update({ completed: true }).where({ id }),
  'v1.TodoDeleted': ({ id }: { id: string }) => todos.delete().where({ id }),
}

/** A newer app version with an extra event. */
const renamed = Events.synced({ name: 'v1.TodoRenamed', schema: Schema.Struct({ id: Schema.String, text: Schema.String }) })
const newer = makeSchema({
  events: { ...events, renamed },
  state: State.SQLite.makeState({
    tables: { todos },
    materializers: State.SQLite.materializers({ ...events, renamed }, {
      ...materializeBase,
      'v1.TodoRenamed': ({ id, text }) => todos.update({ text }).where({ id }),
    }),
  }),
})

const olderWith = (unknownEventHandling: 'warn' | 'ignore' | 'fail' | ((event: { name: string }) => void)) =>
  makeSchema({
    events,
    state: State.SQLite.makeState({ tables: { todos }, materializers: State.SQLite.materializers(events, materializeBase) }),
    unknownEventHandling,
  })

/** Writes a store with the newer schema, then removes its state so the older app must replay. */
const writtenByNewerVersion = async () => {
  const base = tempDirectory()
  const store = await openStore(newer, base)
  store.commit(events.todoCreated({ id: 'a', text: 'A' }), renamed({ id: 'a', text: 'A2' }), events.todoCreated({ id: 'b', text: 'B' }))
  await store.shutdown()
  // Same tables in both versions: without this the older app would reuse the newer one's state.
  removeStateFiles(base)
  return base
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe('fs storage: app evolution', () => {
  it("unknown events: 'warn' (default) skips them with one warning and keeps them in the eventlog", async () => {
    const base = await writtenByNewerVersion()
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const older = await openStore(olderWith('warn'), base)
    expect(older.query(todos.select('text'))).toEqual(['A', 'B'])
    expect(warn).toHaveBeenCalledTimes(1)
    expect(warn.mock.calls[0]?.[0]).toContain('v1.TodoRenamed')
    await older.shutdown()
    // The newer version still sees its event.
    removeStateFiles(base)
    const again = await openStore(newer, base)
    expect(again.query(todos.select('text'))).toEqual(['A2', 'B'])
  })

  it("unknown events: 'ignore' skips silently, a callback sees each, 'fail' refuses to boot", async () => {
    const base = await writtenByNewerVersion()
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const ignored = await openStore(olderWith('ignore'), base)
    expect(ignored.query(todos.count())).toBe(2)
    expect(warn).not.toHaveBeenCalled()
    await ignored.shutdown()

    const seen: string[] = []
    removeStateFiles(base)
    await (await openStore(olderWith((event) => seen.push(event.name)), base)).shutdown()
    expect(seen).toEqual(['v1.TodoRenamed'])

    removeStateFiles(base)
    await expect(openStore(olderWith('fail'), base)).rejects.toMatchObject({
      _tag: 'StoreBootError',
      cause: { _tag: 'UnknownStoredEventError', eventName: 'v1.TodoRenamed', seqNum: 'e2' },
    })
  })

  it('an added optional field decodes old events; an incompatible change is a typed error naming event and seqNum', async () => {
    const base = tempDirectory()
    const store = await openStore(v1.schema, base)
    store.commit(events.todoCreated({ id: 'a', text: 'A' }))
    await store.shutdown()

    const withOptional = Events.synced({
      name: 'v1.TodoCreated',
      schema: Schema.Struct({ id: Schema.String, text: Schema.String, note: Schema.optional(Schema.String) }),
    })
    const evolvedTodos = State.SQLite.table({
      name: 'todos',
      columns: { id: State.SQLite.text({ primaryKey: true }), text: State.SQLite.text({ default: '' }), note: State.SQLite.text({ nullable: true }) },
    })
    const evolved = makeSchema({
      events: { withOptional },
      state: State.SQLite.makeState({
        tables: { evolvedTodos },
        materializers: State.SQLite.materializers({ withOptional }, {
          'v1.TodoCreated': ({ id, text, note }) => evolvedTodos.insert({ id, text, note: note ?? null }),
        }),
      }),
    })
    const evolvedStore = await openStore(evolved, base)
    expect(evolvedStore.query(evolvedTodos.select('note'))).toEqual([null])
    await evolvedStore.shutdown()

    const incompatible = Events.synced({ name: 'v1.TodoCreated', schema: Schema.Struct({ id: Schema.Number }) })
    const brokenTodos = State.SQLite.table({ name: 'todos', columns: { id: State.SQLite.integer({ primaryKey: true }) } })
    const broken = makeSchema({
      events: { incompatible },
      state: State.SQLite.makeState({
        tables: { brokenTodos },
        materializers: State.SQLite.materializers({ incompatible }, { 'v1.TodoCreated': ({ id }) => brokenTodos.insert({ id }) }),
      }),
    })
    await expect(openStore(broken, base)).rejects.toMatchObject({
      _tag: 'StoreBootError',
      cause: { _tag: 'StoredEventDecodeError', eventName: 'v1.TodoCreated', seqNum: 'e1' },
    })
  })
})
