// The sync server against raw protocol clients: what docs/protocol.md promises, message by message.
import { DEFAULT_LIMITS, type SyncEvent } from '@cairn/store/sync'
import { describe, expect, it } from 'vitest'
import { createSyncServer, InvalidSyncServerOptionsError, openPostgresStorage, openSqliteStorage, SyncStorageClosedError, type SyncServerOptions } from '../src/index.js'
import { makeEvents, RawClient, readAll, startServer, tempDir, trackServersAndClients } from './helpers.js'

const { server, welcomed, clients } = trackServersAndClients()
const seqNums = (events: readonly SyncEvent[]) => events.map((event) => event.seqNum)

describe('sync server: HTTP', () => {
  it('GET /health answers 200 {"ok":true,"version":1}; other paths 404; upgrades elsewhere than /sync are refused', async () => {
    const { port, url, host } = await server()
    expect(url).toBe(`ws://127.0.0.1:${port}/sync`)
    expect(host).toBe('127.0.0.1')
    const health = await fetch(`http://127.0.0.1:${port}/health`)
    expect(health.status).toBe(200)
    expect(health.headers.get('content-type')).toBe('application/json')
    expect(await health.json()).toEqual({ ok: true, version: 1 })
    expect((await fetch(`http://127.0.0.1:${port}/nope`)).status).toBe(404)
    await expect(RawClient.open(`ws://127.0.0.1:${port}/other`)).rejects.toThrow(/404/)
    // A query string does not change the path.
    const client = await RawClient.open(`${url}?token=x`)
    clients.push(client)
  })

  it('onRequest answers the other requests (an app served from the same origin); a handler that throws gets a 500 and onError', async () => {
    const errors: unknown[] = []
    const { port, url } = await server({
      onRequest: (request, response) => {
        if (request.url === '/boom') throw new Error('handler failed')
        response.writeHead(200, { 'content-type': 'text/plain' }).end(`app ${request.method} ${request.url}`)
      },
      onError: (error) => errors.push(error),
    })
    expect(await (await fetch(`http://127.0.0.1:${port}/index.html`)).text()).toBe('app GET /index.html')
    // The server's own endpoints still win.
    expect(await (await fetch(`http://127.0.0.1:${port}/health`)).json()).toEqual({ ok: true, version: 1 })
    clients.push(await RawClient.open(url))
    expect((await fetch(`http://127.0.0.1:${port}/boom`)).status).toBe(500)
    expect(errors).toEqual([new Error('handler failed')])
    await expect(server({ onRequest: 'index.html' as never })).rejects.toThrow(/onRequest must be a function/)
  })
})

describe('sync server: hello', () => {
  it('welcomes with a backendId, the head and the limits; the backendId is stable per store and differs between stores', async () => {
    const { url } = await server({ limits: { maxEventsPerBatch: 10 } })
    const a = await RawClient.open(url)
    clients.push(a)
    a.send({ v: 1, type: 'hello', storeId: 'store-a', clientId: 'c1', installId: 'i1', payload: { token: 't' } })
    const welcome = await a.next()
    expect(welcome).toEqual({
      v: 1,
      type: 'welcome',
      backendId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      head: 0,
      limits: { ...DEFAULT_LIMITS, maxEventsPerBatch: 10 },
    })
    const again = await welcomed(url, { storeId: 'store-a', clientId: 'c2', installId: 'i2' })
    const other = await welcomed(url, { storeId: 'store-b', clientId: 'c3', installId: 'i3' })
    expect((again.messages[0] as { backendId: string }).backendId).toBe((welcome as { backendId: string }).backendId)
    expect((other.messages[0] as { backendId: string }).backendId).not.toBe((welcome as { backendId: string }).backendId)
  })

  it('validatePayload may be async and sees the payload, storeId, clientId, installId and the upgrade headers', async () => {
    const seen: unknown[] = []
    const { url } = await server({
      validatePayload: async (payload, context) => {
        await new Promise((resolve) => setTimeout(resolve, 20))
        seen.push({ payload, storeId: context.storeId, clientId: context.clientId, installId: context.installId, host: context.headers.host })
      },
    })
    await welcomed(url, { storeId: 's', clientId: 'c', installId: 'i', payload: { authToken: 'abc' } })
    expect(seen).toEqual([{ payload: { authToken: 'abc' }, storeId: 's', clientId: 'c', installId: 'i', host: expect.stringMatching(/^127\.0\.0\.1:\d+$/) }])
  })
})

