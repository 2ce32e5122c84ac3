import { afterEach, describe, expect, it, vi } from 'vitest'
import { broken, evolved, evolvedTodos, newer, olderFail, olderIgnore, olderWarn, olderWith, renamed } from '../fixtures/evolution-app.mjs'
import { events, v1 } from '../fixtures/todo-app.mjs'
import { ADAPTERS, openStore, removeStateFiles, storeOpener, tempDirectory } from '../fixtures/stores.js'

const todos = v1.table

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

describe.each(ADAPTERS)('fs storage ($name): app evolution', ({ kind }) => {
  const openStore = storeOpener(kind)

  it("unknown events: 'warn' (default) skips them with one warning and keeps them in the eventlog", async () => {
    const base = await writtenByNewerVersion()
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const older = await openStore(olderWarn, base)
    expect(older.query(todos.select('text'))).toEqual(['A', 'B'])
    expect(warn).toHaveBeenCalledTimes(1)
    expect(warn.mock.calls[0]?.[0]).toContain('v1.TodoRenamed')
    await older.shutdown()
    // The newer version still sees its event.
    removeStateFiles(base)
    const again = await openStore(newer, base)
    expect(again.query(todos.select('text'))).toEqual(['A2', 'B'])
  })

  it("unknown events: 'ignore' skips silently, 'fail' refuses to boot", async () => {
    const base = await writtenByNewerVersion()
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const ignored = await openStore(olderIgnore, base)
    expect(ignored.query(todos.count())).toBe(2)
    expect(warn).not.toHaveBeenCalled()
    await ignored.shutdown()

    removeStateFiles(base)
    await expect(openStore(olderFail, base)).rejects.toMatchObject({
      _tag: 'StoreBootError',
      cause: { _tag: 'UnknownStoredEventError', eventName: 'v1.TodoRenamed', seqNum: 'e2' },
    })
  })

  it.runIf(kind === 'thread')('unknown events: a callback sees each (it runs where the leader runs)', async () => {
    const base = await writtenByNewerVersion()
    const seen: string[] = []
    await (await openStore(olderWith((event) => seen.push(event.name)), base)).shutdown()
    expect(seen).toEqual(['v1.TodoRenamed'])
  })

  it('an added optional field decodes old events; an incompatible change is a typed error naming event and seqNum', async () => {
    const base = tempDirectory()
    const store = await openStore(v1.schema, base)
    store.commit(events.todoCreated({ id: 'a', text: 'A' }))
    await store.shutdown()

    const evolvedStore = await openStore(evolved, base)
    expect(evolvedStore.query(evolvedTodos.select('note'))).toEqual([null])
    await evolvedStore.shutdown()

    await expect(openStore(broken, base)).rejects.toMatchObject({
      _tag: 'StoreBootError',
      cause: { _tag: 'StoredEventDecodeError', eventName: 'v1.TodoCreated', seqNum: 'e1' },
    })
  })
})
