/**
 * Reference › Store (livestore-docs.txt, "# [Store]"): every sample, run against in-memory Node stores.
 */
import { makeAdapter } from '@cairn/adapter-node'
import { createStorePromise, StoreShutdownError, type Store } from '@cairn/store'
import { readEvents } from '@cairn/store/adapter'
import { describe, expect, it } from 'vitest'
import { events, schema, tables } from './livestore/schema.js'
import { captureConsoleLog, makeStore, openCopy, track } from './support.js'

const logs = captureConsoleLog()

describe('docs: Store › Creating a store', () => {
  it('createStorePromise resolves to a ready store with the given id', async () => {
    const adapter = makeAdapter({ storage: { type: 'in-memory' } })

    const store = await createStorePromise({
      schema,
      adapter,
      storeId: 'some-store-id',
    })

    track(store)
    expect(store.storeId).toBe('some-store-id')
    expect(store.schema).toBe(schema)
    expect(store.query(tables.todos)).toEqual([])
  })
})

describe('docs: Store › Using a store', () => {
  it('Querying data: store.query(tables.todos) returns the rows', async () => {
    const store = await makeStore(schema)
    store.commit(events.todoCreated({ id: '1', text: 'Buy milk' }))

    const todos = store.query(tables.todos)

    expect(todos).toEqual([{ id: '1', text: 'Buy milk', completed: false }])
  })

  it('Subscribing to data: called now and on every change, until unsubscribed', async () => {
    const store = await makeStore(schema)

    const unsubscribe = store.subscribe(tables.todos, (todos) => {
      console.log(todos)
    })

    expect(logs).toEqual([[[]]])
    store.commit(events.todoCreated({ id: '1', text: 'Buy milk' }))
    expect(logs).toEqual([[[]], [[{ id: '1', text: 'Buy milk', completed: false }]]])
    unsubscribe()
    store.commit(events.todoCompleted({ id: '1' }))
    expect(logs.length).toBe(2)
  })

  it('Committing events: the state reflects the event synchronously', async () => {
    const store = await makeStore(schema)

    store.commit(events.todoCreated({ id: '1', text: 'Buy milk' }))

    expect(store.query(tables.todos.where({ id: '1' }).first())).toEqual({ id: '1', text: 'Buy milk', completed: false })
  })

  it('Shutting down a store: pending events are written, then the store refuses further use', async () => {
    const store = await makeStore(schema)
    store.commit(events.todoCreated({ id: '1', text: 'Buy milk' }))
    const eventlogBefore = await store._dev.exportEventlogDb()

    await store.shutdown()

    expect(readEvents(await openCopy(eventlogBefore)).map((event) => event.name)).toEqual(['v1.TodoCreated'])
    expect(() => store.query(tables.todos)).toThrow(StoreShutdownError)
    expect(() => store.commit(events.todoCreated({ id: '2', text: 'Too late' }))).toThrow(StoreShutdownError)
    await store.shutdown() // idempotent
  })
})

describe('docs: Store › Multiple Stores', () => {
  it('several stores in one app are independent', async () => {
    const a = await makeStore(schema, 'store-a')
    const b = await makeStore(schema, 'store-b')
    a.commit(events.todoCreated({ id: '1', text: 'only in a' }))
    b.commit(events.todoCreated({ id: '1', text: 'only in b' }), events.todoCompleted({ id: '1' }))
    expect(a.query(tables.todos)).toEqual([{ id: '1', text: 'only in a', completed: false }])
    expect(b.query(tables.todos)).toEqual([{ id: '1', text: 'only in b', completed: true }])
    expect((await a._dev.syncStates()).session.headString).toBe('e1')
    expect((await b._dev.syncStates()).session.headString).toBe('e2')
  })
})

describe('docs: Store › Development/debugging helpers', () => {
  it('__debugLiveStore.default._dev: downloadDb, downloadEventlogDb, syncStates, hardReset', async () => {
    const store = await makeStore(schema) // no storeId: the id is 'default'
    store.commit(events.todoCreated({ id: '1', text: 'Buy milk' }))
    // The docs type these in the browser console; in TypeScript the global needs a type.
    const { __debugLiveStore } = globalThis as unknown as { __debugLiveStore: Record<string, Store<typeof schema>> }
    expect(__debugLiveStore.default).toBe(store)

    // Download the SQLite database
    const dbBytes = __debugLiveStore.default!._dev.downloadDb()
    expect(new TextDecoder().decode(dbBytes.subarray(0, 15))).toBe('SQLite format 3')
    expect((await openCopy(dbBytes)).select('SELECT id, text FROM todos')).toEqual([{ id: '1', text: 'Buy milk' }])

    // Download the eventlog database
    const eventlogBytes = await __debugLiveStore.default!._dev.downloadEventlogDb()
    expect(readEvents(await openCopy(eventlogBytes)).map((event) => event.args)).toEqual([{ id: '1', text: 'Buy milk' }])

    // See the current sync state
    const syncStates = await __debugLiveStore.default!._dev.syncStates()
    expect(syncStates.session.headString).toBe('e1')

    // Reset the store
    await __debugLiveStore.default!._dev.hardReset()
    expect(__debugLiveStore.default).toBeUndefined()
    expect(() => store.query(tables.todos)).toThrow(StoreShutdownError)
  })
})