describe('sync server: push and pull', () => {
  it('appends a push whose parent is the head, acknowledges it with the new head, and a pull returns the events as sent', async () => {
    const { url } = await server()
    const client = await welcomed(url, { storeId: 's' })
    const events = makeEvents(1, 3)
    client.send({ v: 1, type: 'push', requestId: 'p1', events })
    expect(await client.next()).toEqual({ v: 1, type: 'pushAck', requestId: 'p1', head: 3 })
    client.send({ v: 1, type: 'push', requestId: 'p2', events: makeEvents(4, 4) })
    expect(await client.next()).toEqual({ v: 1, type: 'pushAck', requestId: 'p2', head: 4 })
    client.send({ v: 1, type: 'pull', requestId: 'r1', cursor: 0, live: false })
    expect(await client.next()).toEqual({ v: 1, type: 'events', requestId: 'r1', events: makeEvents(1, 4), head: 4, caughtUp: true })
    client.send({ v: 1, type: 'pull', requestId: 'r2', cursor: 2, live: false })
    expect(await client.next()).toEqual({ v: 1, type: 'events', requestId: 'r2', events: makeEvents(3, 4), head: 4, caughtUp: true })
  })

  it('a pull of an empty store, or from the head, gets one empty batch with caughtUp', async () => {
    const { url } = await server()
    const client = await welcomed(url, { storeId: 's' })
    client.send({ v: 1, type: 'pull', requestId: 'r', cursor: 0, live: false })
    expect(await client.next()).toEqual({ v: 1, type: 'events', requestId: 'r', events: [], head: 0, caughtUp: true })
    expect(await client.drain(50)).toEqual([])
  })

  it('delivers a long eventlog in batches of maxEventsPerBatch; only the batch reaching the head says caughtUp', async () => {
    const { url } = await server({ limits: { maxEventsPerBatch: 100, maxEventsPerPush: 1000 } })
    const writer = await welcomed(url, { storeId: 's' })
    writer.send({ v: 1, type: 'push', requestId: 'p', events: makeEvents(1, 250) })
    expect((await writer.next()).type).toBe('pushAck')
    const reader = await welcomed(url, { storeId: 's', clientId: 'reader', installId: 'ri' })
    reader.send({ v: 1, type: 'pull', requestId: 'r', cursor: 0, live: false })
    const batches = [await reader.nextOf('events'), await reader.nextOf('events'), await reader.nextOf('events')]
    expect(batches.map((b) => [b.events.length, b.events[0]?.seqNum, b.head, b.caughtUp])).toEqual([
      [100, 1, 250, false],
      [100, 101, 250, false],
      [50, 201, 250, true],
    ])
    expect(await reader.drain(50)).toEqual([])
  })

  it('cuts batches that would be larger than maxMessageBytes', async () => {
    const maxMessageBytes = 8192
    const { url } = await server({ limits: { maxMessageBytes } })
    const writer = await welcomed(url, { storeId: 's' })
    const big = (from: number, to: number) => makeEvents(from, to).map((e) => ({ ...e, args: { text: 'x'.repeat(2000) } }))
    for (let i = 0; i < 5; i++) {
      writer.send({ v: 1, type: 'push', requestId: `p${i}`, events: big(i * 2 + 1, i * 2 + 2) })
      expect((await writer.nextOf('pushAck')).head).toBe(i * 2 + 2)
    }
    const reader = await welcomed(url, { storeId: 's', clientId: 'r', installId: 'ri' })
    reader.send({ v: 1, type: 'pull', requestId: 'r', cursor: 0, live: false })
    const received: SyncEvent[] = []
    for (;;) {
      const batch = await reader.nextOf('events')
      expect(Buffer.byteLength(JSON.stringify(batch))).toBeLessThanOrEqual(maxMessageBytes)
      expect(batch.events.length).toBeGreaterThan(0)
      received.push(...batch.events)
      if (batch.caughtUp) break
    }
    expect(seqNums(received)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    expect(reader.messages.filter((m) => m.type === 'events').length).toBeGreaterThan(2)
  })

  it('a live pull catches up, then gets every accepted push: other clients and the pusher (after its pushAck)', async () => {
    const { url } = await server()
    const a = await welcomed(url, { storeId: 's', clientId: 'a', installId: 'ia' })
    const b = await welcomed(url, { storeId: 's', clientId: 'b', installId: 'ib' })
    a.send({ v: 1, type: 'push', requestId: 'a1', events: makeEvents(1, 2, 'a') })
    await a.nextOf('pushAck')
    for (const client of [a, b]) client.send({ v: 1, type: 'pull', requestId: 'live', cursor: 0, live: true })
    for (const client of [a, b]) {
      expect(await client.next()).toEqual({ v: 1, type: 'events', requestId: 'live', events: makeEvents(1, 2, 'a'), head: 2, caughtUp: true })
    }
    b.send({ v: 1, type: 'push', requestId: 'b1', events: makeEvents(3, 5, 'b') })
    expect(await b.next()).toEqual({ v: 1, type: 'pushAck', requestId: 'b1', head: 5 })
    expect(await b.next()).toEqual({ v: 1, type: 'events', requestId: 'live', events: makeEvents(3, 5, 'b'), head: 5, caughtUp: true })
    expect(await a.next()).toEqual({ v: 1, type: 'events', requestId: 'live', events: makeEvents(3, 5, 'b'), head: 5, caughtUp: true })
  })

  it('a non-live pull ends when it caught up; a new pull replaces the previous one', async () => {
    const { url } = await server()
    const a = await welcomed(url, { storeId: 's', clientId: 'a', installId: 'ia' })
    const b = await welcomed(url, { storeId: 's', clientId: 'b', installId: 'ib' })
    b.send({ v: 1, type: 'pull', requestId: 'once', cursor: 0, live: false })
    expect((await b.nextOf('events')).caughtUp).toBe(true)
    a.send({ v: 1, type: 'push', requestId: 'a1', events: makeEvents(1, 1, 'a') })
    await a.nextOf('pushAck')
    expect(await b.drain(100)).toEqual([])
    b.send({ v: 1, type: 'pull', requestId: 'first', cursor: 0, live: true })
    expect((await b.nextOf('events')).requestId).toBe('first')
    b.send({ v: 1, type: 'pull', requestId: 'second', cursor: 1, live: true })
    expect(await b.next()).toEqual({ v: 1, type: 'events', requestId: 'second', events: [], head: 1, caughtUp: true })
    a.send({ v: 1, type: 'push', requestId: 'a2', events: makeEvents(2, 2, 'a') })
    await a.nextOf('pushAck')
    const after = await b.drain(100)
    expect(after).toEqual([{ v: 1, type: 'events', requestId: 'second', events: makeEvents(2, 2, 'a'), head: 2, caughtUp: true }])
  })

  it('a push on a stale parent is rejected with the missing events; more says whether they reach the head', async () => {
    const { url } = await server({ limits: { maxEventsPerBatch: 3 } })
    const a = await welcomed(url, { storeId: 's', clientId: 'a', installId: 'ia' })
    a.send({ v: 1, type: 'push', requestId: 'a1', events: makeEvents(1, 5, 'a') })
    await a.nextOf('pushAck')
    const b = await welcomed(url, { storeId: 's', clientId: 'b', installId: 'ib' })
    b.send({ v: 1, type: 'push', requestId: 'b1', events: makeEvents(4, 4, 'b') })
    expect(await b.next()).toEqual({
      v: 1,
      type: 'pushRejected',
      requestId: 'b1',
      reason: 'parent-mismatch',
      head: 5,
      missing: makeEvents(4, 5, 'a'),
      more: false,
    })
    b.send({ v: 1, type: 'push', requestId: 'b2', events: makeEvents(1, 2, 'b') })
    expect(await b.next()).toEqual({ v: 1, type: 'pushRejected', requestId: 'b2', reason: 'parent-mismatch', head: 5, missing: makeEvents(1, 3, 'a'), more: true })
    // A parent above the head (the client knows events this backend does not): nothing missing, the head tells.
    b.send({ v: 1, type: 'push', requestId: 'b3', events: makeEvents(9, 9, 'b') })
    expect(await b.next()).toEqual({ v: 1, type: 'pushRejected', requestId: 'b3', reason: 'parent-mismatch', head: 5, missing: [], more: false })
    // Rebased on the head, the push goes through.
    b.send({ v: 1, type: 'push', requestId: 'b4', events: makeEvents(6, 7, 'b') })
    expect(await b.next()).toEqual({ v: 1, type: 'pushAck', requestId: 'b4', head: 7 })
    expect(seqNums(await readAll(url, 's'))).toEqual([1, 2, 3, 4, 5, 6, 7])
  })

  it('a live client that stops reading gets every event, in order, once it reads again', async () => {
    const maxMessageBytes = 16 * 1024
    const { url } = await server({ limits: { maxMessageBytes, maxMessagesPerSecond: 100_000 } })
    const writer = await welcomed(url, { storeId: 's', clientId: 'w', installId: 'iw' })
    const slow = await welcomed(url, { storeId: 's', clientId: 'slow', installId: 'is' })
    slow.send({ v: 1, type: 'pull', requestId: 'live', cursor: 0, live: true })
    await slow.nextOf('events')
    slow.ws.pause()
    // About 8 MB of events while the reader does not read: far more than the server buffers per client
    // (live events go through the pump once 4 × maxMessageBytes wait unsent).
    const text = 'x'.repeat(8000)
    for (let i = 0; i < 1000; i++) {
      writer.send({ v: 1, type: 'push', requestId: `p${i}`, events: makeEvents(i + 1, i + 1, 'w').map((e) => ({ ...e, args: { text } })) })
      expect((await writer.nextOf('pushAck')).head).toBe(i + 1)
    }
    slow.ws.resume()
    const received: SyncEvent[] = []
    while (received.length < 1000) received.push(...(await slow.nextOf('events', 20_000)).events)
    expect(seqNums(received)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1))
  }, 60_000)

  it('answers ping with pong carrying the same id', async () => {
    const { url } = await server()
    const client = await welcomed(url, { storeId: 's' })
    client.send({ v: 1, type: 'ping', id: 'hb-1' })
    expect(await client.next()).toEqual({ v: 1, type: 'pong', id: 'hb-1' })
  })

  it('stores events as the protocol defines them: unknown fields are dropped, args kept as sent', async () => {
    const { url } = await server()
    const client = await welcomed(url, { storeId: 's' })
    const [event] = makeEvents(1, 1)
    client.send({ v: 1, type: 'push', requestId: 'p', extra: true, events: [{ ...event, args: { nested: [1, 'two', null, { x: 1.5 }] }, secret: 'dropped' }] })
    await client.nextOf('pushAck')
    expect(await readAll(url, 's')).toEqual([{ ...event, args: { nested: [1, 'two', null, { x: 1.5 }] } }])
  })

  it('calls onPush after an accepted push and onPull when a pull arrives', async () => {
    const calls: unknown[] = []
    const { url } = await server({
      onPush: (info) => void calls.push({ push: info.storeId, clientId: info.clientId, payload: info.payload, events: seqNums(info.events), head: info.head }),
      onPull: (info) => void calls.push({ pull: info.storeId, clientId: info.clientId, cursor: info.cursor, live: info.live }),
    })
    const client = await welcomed(url, { storeId: 's', clientId: 'c', installId: 'i', payload: { user: 'u1' } })
    client.send({ v: 1, type: 'push', requestId: 'p', events: makeEvents(1, 2, 'c') })
    await client.nextOf('pushAck')
    client.send({ v: 1, type: 'push', requestId: 'stale', events: makeEvents(1, 1, 'c') })
    await client.nextOf('pushRejected')
    client.send({ v: 1, type: 'pull', requestId: 'r', cursor: 1, live: true })
    await client.nextOf('events')
    expect(calls).toEqual([
      { push: 's', clientId: 'c', payload: { user: 'u1' }, events: [1, 2], head: 2 },
      { pull: 's', clientId: 'c', cursor: 1, live: true },
    ])
  })

  it('a hook that throws is reported to onError and changes nothing for the client', async () => {
    const errors: unknown[] = []
    const { url } = await server({
      onError: (error) => void errors.push(error),
      onPush: () => {
        throw new Error('hook broke')
      },
      onPull: async () => {
        throw new Error('async hook broke')
      },
    })
    const client = await welcomed(url, { storeId: 's' })
    client.send({ v: 1, type: 'push', requestId: 'p', events: makeEvents(1, 1) })
    expect((await client.next()).type).toBe('pushAck')
    client.send({ v: 1, type: 'pull', requestId: 'r', cursor: 0, live: true })
    expect((await client.next()).type).toBe('events')
    await client.drain(20)
    expect(errors.map((e) => (e as Error).message).sort()).toEqual(['async hook broke', 'hook broke'])
  })
})

