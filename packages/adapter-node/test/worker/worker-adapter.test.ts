import fs from 'node:fs'
import path from 'node:path'
import {
  EventlogUnreadableError,
  LeaderProtocolError,
  LeaderWorkerError,
  makeWorkerAdapter,
  WorkerSchemaMismatchError,
} from '@cairn/adapter-node'
import { DatabaseLockedError } from '@cairn/sqlite'
import { CairnError, createStorePromise, StoreBootError, type BootStatus } from '@cairn/store'
import { readEvents } from '@cairn/store/adapter'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { newer, olderWarn } from '../fixtures/evolution-app.mjs'
import { runChildJson, startChild } from '../fixtures/processes.js'
import {
  makeTestAdapter,
  openBytes,
  openStore,
  openStoreWith,
  removeStateFiles,
  storeFiles,
  storeOpener,
  tempDirectory,
  WORKER_URL,
} from '../fixtures/stores.js'
import { events, v1, v2 } from '../fixtures/todo-app.mjs'

const openWorkerStore = storeOpener('worker')

afterEach(() => {
  vi.restoreAllMocks()
})

/** What `createStorePromise` rejected with, for a closer look than `rejects.toMatchObject`. */
const bootFailure = async (promise: Promise<unknown>): Promise<StoreBootError> => {
  const error = await promise.then(
    () => undefined,
    (error: unknown) => error,
  )
  expect(error).toBeInstanceOf(StoreBootError)
  return error as StoreBootError
}

describe('makeWorkerAdapter: the session in this thread, the leader in a worker', () => {
  it('commits are synchronous and visible at once in this thread', async () => {
    const store = await openWorkerStore(v1.schema, tempDirectory())
    expect(store.storageMode).toBe('persisted')
    for (let i = 0; i < 100; i++) {
      store.commit(events.todoCreated({ id: `t${i}`, text: `todo ${i}` }))
      expect(store.query(v1.table.count())).toBe(i + 1)
    }
    const seen: number[] = []
    store.subscribe(v1.table.count(), (count) => seen.push(count as number))
    store.commit(events.todoDeleted({ id: 't0' }))
    expect(seen).toEqual([100, 99])
    expect((await store._dev.syncStates()).leader).toEqual({ localHead: { global: 101, client: 0, rebaseGeneration: 0 }, eventCount: 101 })
  })

  it('after flush the events are on disk: a fresh process opening a copy of the files sees them all', async () => {
    const base = tempDirectory()
    const store = await openWorkerStore(v1.schema, base)
    for (let i = 0; i < 250; i++) store.commit(events.todoCreated({ id: `t${i}`, text: `todo ${i}` }))
    await store.flush()
    // Copy the files as they are now (database + write-ahead log), while the worker keeps them open.
    const copy = tempDirectory()
    fs.mkdirSync(path.join(copy, 'todos'))
    for (const file of fs.readdirSync(path.join(base, 'todos')).filter((file) => !file.endsWith('.lock'))) {
      fs.copyFileSync(path.join(base, 'todos', file), path.join(copy, 'todos', file))
    }
    expect(await runChildJson(['open', copy, 'todos'])).toEqual({ ok: true, count: 250 })
    expect(readEvents(await openBytes(await store._dev.exportEventlogDb()))).toHaveLength(250)
  })

  it('a program that neither flushes nor shuts down ends by itself, once its events are written', async () => {
    const base = tempDirectory()
    for (const round of [1, 2]) {
      const child = startChild(['commit-and-leave', base, 'todos'], { adapter: 'worker' })
      const exited = await Promise.race([child.exited, new Promise((resolve) => setTimeout(() => resolve('still running'), 15_000))])
      if (exited !== 0) child.process.kill('SIGKILL')
      expect(exited, child.stderr()).toBe(0)
      expect(child.lines).toEqual([`committed ${round * 10}`])
    }
    expect(await runChildJson(['open', base, 'todos'], { adapter: 'worker' })).toEqual({ ok: true, count: 20 })
  })

  it("boot progress in the worker reaches this thread's onBootStatus before the store resolves", async () => {
    const base = tempDirectory()
    const seed = await openStore(v1.schema, base)
    seed.commit(...Array.from({ length: 5000 }, (_, i) => events.todoCreated({ id: `t${i}`, text: `todo ${i}` })))
    await seed.shutdown()

    removeStateFiles(base)
    const rehydrating: BootStatus[] = []
    const stages: string[] = []
    const store = await openWorkerStore(v1.schema, base, 'todos', (status) => {
      stages.push(status.stage)
      if (status.stage === 'rehydrating') rehydrating.push(status)
    })
    expect(store.query(v1.table.count())).toBe(5000)
    expect(stages[0]).toBe('loading')
    expect(stages.at(-1)).toBe('done')
    expect(rehydrating.length).toBeGreaterThan(1)
    expect(rehydrating.at(-1)).toEqual({ stage: 'rehydrating', progress: { done: 5000, total: 5000 } })
    await store.shutdown()

    const migrating: BootStatus[] = []
    await openStoreWith(v2.schema, makeTestAdapter('worker', v2.schema, base), 'todos', (status) => {
      if (status.stage === 'migrating') migrating.push(status)
    })
    expect(migrating.at(-1)).toEqual({ stage: 'migrating', progress: { done: 5000, total: 5000 } })
  })

  it('storage { type: "in-memory" } keeps the eventlog in the worker', async () => {
    const store = await openStoreWith(
      v1.schema,
      makeWorkerAdapter({ workerUrl: WORKER_URL, storage: { type: 'in-memory' }, workerOptions: { workerData: { schema: 'v1' } } }),
    )
    expect(store.storageMode).toBe('in-memory')
    store.commit(events.todoCreated({ id: 'a', text: 'A' }), events.todoCompleted({ id: 'a' }))
    await store.flush()
    expect(readEvents(await openBytes(await store._dev.exportEventlogDb())).map((event) => event.name)).toEqual([
      'v1.TodoCreated',
      'v1.TodoCompleted',
    ])
  })
})

