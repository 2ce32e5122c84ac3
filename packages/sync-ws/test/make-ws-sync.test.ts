// makeWsSync against a real sync server (SQLite file in a temp dir, 127.0.0.1, free ports) and, for
// misbehaving servers, against fake WebSocket servers.
import type { SyncConnection, SyncConnectionStatus, SyncEvent, SyncEventBatch } from '@cairn/store/sync'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { cleanupTempDirs, makeEvents, readAll, startServer } from '../../sync-server/test/helpers.js'
import {
  InvalidPullError,
  InvalidPushError,
  InvalidWsSyncOptionsError,
  makeWsSync,
  SyncConnectionClosedError,
  SyncConnectionLostError,
  SyncProtocolError,
  SyncServerError,
  type WebSocketConstructor,
  type WsSyncOptions,
} from '../src/index.js'
import { onClientMessage, recordStatuses, SimClient, sleep, startFakeServer, until, welcomeFrame } from './helpers.js'

const connections: SyncConnection[] = []
const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  await Promise.all(connections.splice(0).map((connection) => connection.close()))
  for (const cleanup of cleanups.splice(0)) await cleanup()
})
afterAll(cleanupTempDirs)

const FAST = { backoff: { initialMs: 20, maxMs: 100 } } satisfies Partial<WsSyncOptions>

const connect = (url: string, clientId: string, options: Partial<WsSyncOptions> = {}, extra: { storeId?: string; payload?: unknown; installId?: string } = {}) => {
  const connection = makeWsSync({ url, ...FAST, ...options }).connect({
    storeId: extra.storeId ?? 'store',
    clientId,
    installId: extra.installId ?? `install-${clientId}`,
    payload: extra.payload,
  })
  connections.push(connection)
  return connection
}

const server = async (options: Parameters<typeof startServer>[0] = {}) => {
  const started = await startServer(options)
  cleanups.push(() => started.close())
  return started
}

const expectConsecutive = (events: readonly SyncEvent[]) => {
  expect(events.map((e) => e.seqNum)).toEqual(Array.from({ length: events.length }, (_, i) => i + 1))
}

