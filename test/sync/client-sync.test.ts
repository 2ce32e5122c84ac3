import { BackendResetError, SyncUnavailableError, type Store, type SyncStatus } from '@cairn/store'
import { makeAdapter } from '@cairn/adapter-node'
import { createStorePromise } from '@cairn/store'
import { describe, expect, it, vi } from 'vitest'
import { drafts, events, schema } from './fixtures/app.mjs'
import {
  eventlogOf,
  itemsOf,
  openClient,
  restartablePort,
  startServer,
  tempDirectory,
  testBackend,
  waitFor,
  waitForConvergence,
} from './support.js'
import fs from 'node:fs'
import path from 'node:path'

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const offlineUrl = 'ws://127.0.0.1:9/sync' // nothing listens there: a client stays offline

/**
 * Runs `write` (which commits to the persisted store in `directory` and shuts it down), then puts
 * back the state files from before: what a crash between writing the eventlog and writing the
 * state leaves on disk, a state that the next boot catches up from the eventlog.
 */
const losingStateWrites = async (directory: string, write: () => Promise<void>): Promise<void> => {
  const storeDirectory = path.join(directory, 'shared')
  const saved = tempDirectory()
  const stateFiles = () => fs.readdirSync(storeDirectory).filter((file) => file.startsWith('state-'))
  for (const file of stateFiles()) fs.copyFileSync(path.join(storeDirectory, file), path.join(saved, file))
  await write()
  for (const file of stateFiles()) fs.rmSync(path.join(storeDirectory, file))
  for (const file of fs.readdirSync(saved)) fs.copyFileSync(path.join(saved, file), path.join(storeDirectory, file))
}

/** Commits `event` to the persisted store in `directory` while offline, and shuts it down. */
const commitOffline = async (directory: string, event: ReturnType<typeof events.itemAdded>): Promise<void> => {
  const store = await openClient(offlineUrl, { baseDirectory: directory })
  store.commit(event)
  await store.shutdown()
}

/** An installation in `directory` with one event the backend confirmed, then `a` committed offline. */
const confirmedThenOffline = async (url: string, directory: string): Promise<void> => {
  const first = await openClient(url, { baseDirectory: directory })
  first.commit(events.itemAdded({ id: 'confirmed', text: 'confirmed before' }))
  await first.awaitConfirmation()
  await first.shutdown()
  await commitOffline(directory, events.itemAdded({ id: 'a', text: 'offline' }))
}

/** Waits until both clients hold `count` events, then checks they hold the same eventlog and items. */
const expectConverged = async (client: Store<any>, other: Store<any>, count: number): Promise<void> => {
  await waitForConvergence([client, other], count)
  expect(await eventlogOf(client)).toEqual(await eventlogOf(other))
  expect(itemsOf(client)).toEqual(itemsOf(other))
}