describe('makeWorkerAdapter: errors', () => {
  it('a worker with another schema is a typed error at boot, before any file is opened', async () => {
    const base = tempDirectory()
    const mismatch = await bootFailure(
      createStorePromise({ schema: v1.schema, storeId: 'todos', adapter: makeTestAdapter('worker', v2.schema, base) }),
    )
    expect(mismatch.cause).toBeInstanceOf(WorkerSchemaMismatchError)
    expect(mismatch.cause).toMatchObject({ appStateHash: v1.schema.stateHash, workerStateHash: v2.schema.stateHash })
    expect((mismatch.cause as Error).message).toContain("The worker's schema differs from the app's: both must import the same schema")
    expect(fs.existsSync(path.join(base, 'todos'))).toBe(false)

    // Same tables, other events.
    const events = await bootFailure(createStorePromise({ schema: olderWarn, storeId: 'todos', adapter: makeTestAdapter('worker', newer, base) }))
    expect(events.cause).toMatchObject({
      _tag: 'WorkerSchemaMismatchError',
      eventsOnlyInApp: [],
      eventsOnlyInWorker: ['v1.TodoRenamed'],
    })
  })

  it('errors thrown in the worker arrive as the same Cairn errors: class, _tag, message and fields', async () => {
    const base = tempDirectory()
    const first = await openWorkerStore(v1.schema, base)
    first.commit(events.todoCreated({ id: 'a', text: 'A' }))

    // The same store opened again in this process, by a second worker and by this thread.
    const again = await bootFailure(openWorkerStore(v1.schema, base))
    expect(again.cause).toBeInstanceOf(DatabaseLockedError)
    expect(again.cause).toBeInstanceOf(CairnError)
    expect(again.cause).toMatchObject({
      _tag: 'DatabaseLockedError',
      name: 'DatabaseLockedError',
      path: path.join(base, 'todos', 'eventlog.db'),
      lockPath: path.join(base, 'todos', 'eventlog.db.lock'),
      pid: process.pid,
    })
    expect((again.cause as Error).message).toMatch(/already open in this process/)
    expect((again.cause as Error).stack).toContain('DatabaseLockedError')
    expect((await bootFailure(openStore(v1.schema, base))).cause).toBeInstanceOf(DatabaseLockedError)

    expect(first.query(v1.table.count())).toBe(1)
    await first.shutdown()

    fs.writeFileSync(path.join(base, 'todos', 'eventlog.db'), 'not a database '.repeat(100))
    const unreadable = await bootFailure(openWorkerStore(v1.schema, base))
    expect(unreadable.cause).toBeInstanceOf(EventlogUnreadableError)
    expect(unreadable.cause).toMatchObject({ path: path.join(base, 'todos', 'eventlog.db'), cause: { _tag: 'SqliteError', code: 26 } })
  })

  it.each([
    { crash: 'exit', reason: 'exited', exitCode: 3, message: /exited unexpectedly \(exit code 3\)/ },
    { crash: 'throw', reason: 'crashed', exitCode: undefined, message: /crashed: simulated crash of the leader worker/ },
  ])('a worker that dies ($crash) fails flush with LeaderWorkerError; commits keep working in memory', async ({ crash, reason, exitCode, message }) => {
    const base = tempDirectory()
    const store = await openStoreWith(v1.schema, makeTestAdapter('worker', v1.schema, base, { crash }))
    store.commit(events.todoCreated({ id: 'a', text: 'A' }))
    const failure = await store.flush().then(
      () => undefined,
      (error: unknown) => error,
    )
    expect(failure).toBeInstanceOf(LeaderWorkerError)
    expect(failure).toMatchObject({ _tag: 'LeaderWorkerError', reason, exitCode, workerUrl: WORKER_URL.href })
    expect((failure as Error).message).toMatch(message)
    expect((failure as Error).message).toContain('not persisted')

    store.commit(events.todoCreated({ id: 'b', text: 'B' }))
    expect(store.query(v1.table.count())).toBe(2)
    await expect(store.flush()).rejects.toBe(failure)
    await expect(store._dev.exportEventlogDb()).rejects.toBe(failure)
    await expect(store.shutdown()).rejects.toBe(failure)

    // The dead worker released its files: the store opens again (without the unflushed events).
    const again = await openWorkerStore(v1.schema, base)
    expect(again.query(v1.table.count())).toBe(0)
  })

  it('a worker file that cannot be loaded, or that does not call makeWorker, is a LeaderWorkerError at boot', async () => {
    const missing = await bootFailure(
      createStorePromise({ schema: v1.schema, adapter: makeWorkerAdapter({ workerUrl: new URL('./no-such.worker.mjs', WORKER_URL) }) }),
    )
    expect(missing.cause).toMatchObject({ _tag: 'LeaderWorkerError', reason: 'start-failed' })
    expect((missing.cause as Error).message).toMatch(/failed to start: .*no-such\.worker\.mjs/)

    const silent = await bootFailure(
      createStorePromise({
        schema: v1.schema,
        adapter: makeWorkerAdapter({ workerUrl: new URL('./not-a-leader.worker.mjs', WORKER_URL), storage: { type: 'in-memory' } }),
      }),
    )
    expect(silent.cause).toMatchObject({ _tag: 'LeaderWorkerError', reason: 'exited', exitCode: 0 })
    expect((silent.cause as Error).message).toMatch(/without calling makeWorker/)
  })

  it('a message that is not part of the protocol is reported as a LeaderProtocolError, and the store carries on', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    const store = await openStoreWith(v1.schema, makeTestAdapter('worker', v1.schema, tempDirectory(), { chatter: true }))
    store.commit(events.todoCreated({ id: 'a', text: 'A' }))
    await store.flush()
    store.commit(events.todoCreated({ id: 'b', text: 'B' }))
    await store.flush()
    expect(error).toHaveBeenCalledTimes(1)
    expect(error.mock.calls[0]?.[1]).toBeInstanceOf(LeaderProtocolError)
    expect(String((error.mock.calls[0]?.[1] as Error).message)).toMatch(/received a message that is not of the leader protocol \(\{"hello":/)
    expect(readEvents(await openBytes(await store._dev.exportEventlogDb()))).toHaveLength(2)
  })

  it('bad options are typed errors', () => {
    expect(() => makeWorkerAdapter({} as never)).toThrow(expect.objectContaining({ _tag: 'InvalidAdapterOptionsError' }))
    expect(() => makeWorkerAdapter({ workerUrl: new URL('https://example.com/w.js') })).toThrow(/workerUrl must be a file: URL/)
    expect(() => makeWorkerAdapter({ workerUrl: WORKER_URL, storage: { type: 'fs', baseDirectory: '' } })).toThrow(/unsupported storage/)
  })
})

describe('fs storage files', () => {
  it('are the same whichever adapter wrote them', async () => {
    const base = tempDirectory()
    const worker = await openWorkerStore(v1.schema, base)
    worker.commit(events.todoCreated({ id: 'a', text: 'A' }))
    await worker.shutdown()
    expect(storeFiles(base)).toEqual(['eventlog.db', `state-${v1.schema.stateHash}-f1.db`])
    const thread = await openStore(v1.schema, base)
    expect(thread.query(v1.table.select('text'))).toEqual(['A'])
  })
})
