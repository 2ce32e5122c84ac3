import path from 'node:path'
import { makeWorkerAdapter } from '@cairn/adapter-node'
import { createStorePromise, type Store } from '@cairn/store'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { findPostgresBin, startPostgres, type PostgresServer } from '../support/postgres.mjs'
import { events, items, schema } from './fixtures/app.mjs'
import { ProcessGroup, startServerProcess } from './processes.js'
import { eventlogOf, itemsOf, openClient, startServer, tempDirectory, waitFor, waitForConvergence } from './support.js'

const processes = new ProcessGroup()
afterEach(() => processes.killAll())

describe('sync with the leader in a worker thread', () => {
  it('a worker client and an in-thread client converge, rebasing concurrent commits', async () => {
    const server = await startServer()
    const worker: Store<typeof schema> = await createStorePromise({
      schema,
      storeId: 'shared',
      adapter: makeWorkerAdapter({
        workerUrl: new URL('./fixtures/sync.worker.mjs', import.meta.url),
        storage: { type: 'fs', baseDirectory: tempDirectory() },
        workerOptions: { workerData: { url: server.url } },
      }),
    })
    try {
      const thread = await openClient(server.url)
      for (let i = 0; i < 20; i++) {
        worker.commit(events.itemAdded({ id: `w${i}`, text: `worker ${i}` }))
        thread.commit(events.itemAdded({ id: `t${i}`, text: `thread ${i}` }))
        if (i % 5 === 0) await new Promise((resolve) => setTimeout(resolve, 5))
      }
      await waitForConvergence([worker, thread], 40)
      expect(await eventlogOf(worker)).toEqual(await eventlogOf(thread))
      expect(itemsOf(worker)).toEqual(itemsOf(thread))
      expect(itemsOf(worker)).toHaveLength(40)
      await worker.awaitConfirmation()
    } finally {
      await worker.shutdown()
    }
  })
})

const pgBin = findPostgresBin()

describe.skipIf(pgBin === undefined)('sync through two server processes sharing Postgres', () => {
  let pg: PostgresServer
  beforeAll(async () => {
    pg = await startPostgres(pgBin!)
  }, 60_000)
  afterAll(() => pg?.stop())

  it('clients of either server converge live', async () => {
    const url = pg.createDatabase('clients')
    const [one, two] = await Promise.all([startServerProcess(processes, url), startServerProcess(processes, url)])
    expect(one.port).not.toBe(two.port)
    const clients = await Promise.all([one.url, one.url, two.url, two.url].map((serverUrl) => openClient(serverUrl)))
    const seenOnTwo: number[] = []
    clients[3]!.subscribe(items.count(), (count) => seenOnTwo.push(count as number))

    clients[0]!.commit(events.itemAdded({ id: 'first', text: 'through server one' }))
    await waitFor(() => seenOnTwo.at(-1) === 1, () => `the event to reach a client of server two; counts seen: ${seenOnTwo}`)

    for (let round = 0; round < 8; round++) {
      for (const [index, store] of clients.entries()) store.commit(events.itemAdded({ id: `c${index}-${round}`, text: `${round}` }))
      await new Promise((resolve) => setTimeout(resolve, round % 2))
    }
    await waitForConvergence(clients, 33)
    const logs = await Promise.all(clients.map(eventlogOf))
    for (const log of logs.slice(1)) expect(log).toEqual(logs[0])
    const states = clients.map(itemsOf)
    for (const state of states.slice(1)) expect(state).toEqual(states[0])
    expect(states[0]).toHaveLength(33)
  })
})