describe('client sync', () => {
  it('three clients committing concurrently converge to one eventlog and one state', async () => {
    const server = await startServer()
    const clients = await Promise.all([0, 1, 2].map(() => openClient(server.url)))
    for (let round = 0; round < 10; round++) {
      for (const [index, store] of clients.entries()) {
        store.commit(events.itemAdded({ id: `c${index}-${round}`, text: `item ${round} of ${index}` }))
      }
      await pause(round % 3)
    }
    await waitForConvergence(clients, 30)
    const logs = await Promise.all(clients.map(eventlogOf))
    expect(logs[0]).toHaveLength(30)
    expect(logs[1]).toEqual(logs[0])
    expect(logs[2]).toEqual(logs[0])
    const states = clients.map(itemsOf)
    expect(states[0]).toHaveLength(30)
    expect(states[1]).toEqual(states[0])
    expect(states[2]).toEqual(states[0])
  })

  it('clients commit while the server is down, and converge without losing or duplicating events once it is back', async () => {
    const file = path.join(tempDirectory(), 'sync.db')
    const port = restartablePort(0)
    const first = await startServer({ file, port })
    const clients = await Promise.all([0, 1, 2].map(() => openClient(first.url)))
    clients[0]!.commit(events.itemAdded({ id: 'before', text: 'before the outage' }))
    await waitForConvergence(clients, 1)
    await first.close()
    await waitFor(() => clients.every((store) => store.syncStatus().connection !== 'connected'), () => 'clients to notice the outage')

    for (const [index, store] of clients.entries()) {
      for (let i = 0; i < 5; i++) store.commit(events.itemAdded({ id: `offline-${index}-${i}`, text: `${index}/${i}` }))
      store.commit(events.itemRenamed({ id: 'before', text: `renamed by ${index}` }))
    }
    expect(clients.map((store) => store.syncStatus().pendingCount)).toEqual([6, 6, 6])
    expect(clients.map((store) => store.syncStatus().isSynced)).toEqual([false, false, false])

    await startServer({ file, port })
    await waitForConvergence(clients, 19)
    const logs = await Promise.all(clients.map(eventlogOf))
    expect(logs[1]).toEqual(logs[0])
    expect(logs[2]).toEqual(logs[0])
    expect(logs[0]).toHaveLength(19)
    expect(new Set(logs[0]!.map((line) => line.slice(line.indexOf(':') + 1))).size).toBe(19)
    const states = clients.map(itemsOf)
    expect(states[0]).toHaveLength(16)
    expect(states[1]).toEqual(states[0])
    expect(states[2]).toEqual(states[0])
  })

  it('a persisted client that restarts with unsynced events pushes them later', async () => {
    const server = await startServer()
    const directory = tempDirectory()
    const other = await openClient(server.url)
    const offlineUrl = 'ws://127.0.0.1:9/sync' // nothing listens there: the client stays offline
    const offline = await openClient(offlineUrl, { baseDirectory: directory })
    offline.commit(events.itemAdded({ id: 'a', text: 'made offline' }))
    other.commit(events.itemAdded({ id: 'b', text: 'made online' }))
    await offline.shutdown()

    const back = await openClient(server.url, { baseDirectory: directory })
    expect(itemsOf(back)).toEqual([{ id: 'a', text: 'made offline', position: 0 }])
    await expectConverged(back, other, 2)
    // b came first on the server, so a was rebased after it.
    expect(itemsOf(back)).toEqual([
      { id: 'a', text: 'made offline', position: 1 },
      { id: 'b', text: 'made online', position: 0 },
    ])
  })

  it('after a crash left unconfirmed events unrecorded for undo, a rebase keeps the confirmed state in the session', async () => {
    const server = await startServer()
    const directory = tempDirectory()
    await confirmedThenOffline(server.url, directory)
    // This copy of the installation pushes `a` alone, so that the backend confirms it and puts
    // another client's event between it and `b`.
    const copy = tempDirectory()
    fs.cpSync(directory, copy, { recursive: true })
    await losingStateWrites(directory, () => commitOffline(directory, events.itemAdded({ id: 'b', text: 'offline' })))
    const pusher = await openClient(server.url, { baseDirectory: copy })
    await waitForConvergence([pusher], 2)
    await pusher.shutdown()
    const other = await openClient(server.url)
    await waitForConvergence([other], 2)
    other.commit(events.itemAdded({ id: 'x', text: 'between a and b' }))
    await other.awaitConfirmation()

    // The boot catches `b` up; syncing confirms `a` and rebases `b` after `x`.
    const restarted = await openClient(server.url, { baseDirectory: directory })
    await expectConverged(restarted, other, 4)
    expect(itemsOf(restarted).map((item) => (item as { id: string }).id)).toEqual(['a', 'b', 'confirmed', 'x'])
  })

  it('after a crash left unconfirmed events unrecorded for undo, a rebase rolls all of them back in the persisted state', async () => {
    const server = await startServer()
    const directory = tempDirectory()
    await commitOffline(directory, events.itemAdded({ id: 'a', text: 'offline' }))
    await losingStateWrites(directory, () => commitOffline(directory, events.itemAdded({ id: 'b', text: 'offline' })))
    const other = await openClient(server.url)
    other.commit(events.itemAdded({ id: 'x', text: 'first on the server' }))
    await other.awaitConfirmation()

    const restarted = await openClient(server.url, { baseDirectory: directory })
    await waitForConvergence([restarted, other], 3)
    expect(itemsOf(restarted)).toEqual(itemsOf(other))
    await restarted.shutdown()
    const again = await openClient(offlineUrl, { baseDirectory: directory })
    expect(itemsOf(again)).toEqual([
      { id: 'a', text: 'offline', position: 1 },
      { id: 'b', text: 'offline', position: 2 },
      { id: 'x', text: 'first on the server', position: 0 },
    ])
  })

  it('a session whose undo information cannot reach a rollback stops, loudly, instead of losing confirmed rows', async () => {
    // The gate holds the hello of the reopened client until its session's undo segments are gone:
    // the cause is simulated, what is tested is how the session deals with it.
    let gate: Promise<void> = Promise.resolve()
    const server = await startServer({ validatePayload: async () => (await gate, true) })
    const directory = tempDirectory()
    await confirmedThenOffline(server.url, directory)
    const other = await openClient(server.url)
    await waitForConvergence([other], 1)
    other.commit(events.itemAdded({ id: 'x', text: 'first on the server' }))
    await other.awaitConfirmation()

    let open = (): void => {}
    gate = new Promise((resolve) => (open = resolve))
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {})
    try {
      const restarted = await openClient(server.url, { baseDirectory: directory })
      let stopped = false
      restarted.onShutdown(() => (stopped = true))
      restarted.commit(events.itemAdded({ id: 'b', text: 'made in the session' }))
      ;(restarted as unknown as { session: { sqliteDb: { execute(sql: string): number } } }).session.sqliteDb.execute('DELETE FROM __cairn_undo')
      open()
      await waitFor(() => stopped, () => 'the session to stop')
      await restarted.shutdown() // the end it began itself: the files are released after it
      expect(errors.mock.calls.some((call) => /cannot roll its state back/.test(call.join(' ')))).toBe(true)
    } finally {
      errors.mockRestore()
    }

    // Nothing was lost: the leader has every event, the session's own one rebased after x.
    const reopened = await openClient(server.url, { baseDirectory: directory })
    await expectConverged(reopened, other, 4)
    expect(itemsOf(reopened).map((item) => (item as { id: string }).id)).toEqual(['a', 'b', 'confirmed', 'x'])
  })

  it('a client used without sync at first rebases its old local events once it syncs', async () => {
    const server = await startServer()
    const directory = tempDirectory()
    const local = await createStorePromise({ schema, storeId: 'shared', adapter: makeAdapter({ storage: { type: 'fs', baseDirectory: directory } }) })
    local.commit(events.itemAdded({ id: 'old-1', text: 'before sync' }), events.itemAdded({ id: 'old-2', text: 'before sync' }))
    await local.shutdown()
    const other = await openClient(server.url)
    other.commit(events.itemAdded({ id: 'remote', text: 'already on the server' }))
    await other.awaitConfirmation()

    const synced = await openClient(server.url, { baseDirectory: directory })
    await expectConverged(synced, other, 3)
    expect(itemsOf(synced)).toEqual([
      { id: 'old-1', text: 'before sync', position: 1 },
      { id: 'old-2', text: 'before sync', position: 2 },
      { id: 'remote', text: 'already on the server', position: 0 },
    ])
  })

  it('reports the sync status, notifies its subscribers, and confirms commits', async () => {
    const server = await startServer()
    const store = await openClient(server.url)
    const seen: SyncStatus[] = []
    const unsubscribe = store.subscribeSyncStatus((status) => seen.push(status))
    await waitFor(() => store.syncStatus().connection === 'connected', () => 'connected')
    store.commit(events.itemAdded({ id: 'a', text: 'A' }), events.itemAdded({ id: 'b', text: 'B' }))
    expect(store.syncStatus()).toMatchObject({ localHead: 2, pendingCount: 2, isSynced: false })
    await store.awaitConfirmation()
    expect(store.syncStatus()).toMatchObject({ localHead: 2, backendHead: 2, pendingCount: 0, isSynced: true, connection: 'connected' })
    expect(seen.some((status) => status.pendingCount === 2)).toBe(true)
    expect(seen.at(-1)).toMatchObject({ isSynced: true })
    unsubscribe()
    const count = seen.length
    store.commit(events.itemAdded({ id: 'c', text: 'C' }))
    await store.awaitConfirmation()
    expect(seen).toHaveLength(count)
  })

  it('refuses to confirm without a sync backend', async () => {
    const store = await createStorePromise({ schema, storeId: 'local', adapter: makeAdapter({ storage: { type: 'in-memory' } }) })
    store.commit(events.itemAdded({ id: 'a', text: 'A' }))
    expect(store.syncStatus()).toMatchObject({ connection: 'off', isSynced: false, pendingCount: 0 })
    await expect(store.awaitConfirmation()).rejects.toBeInstanceOf(SyncUnavailableError)
    await store.shutdown()
  })

  it('client-only events stay on their client', async () => {
    const server = await startServer()
    const [a, b] = await Promise.all([openClient(server.url), openClient(server.url)])
    a.commit(events.draftSet({ text: 'only mine' }), events.itemAdded({ id: 'x', text: 'shared' }))
    await waitForConvergence([a, b], 1)
    expect(a.query(drafts.select('text'))).toEqual(['only mine'])
    expect(b.query(drafts.select('text'))).toEqual([])
    expect(await eventlogOf(b)).toHaveLength(1)
  })

  it('a blocking initial sync boots with the backend events', async () => {
    const server = await startServer()
    const writer = await openClient(server.url)
    for (let i = 0; i < 50; i++) writer.commit(events.itemAdded({ id: `i${i}`, text: `${i}` }))
    await writer.awaitConfirmation()
    const reader = await openClient(server.url, { sync: { initialSyncOptions: { _tag: 'Blocking', timeout: 10_000 } } })
    expect(itemsOf(reader)).toHaveLength(50)
    const skipping = await openClient(server.url)
    expect(itemsOf(skipping)).toHaveLength(0)
  })

  it('a blocking initial sync gives up after its timeout when the backend is unreachable', async () => {
    const started = Date.now()
    const store = await openClient('ws://127.0.0.1:9/sync', { sync: { initialSyncOptions: { _tag: 'Blocking', timeout: 300 } } })
    expect(Date.now() - started).toBeGreaterThanOrEqual(290)
    store.commit(events.itemAdded({ id: 'a', text: 'offline' }))
    expect(itemsOf(store)).toHaveLength(1)
  })

  it('stops syncing when the backend was reset, keeps local data, and shuts down with onSyncError: shutdown', async () => {
    const directory = tempDirectory()
    const port = restartablePort(1)
    const first = await startServer({ port })
    const store = await openClient(first.url, { baseDirectory: directory })
    store.commit(events.itemAdded({ id: 'a', text: 'A' }))
    await store.awaitConfirmation()
    await store.shutdown()
    await first.close()

    await startServer({ port }) // a new, empty database: another backendId
    const errors: unknown[] = []
    const originalError = console.error
    console.error = (...args: unknown[]) => errors.push(args)
    try {
      const again = await openClient(first.url, { baseDirectory: directory })
      await waitFor(() => again.syncStatus().connection === 'failed', () => 'sync to fail')
      expect(again.syncStatus().error).toMatch(/the sync backend was reset/)
      expect(itemsOf(again)).toHaveLength(1)
      await expect(again.awaitConfirmation()).resolves.toBeUndefined()
      again.commit(events.itemAdded({ id: 'b', text: 'B' }))
      await expect(again.awaitConfirmation()).rejects.toBeInstanceOf(SyncUnavailableError)
      await again.shutdown()

      const strict = await openClient(first.url, { baseDirectory: directory, sync: { onSyncError: 'shutdown' } })
      await waitFor(() => {
        try {
          strict.syncStatus()
          return false
        } catch {
          return true
        }
      }, () => 'the store to shut down')
    } finally {
      console.error = originalError
    }
    expect(errors.some((args) => (args as unknown[]).some((arg) => arg instanceof BackendResetError))).toBe(true)
  })

  it('refuses a sync option without a backend, naming the problem', () => {
    expect(() => makeAdapter({ storage: { type: 'in-memory' }, sync: { backend: {} as never } })).toThrow(/sync.backend must be a sync backend/)
    expect(() =>
      makeAdapter({ storage: { type: 'in-memory' }, sync: { backend: testBackend('ws://127.0.0.1:9'), onSyncError: 'explode' as never } }),
    ).toThrow(/onSyncError must be 'ignore' or 'shutdown'/)
  })
})