describe('sync server: close', () => {
  it('close() refuses new connections, closes open ones with 1001, and answers /health 503 while closing', async () => {
    const started = await startServer()
    const client = await RawClient.welcomed(started.url, { storeId: 's' })
    await started.close()
    expect(await client.closed).toEqual({ code: 1001, reason: 'server shutting down' })
    await expect(fetch(`http://127.0.0.1:${started.port}/health`)).rejects.toThrow()
    await expect(RawClient.open(started.url)).rejects.toThrow()
    await started.close() // twice is fine
  })

  it('the idle timeout closes silent connections with 4408; pings keep a connection open', async () => {
    const { url } = await server({ idleTimeoutMs: 600 })
    const silent = await welcomed(url, { storeId: 's', clientId: 'silent', installId: 'i1' })
    const chatty = await welcomed(url, { storeId: 's', clientId: 'chatty', installId: 'i2' })
    const pinger = setInterval(() => chatty.send({ v: 1, type: 'ping', id: 'x' }), 100)
    try {
      expect(await silent.closed).toEqual({ code: 4408, reason: 'idle timeout' })
      await new Promise((resolve) => setTimeout(resolve, 700))
      expect(chatty.ws.readyState).toBe(chatty.ws.OPEN)
    } finally {
      clearInterval(pinger)
    }
  })
})

