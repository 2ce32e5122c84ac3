// Several sync servers sharing one PostgreSQL database (a real PostgreSQL server started for the test):
// a push accepted by one reaches the live clients of the others (LISTEN/NOTIFY), and pushes through
// different servers are still appended one at a time per store.
import type { PushAckMessage, PushRejectedMessage, SyncEvent } from '@cairn/store/sync'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSyncServer, openPostgresStorage, type SyncServer } from '../src/index.js'
import { makeEvents, RawClient, readAll } from './helpers.js'
import { findPostgresBin, startPostgres, type PostgresServer } from '../../../test/support/postgres.mjs'

const pgBin = findPostgresBin()
if (pgBin === undefined) console.warn('[postgres.test] PostgreSQL binaries not found under /usr/lib/postgresql/*/bin: multi-server tests skipped.')

let pg: PostgresServer | undefined
beforeAll(async () => {
  if (pgBin !== undefined) pg = await startPostgres(pgBin)
}, 120_000)
afterAll(() => pg?.stop())

const startServers = async (url: string, count: number): Promise<SyncServer[]> =>
  Promise.all(Array.from({ length: count }, async () => createSyncServer({ storage: await openPostgresStorage({ url }) })))

describe.skipIf(pgBin === undefined)('sync servers sharing Postgres', () => {
  it('a push accepted by one server reaches live pulls on the others, in order, without duplicates', async () => {
    const servers = await startServers(pg!.createDatabase('fanout'), 3)
    const clients: RawClient[] = []
    try {
      for (const [i, server] of servers.entries()) {
        const client = await RawClient.welcomed(server.url, { storeId: 'shared', clientId: `c${i}`, installId: `i${i}` })
        client.send({ v: 1, type: 'pull', requestId: 'live', cursor: 0, live: true })
        expect((await client.nextOf('events')).caughtUp).toBe(true)
        clients.push(client)
      }
      const [a, b, c] = clients as [RawClient, RawClient, RawClient]
      a.send({ v: 1, type: 'push', requestId: 'a1', events: makeEvents(1, 2, 'c0') })
      expect(await a.nextOf('pushAck')).toMatchObject({ head: 2 })
      b.send({ v: 1, type: 'push', requestId: 'b1', events: makeEvents(3, 3, 'c1') })
      expect(await b.nextOf('pushAck')).toMatchObject({ head: 3 })
      c.send({ v: 1, type: 'push', requestId: 'c1', events: makeEvents(1, 1, 'c2') })
      expect(await c.nextOf('pushRejected')).toMatchObject({ head: 3, missing: [...makeEvents(1, 2, 'c0'), ...makeEvents(3, 3, 'c1')] })
      const expected = [...makeEvents(1, 2, 'c0'), ...makeEvents(3, 3, 'c1')]
      // Every live pull, on whichever server, got events 1…3 exactly once and in order.
      const liveEvents = (client: RawClient) =>
        client.messages.flatMap((m) => (m.type === 'events' ? m.events : [])) as SyncEvent[]
      const deadline = Date.now() + 5000
      while (clients.some((client) => liveEvents(client).length < expected.length) && Date.now() < deadline) await a.drain(20)
      await a.drain(100)
      for (const client of clients) expect(liveEvents(client)).toEqual(expected)
    } finally {
      for (const client of clients) client.close()
      await Promise.all(servers.map((server) => server.close()))
    }
  })

  it('concurrent pushes through different servers: one accepted per parent, no gap or duplicate', async () => {
    const servers = await startServers(pg!.createDatabase('race'), 3)
    const writers: RawClient[] = []
    try {
      for (let i = 0; i < 6; i++) {
        writers.push(await RawClient.welcomed(servers[i % 3]!.url, { storeId: 'race', clientId: `w${i}`, installId: `i${i}` }))
      }
      const observer = await RawClient.welcomed(servers[2]!.url, { storeId: 'race', clientId: 'obs', installId: 'obs' })
      writers.push(observer)
      observer.send({ v: 1, type: 'pull', requestId: 'live', cursor: 0, live: true })
      await observer.nextOf('events')
      const parents = new Set<number>()
      await Promise.all(
        writers.slice(0, 6).map(async (writer, w) => {
          let head = 0
          for (let done = 0, request = 0; done < 5; ) {
            const requestId = `r${request++}`
            writer.send({ v: 1, type: 'push', requestId, events: makeEvents(head + 1, head + 2, `w${w}`) })
            let answer: PushAckMessage | PushRejectedMessage
            do answer = (await writer.next(20_000)) as PushAckMessage | PushRejectedMessage
            while (answer.requestId !== requestId)
            if (answer.type === 'pushAck') {
              expect(parents.has(head)).toBe(false)
              parents.add(head)
              done++
            }
            head = answer.head
          }
        }),
      )
      const total = 6 * 5 * 2
      const stored = await readAll(servers[1]!.url, 'race')
      expect(stored.map((e) => e.seqNum)).toEqual(Array.from({ length: total }, (_, i) => i + 1))
      const live: SyncEvent[] = []
      while (live.length < total) live.push(...(await observer.nextOf('events', 20_000)).events)
      expect(live).toEqual(stored)
    } finally {
      for (const writer of writers) writer.close()
      await Promise.all(servers.map((server) => server.close()))
    }
  })

  it('after the LISTEN connection was cut, a server catches its live pulls up with what it missed', async () => {
    const url = pg!.createDatabase('resync')
    const servers = await startServers(url, 2)
    const admin = postgres(url, { onnotice: () => {} })
    const clients: RawClient[] = []
    try {
      const writer = await RawClient.welcomed(servers[0]!.url, { storeId: 's', clientId: 'w', installId: 'iw' })
      const reader = await RawClient.welcomed(servers[1]!.url, { storeId: 's', clientId: 'r', installId: 'ir' })
      clients.push(writer, reader)
      reader.send({ v: 1, type: 'pull', requestId: 'live', cursor: 0, live: true })
      await reader.nextOf('events')
      // Cut every LISTEN connection, push while they are down, then wait for the reader to catch up.
      const killed = await admin`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query ILIKE 'listen%' AND pid <> pg_backend_pid()`
      expect(killed.length).toBeGreaterThanOrEqual(2)
      writer.send({ v: 1, type: 'push', requestId: 'p', events: makeEvents(1, 2, 'w') })
      expect(await writer.nextOf('pushAck')).toMatchObject({ head: 2 })
      const batch = await reader.nextOf('events', 15_000)
      expect(batch.events).toEqual(makeEvents(1, 2, 'w'))
    } finally {
      for (const client of clients) client.close()
      await admin.end()
      await Promise.all(servers.map((server) => server.close()))
    }
  }, 30_000)
})