describe('makeWsSync with a real server', () => {
  it('runs on Node 20 without a global WebSocket (the ws package is loaded)', () => {
    expect((globalThis as { WebSocket?: unknown }).WebSocket).toBeUndefined()
  })

  it.each([2, 3])('%i clients pushing concurrently see the same events in the same order', async (count) => {
    const { url } = await server()
    const clients = Array.from({ length: count }, (_, i) => new SimClient(connect(url, `c${i}`), `c${i}`))
    for (let round = 0; round < 5; round++) {
      for (const client of clients) client.commit(1 + ((round + clients.indexOf(client)) % 3))
      await Promise.all(clients.map((client) => client.sync()))
    }
    const stored = await readAll(url, 'store')
    const total = clients.reduce((n, _, i) => n + [0, 1, 2, 3, 4].reduce((m, round) => m + 1 + ((round + i) % 3), 0), 0)
    expect(stored).toHaveLength(total)
    expectConsecutive(stored)
    await until(() => clients.every((client) => client.delivered.length === total), 'every client to pull everything')
    for (const client of clients) expect(client.delivered).toEqual(stored)
    expect(clients.reduce((n, client) => n + client.rejections, 0)).toBeGreaterThan(0)
  })

  it('reports connecting then connected with the backendId and head; batches carry head and caughtUp', async () => {
    const { url } = await server()
    const writer = connect(url, 'w')
    expect(await writer.push(makeEvents(1, 2, 'w'))).toEqual({ ok: true, head: 2 })
    const reader = connect(url, 'r')
    const statuses = recordStatuses(reader)
    const batches: SyncEventBatch[] = []
    reader.onEvents((batch) => batches.push(batch))
    reader.pull(1)
    await until(() => batches.length === 1, 'the first batch')
    expect(statuses).toEqual([
      { state: 'connecting', attempt: 1 },
      { state: 'connected', backendId: expect.stringMatching(/^[0-9a-f-]{36}$/), head: 2 },
    ])
    expect(batches).toEqual([{ events: makeEvents(2, 2, 'w'), head: 2, caughtUp: true }])
    // A listener added later first hears the current status.
    const late: SyncConnectionStatus[] = []
    reader.onStatus((status) => late.push(status))
    expect(late).toEqual([statuses[1]])
  })

  it('a push on a stale parent resolves with the rejection and the missing events', async () => {
    const { url } = await server({ limits: { maxEventsPerBatch: 2 } })
    const a = connect(url, 'a')
    expect(await a.push(makeEvents(1, 3, 'a'))).toEqual({ ok: true, head: 3 })
    const b = connect(url, 'b')
    expect(await b.push(makeEvents(1, 1, 'b'))).toEqual({ ok: false, reason: 'parent-mismatch', head: 3, missing: makeEvents(1, 2, 'a'), more: true })
    expect(await b.push(makeEvents(3, 3, 'b'))).toEqual({ ok: false, reason: 'parent-mismatch', head: 3, missing: makeEvents(3, 3, 'a'), more: false })
    expect(await b.push(makeEvents(4, 4, 'b'))).toEqual({ ok: true, head: 4 })
  })

  it('server restart on the same port and db file: clients reconnect and resume without gaps or duplicates', async () => {
    const first = await startServer()
    const { port, db } = first
    const clients = [0, 1, 2].map((i) => new SimClient(connect(first.url, `c${i}`), `c${i}`))
    const statuses = recordStatuses(clients[0]!.connection)
    for (const client of clients) client.commit(3)
    await Promise.all(clients.map((client) => client.sync()))
    await until(() => clients.every((client) => client.delivered.length === 9), 'the first 9 events everywhere')

    await first.close()
    await until(() => statuses.some((s) => s.state === 'disconnected'), 'a disconnected status')
    // Offline: commits keep coming; pushes fail with a typed error until the server is back.
    for (const client of clients) client.commit(2)
    await expect(clients[1]!.connection.push(makeEvents(10, 10, 'c1'))).rejects.toBeInstanceOf(SyncConnectionLostError)

    const second = await startServer({ port, db })
    cleanups.push(() => second.close())
    await Promise.all(clients.map((client) => client.sync()))
    await until(() => clients.every((client) => client.delivered.length === 15), 'all 15 events everywhere')
    const stored = await readAll(second.url, 'store')
    expectConsecutive(stored)
    expect(stored).toHaveLength(15)
    for (const client of clients) expect(client.delivered).toEqual(stored)
    const states = statuses.map((s) => s.state)
    expect(states.slice(0, 3)).toEqual(['connecting', 'connected', 'disconnected'])
    expect(states.at(-1)).toBe('connected')
    const connected = statuses.filter((s): s is Extract<SyncConnectionStatus, { state: 'connected' }> => s.state === 'connected')
    expect(new Set(connected.map((s) => s.backendId)).size).toBe(1)
    expect(statuses.find((s) => s.state === 'disconnected')).toMatchObject({ error: expect.any(SyncConnectionLostError) })
  })

  it('pushes made while connecting wait for the welcome; a push larger than the limits is refused locally', async () => {
    const { url } = await server({ limits: { maxEventsPerPush: 5, maxMessageBytes: 8192 } })
    const client = connect(url, 'c')
    const early = client.push(makeEvents(1, 2, 'c'))
    expect(await early).toEqual({ ok: true, head: 2 })
    const many = await client.push(makeEvents(3, 8, 'c')).catch((e: unknown) => e)
    expect(many).toBeInstanceOf(InvalidPushError)
    expect((many as Error).message).toContain("maxEventsPerPush (5)")
    const big = makeEvents(3, 3, 'c').map((e) => ({ ...e, args: { text: 'é'.repeat(5000) } }))
    const large = await client.push(big).catch((e: unknown) => e)
    expect(large).toBeInstanceOf(InvalidPushError)
    expect((large as Error).message).toContain('maxMessageBytes (8192)')
    expect(await client.push(makeEvents(3, 3, 'c'))).toEqual({ ok: true, head: 3 })
  })

  it('bad calls get typed errors and send nothing', async () => {
    const { url } = await server()
    const client = connect(url, 'c')
    await expect(client.push([])).rejects.toBeInstanceOf(InvalidPushError)
    await expect(client.push([...makeEvents(1, 1, 'c'), ...makeEvents(3, 3, 'c')])).rejects.toThrow(/parentSeqNum 2 is not the previous event's seqNum 1/)
    await expect(client.push(makeEvents(1, 1, 'someone-else'))).rejects.toThrow(/clientId "someone-else"/)
    expect(() => client.pull(-1)).toThrow(InvalidPullError)
    expect(() => client.pull(1.5)).toThrow(InvalidPullError)
    client.pull(0)
    expect(() => client.pull(0)).toThrow(InvalidPullError)
    expect(await readAll(url, 'store')).toEqual([])
  })

  it('sends pings while idle, so the server does not close it for silence', async () => {
    const { url } = await server({ idleTimeoutMs: 600 })
    const pinging = connect(url, 'p', { pingIntervalMs: 100 })
    const silent = connect(url, 's', { pingIntervalMs: 5000 })
    const pingingStatuses = recordStatuses(pinging)
    const silentStatuses = recordStatuses(silent)
    await until(() => silentStatuses.some((s) => s.state === 'disconnected'), 'the silent connection to be closed')
    await sleep(300)
    expect(pingingStatuses.map((s) => s.state)).toEqual(['connecting', 'connected'])
    expect(silentStatuses.map((s) => s.state)).toContain('disconnected')
    expect(silentStatuses.find((s) => s.state === 'disconnected')).toMatchObject({ error: expect.objectContaining({ closeCode: 4408 }) })
  })

  it('close() rejects pushes waiting for an answer, stops reconnecting, and later pushes reject', async () => {
    const { url } = await server({ validatePayload: () => new Promise((resolve) => setTimeout(resolve, 200)) })
    const client = connect(url, 'c')
    const statuses = recordStatuses(client)
    const waiting = client.push(makeEvents(1, 1, 'c'))
    await client.close()
    await expect(waiting).rejects.toBeInstanceOf(SyncConnectionClosedError)
    await expect(client.push(makeEvents(1, 1, 'c'))).rejects.toBeInstanceOf(SyncConnectionClosedError)
    const count = statuses.length
    await sleep(300)
    expect(statuses.length).toBe(count)
    expect(await readAll(url, 'store')).toEqual([])
  })

  it('uses the WebSocket class it is given', async () => {
    const { url } = await server()
    const { WebSocket } = await import('ws')
    let created = 0
    class Counting extends WebSocket {
      constructor(address: string) {
        super(address)
        created++
      }
    }
    const client = connect(url, 'c', { WebSocket: Counting as unknown as WebSocketConstructor })
    expect(await client.push(makeEvents(1, 1, 'c'))).toEqual({ ok: true, head: 1 })
    expect(created).toBe(1)
  })
})

describe('makeWsSync: refusals stop it for good (failed)', () => {
  const expectFailed = async (connection: SyncConnection, code: string) => {
    const statuses = recordStatuses(connection)
    await until(() => statuses.some((s) => s.state === 'failed'), 'a failed status')
    const failed = statuses.find((s) => s.state === 'failed') as Extract<SyncConnectionStatus, { state: 'failed' }>
    expect(failed.error).toBeInstanceOf(SyncServerError)
    expect(failed.error).toMatchObject({ code, fatal: true })
    await sleep(150)
    expect(statuses.at(-1)).toBe(failed) // no reconnect after failed
    await expect(connection.push(makeEvents(1, 1, 'c'))).rejects.toBe(failed.error)
    return failed.error as SyncServerError
  }

  it('unauthorized', async () => {
    const { url } = await server({
      validatePayload: (payload) => {
        if ((payload as { token?: string } | undefined)?.token !== 'good') throw new Error('bad token')
      },
    })
    const error = await expectFailed(connect(url, 'c', {}, { payload: { token: 'bad' } }), 'unauthorized')
    expect(error.serverMessage).toContain('bad token')
    const ok = connect(url, 'd', {}, { payload: { token: 'good' } })
    expect(await ok.push(makeEvents(1, 1, 'd'))).toEqual({ ok: true, head: 1 })
  })

  it('client-id-taken', async () => {
    const { url } = await server()
    const owner = connect(url, 'dup', {}, { installId: 'one' })
    expect(await owner.push(makeEvents(1, 1, 'dup'))).toEqual({ ok: true, head: 1 })
    await expectFailed(connect(url, 'dup', {}, { installId: 'two' }), 'client-id-taken')
  })

  it('invalid-store-id (checked before connecting)', async () => {
    const fake = await startFakeServer(() => {})
    cleanups.push(() => fake.close())
    await expectFailed(connect(fake.url, 'c', {}, { storeId: 'not valid!' }), 'invalid-store-id')
    expect(fake.connections).toBe(0)
  })

  it('version-mismatch, from the server or in what the server sends', async () => {
    const refusing = await startFakeServer((ws) =>
      onClientMessage(ws, () => {
        ws.send(JSON.stringify({ v: 1, type: 'error', code: 'version-mismatch', message: 'this server speaks version 2' }))
        ws.close(4426)
      }),
    )
    const newer = await startFakeServer((ws) => onClientMessage(ws, () => ws.send(JSON.stringify({ v: 2, type: 'welcome' }))))
    cleanups.push(() => refusing.close(), () => newer.close())
    await expectFailed(connect(refusing.url, 'c'), 'version-mismatch')
    await expectFailed(connect(newer.url, 'c'), 'version-mismatch')
  })
})

describe('makeWsSync against misbehaving servers', () => {
  it('backs off exponentially with jitter, capped, while the server is unreachable', async () => {
    const fake = await startFakeServer(() => {})
    const port = fake.port
    await fake.close()
    const client = connect(`ws://127.0.0.1:${port}/sync`, 'c', { backoff: { initialMs: 40, maxMs: 160 } })
    const statuses = recordStatuses(client)
    await until(() => statuses.filter((s) => s.state === 'disconnected').length >= 5, 'five failed attempts')
    const attempts = statuses.filter((s) => s.state === 'connecting').map((s) => (s as { attempt: number }).attempt)
    expect(attempts.slice(0, 5)).toEqual([1, 2, 3, 4, 5])
    const delays = statuses.filter((s) => s.state === 'disconnected').map((s) => (s as { retryInMs: number }).retryInMs)
    const caps = [40, 80, 160, 160, 160]
    delays.slice(0, 5).forEach((delay, i) => {
      expect(delay).toBeGreaterThanOrEqual(caps[i]! / 2)
      expect(delay).toBeLessThanOrEqual(caps[i]!)
    })
    expect(statuses.find((s) => s.state === 'disconnected')).toMatchObject({ error: expect.any(Error) })
  })

  it('a push in flight when the connection drops rejects with SyncConnectionLostError; the connection comes back', async () => {
    const fake = await startFakeServer((ws) =>
      onClientMessage(ws, (message) => {
        if (message.type === 'hello') ws.send(welcomeFrame())
        if (message.type === 'push') ws.terminate()
      }),
    )
    cleanups.push(() => fake.close())
    const client = connect(fake.url, 'c')
    const statuses = recordStatuses(client)
    const error = await client.push(makeEvents(1, 1, 'c')).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SyncConnectionLostError)
    expect(error).toMatchObject({ _tag: 'SyncConnectionLostError', closeCode: 1006 })
    await until(() => statuses.filter((s) => s.state === 'connected').length === 2, 'a second connection')
  })

  it('drops a silent connection when a ping gets no answer, and reconnects', async () => {
    const fake = await startFakeServer((ws) =>
      onClientMessage(ws, (message) => {
        if (message.type === 'hello') ws.send(welcomeFrame())
      }),
    )
    cleanups.push(() => fake.close())
    const client = connect(fake.url, 'c', { pingIntervalMs: 50, pongTimeoutMs: 100 })
    const statuses = recordStatuses(client)
    await until(() => statuses.some((s) => s.state === 'disconnected'), 'a disconnect', 3000)
    expect(statuses.find((s) => s.state === 'disconnected')).toMatchObject({ error: expect.objectContaining({ message: expect.stringContaining('No answer to ping') }) })
    await until(() => fake.connections >= 2, 'a reconnect')
  })

  it('when a server skips events, drops the connection and resumes from the last event it delivered', async () => {
    const cursors: number[] = []
    const fake = await startFakeServer((ws) =>
      onClientMessage(ws, (message) => {
        if (message.type === 'hello') ws.send(welcomeFrame(5))
        if (message.type !== 'pull') return
        cursors.push(message.cursor)
        const reply = (events: SyncEvent[]) => ws.send(JSON.stringify({ v: 1, type: 'events', requestId: message.requestId, events, head: 5, caughtUp: false }))
        if (cursors.length === 1) {
          reply(makeEvents(1, 2))
          reply(makeEvents(4, 5)) // event 3 is missing
        } else {
          reply(makeEvents(3, 5))
        }
      }),
    )
    cleanups.push(() => fake.close())
    const client = connect(fake.url, 'c')
    const statuses = recordStatuses(client)
    const delivered: SyncEvent[] = []
    client.onEvents((batch) => delivered.push(...batch.events))
    client.pull(0)
    await until(() => delivered.length === 5, 'five events')
    expect(delivered).toEqual(makeEvents(1, 5))
    expect(cursors).toEqual([0, 2])
    expect(statuses.find((s) => s.state === 'disconnected')).toMatchObject({ error: expect.any(SyncProtocolError) })
  })
})

describe('makeWsSync options', () => {
  it('refuses unusable options with InvalidWsSyncOptionsError', () => {
    for (const options of [
      { url: 'not a url' },
      { url: 'http://localhost:8787/sync' },
      { url: 'ws://localhost/sync', pingIntervalMs: 0 },
      { url: 'ws://localhost/sync', backoff: { initialMs: -1 } },
      { url: 'ws://localhost/sync', backoff: { factor: 0.5 } },
      { url: 'ws://localhost/sync', WebSocket: 'ws' },
    ]) {
      expect(() => makeWsSync(options as WsSyncOptions), JSON.stringify(options)).toThrow(InvalidWsSyncOptionsError)
    }
  })
})