describe('sync server: options', () => {
  it('refuses unusable options with InvalidSyncServerOptionsError, before opening anything', async () => {
    const cases: Array<[Partial<Record<keyof SyncServerOptions, unknown>>, RegExp]> = [
      [{ port: -1 }, /port must be an integer from 0 to 65535/],
      [{ port: 1.5 }, /port must be an integer/],
      [{ host: '' }, /host must be a non-empty string/],
      [{ limits: { maxEventsPerPush: 0 } }, /limits.maxEventsPerPush must be a positive integer/],
      [{ limits: { maxMessageBytes: 100 } }, /limits.maxMessageBytes must be at least 4096/],
      [{ idleTimeoutMs: 5 }, /idleTimeoutMs must be a number of milliseconds of at least 100/],
      [{ validatePayload: 'yes' }, /validatePayload must be a function/],
      [{ storage: 5 }, /storage must be a SyncStorage .* lacks openStore, append, read, clientIdOwner, close/],
      [{ storage: { close: async () => {} } }, /lacks openStore, append, read, clientIdOwner\.$/],
    ]
    for (const [options, message] of cases) {
      const error = await createSyncServer(options as SyncServerOptions).catch((e: unknown) => e)
      expect(error, JSON.stringify(options)).toBeInstanceOf(InvalidSyncServerOptionsError)
      expect((error as Error).message).toMatch(message)
    }
  })

  it('storages need their location: no silent temporary database', async () => {
    for (const options of [undefined, {}, { file: '' }, { file: 5 }]) {
      const error = await openSqliteStorage(options as never).catch((e: unknown) => e)
      expect(error, JSON.stringify(options)).toBeInstanceOf(InvalidSyncServerOptionsError)
      expect((error as Error).message).toMatch(/openSqliteStorage needs \{ file \}/)
    }
    const error = await openPostgresStorage({} as never).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InvalidSyncServerOptionsError)
    expect((error as Error).message).toMatch(/openPostgresStorage needs \{ url \}/)
  })

  it('a port in use: the listen error, and the storage it was given is closed', async () => {
    const { port } = await server()
    const storage = await openSqliteStorage({ file: `${tempDir()}/other.db` })
    await expect(createSyncServer({ port, storage })).rejects.toMatchObject({ code: 'EADDRINUSE' })
    await expect(storage.openStore('s')).rejects.toBeInstanceOf(SyncStorageClosedError)
  })
})
