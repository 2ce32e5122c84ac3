// Bad input to the sync server: each case gets the typed error of docs/protocol.md to the offending
// client only, the connection is closed where the table says so, other clients keep working, and the
// stored events do not change.
import { DEFAULT_LIMITS, type ServerMessage } from '@cairn/store/sync'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createSyncServer, openSqliteStorage, type SyncServer, type SyncStorage } from '../src/index.js'
import { cleanupTempDirs, makeEvents, RawClient, readAll, startServer, tempDir } from './helpers.js'

const MAX = 16 * 1024

let server: SyncServer & { db: string }
let bystander: RawClient
let writer: RawClient
const extra: RawClient[] = []

beforeEach(async () => {
  server = await startServer({
    limits: { maxMessageBytes: MAX, maxEventsPerPush: 50, maxMessagesPerSecond: 50 },
    validatePayload: (payload) => {
      if (payload === 'refuse-by-false') return false
      if (payload === 'refuse-by-throw') throw new Error('token expired')
    },
  })
  writer = await RawClient.welcomed(server.url, { storeId: 'shared', clientId: 'writer', installId: 'wi' })
  writer.send({ v: 1, type: 'push', requestId: 'w1', events: makeEvents(1, 3, 'writer') })
  await writer.nextOf('pushAck')
  bystander = await RawClient.welcomed(server.url, { storeId: 'shared', clientId: 'bystander', installId: 'bi' })
  bystander.send({ v: 1, type: 'pull', requestId: 'live', cursor: 0, live: true })
  expect((await bystander.nextOf('events')).events).toHaveLength(3)
})

afterEach(async () => {
  for (const client of [...extra.splice(0), writer, bystander]) client.close()
  await server.close()
})
afterAll(cleanupTempDirs)

const connect = async (): Promise<RawClient> => {
  const client = await RawClient.open(server.url)
  extra.push(client)
  return client
}
const hello = async (overrides: Record<string, unknown> = {}): Promise<RawClient> => {
  const client = await connect()
  client.send({ v: 1, type: 'hello', storeId: 'shared', clientId: 'bad', installId: 'bad-install', ...overrides })
  const answer = await client.next()
  if (answer.type !== 'welcome') throw new Error(`expected welcome, got ${JSON.stringify(answer)}`)
  return client
}

/** The offending client got exactly `expected` (errors), and the connection closed with `closeCode` or stayed open. */
const expectErrors = async (client: RawClient, expected: Array<Partial<ServerMessage> & { message?: unknown }>, closeCode: number | 'open') => {
  if (closeCode === 'open') {
    client.send({ v: 1, type: 'ping', id: 'still-there' })
    const messages = await client.drain(100)
    expect(messages.slice(0, -1)).toEqual(expected.map((e) => expect.objectContaining({ v: 1, type: 'error', ...e })))
    expect(messages.at(-1)).toEqual({ v: 1, type: 'pong', id: 'still-there' })
  } else {
    const closed = await client.closed
    expect(closed.code).toBe(closeCode)
    expect(await client.drain(0)).toEqual(expected.map((e) => expect.objectContaining({ v: 1, type: 'error', ...e })))
  }
}

/** Others are unaffected: no error reached them, the store holds exactly events 1…3, and live pulls still get pushes. */
const expectOthersUnaffected = async (expectedHead = 3) => {
  expect(await readAll(server.url, 'shared')).toEqual(makeEvents(1, expectedHead, 'writer'))
  writer.send({ v: 1, type: 'push', requestId: 'after', events: makeEvents(expectedHead + 1, expectedHead + 1, 'writer') })
  expect(await writer.nextOf('pushAck')).toEqual({ v: 1, type: 'pushAck', requestId: 'after', head: expectedHead + 1 })
  const batch = await bystander.nextOf('events')
  expect(batch.events).toEqual(makeEvents(expectedHead + 1, expectedHead + 1, 'writer'))
  expect(bystander.messages.filter((m) => m.type === 'error')).toEqual([])
  expect(writer.messages.filter((m) => m.type === 'error')).toEqual([])
}

describe('bad input: malformed messages (connection kept)', () => {
  it('malformed JSON → bad-message', async () => {
    const client = await hello()
    client.send('{"v":1,"type":"push",')
    await expectErrors(client, [{ code: 'bad-message', message: expect.stringMatching(/^The frame is not JSON/) }], 'open')
    await expectOthersUnaffected()
  })

  it('wrong types → bad-message naming the field, with the requestId', async () => {
    const client = await hello()
    client.send({ v: 1, type: 'pull', requestId: 'r1', cursor: 'zero', live: true })
    client.send({ v: 1, type: 'push', requestId: 'p1', events: [{ ...makeEvents(4, 4, 'bad')[0], seqNum: '4' }] })
    await expectErrors(
      client,
      [
        { code: 'bad-message', requestId: 'r1', message: expect.stringContaining('cursor: Expected number, got string "zero"') },
        { code: 'bad-message', requestId: 'p1', message: expect.stringContaining('events[0].seqNum') },
      ],
      'open',
    )
    await expectOthersUnaffected()
  })

  it('unknown message type → unknown-type', async () => {
    const client = await hello()
    client.send({ v: 1, type: 'subscribe', requestId: 'x' })
    await expectErrors(client, [{ code: 'unknown-type', requestId: 'x', message: expect.stringContaining('"subscribe"') }], 'open')
    await expectOthersUnaffected()
  })

  it('a binary frame → bad-message; a second hello → bad-message', async () => {
    const client = await hello()
    client.ws.send(Buffer.from('{"v":1,"type":"ping","id":"x"}'), { binary: true })
    client.send({ v: 1, type: 'hello', storeId: 'other', clientId: 'bad', installId: 'bad-install' })
    await expectErrors(
      client,
      [
        { code: 'bad-message', message: expect.stringContaining('Binary frames') },
        { code: 'bad-message', message: expect.stringContaining('already said hello') },
      ],
      'open',
    )
    await expectOthersUnaffected()
  })

  it('the 10th bad message closes the connection with 4400', async () => {
    const client = await hello()
    for (let i = 0; i < 10; i++) client.send(`garbage ${i}`)
    await expectErrors(client, Array.from({ length: 10 }, () => ({ code: 'bad-message' as const })), 4400)
    await expectOthersUnaffected()
  })
})

describe('bad input: pushes that break the rules', () => {
  it('non-consecutive events → invalid-events (kept), nothing appended', async () => {
    const client = await hello()
    const [a, , c] = makeEvents(4, 6, 'bad')
    client.send({ v: 1, type: 'push', requestId: 'gap', events: [a, c] })
    client.send({ v: 1, type: 'push', requestId: 'numbering', events: [{ ...a!, seqNum: 7 }] })
    await expectErrors(
      client,
      [
        { code: 'invalid-events', requestId: 'gap', message: expect.stringContaining("events[1]: parentSeqNum 5 is not the previous event's seqNum 4") },
        { code: 'invalid-events', requestId: 'numbering', message: expect.stringContaining('seqNum 7 is not parentSeqNum 3 + 1') },
      ],
      'open',
    )
    await expectOthersUnaffected()
  })

  it("events carrying another client's clientId → invalid-events", async () => {
    const client = await hello()
    client.send({ v: 1, type: 'push', requestId: 'spoof', events: makeEvents(4, 4, 'writer') })
    await expectErrors(client, [{ code: 'invalid-events', requestId: 'spoof', message: expect.stringContaining('clientId "writer"') }], 'open')
    await expectOthersUnaffected()
  })

  it('a wrong parent → pushRejected with the missing events, nothing appended', async () => {
    const client = await hello()
    client.send({ v: 1, type: 'push', requestId: 'stale', events: makeEvents(2, 3, 'bad') })
    expect(await client.next()).toEqual({
      v: 1,
      type: 'pushRejected',
      requestId: 'stale',
      reason: 'parent-mismatch',
      head: 3,
      missing: makeEvents(2, 3, 'writer'),
      more: false,
    })
    await expectOthersUnaffected()
  })

  it('more than maxEventsPerPush events → too-large, closed 4413', async () => {
    const client = await hello()
    client.send({ v: 1, type: 'push', requestId: 'many', events: makeEvents(4, 54, 'bad') })
    await expectErrors(client, [{ code: 'too-large', requestId: 'many', message: expect.stringContaining('maxEventsPerPush (50)') }], 4413)
    await expectOthersUnaffected()
  })
})

describe('bad input: frames and connections', () => {
  it('a frame above maxMessageBytes → too-large, closed 4413', async () => {
    const client = await hello()
    client.send({ v: 1, type: 'ping', id: 'x', padding: 'x'.repeat(MAX) })
    await expectErrors(client, [{ code: 'too-large', message: expect.stringContaining(`maxMessageBytes (${MAX})`) }], 4413)
    await expectOthersUnaffected()
  })

  it('a frame above twice maxMessageBytes is cut off by the WebSocket layer (1009)', async () => {
    const client = await hello()
    client.send('x'.repeat(MAX * 2 + 1))
    await expectErrors(client, [], 1009)
    await expectOthersUnaffected()
  })

  it('another protocol version → version-mismatch, closed 4426', async () => {
    const client = await connect()
    client.send({ v: 2, type: 'hello', storeId: 'shared' })
    await expectErrors(client, [{ code: 'version-mismatch', message: expect.stringContaining('version 1') }], 4426)
    await expectOthersUnaffected()
  })

  it('a message before hello → not-welcomed, closed 4401', async () => {
    const client = await connect()
    client.send({ v: 1, type: 'push', requestId: 'early', events: makeEvents(4, 4, 'bad') })
    await expectErrors(client, [{ code: 'not-welcomed', message: expect.stringContaining('before the server answered hello') }], 4401)
    await expectOthersUnaffected()
  })

  it('a message after hello but before welcome (payload still being validated) → not-welcomed', async () => {
    await server.close()
    let release: () => void = () => {}
    const gate = new Promise<void>((resolve) => (release = resolve))
    const slow = await createSyncServer({ storage: await openSqliteStorage({ file: server.db }), validatePayload: () => gate })
    server = Object.assign(slow, { db: server.db })
    const client = await RawClient.open(slow.url)
    extra.push(client)
    client.send({ v: 1, type: 'hello', storeId: 'shared', clientId: 'c', installId: 'i' })
    client.send({ v: 1, type: 'pull', requestId: 'r', cursor: 0, live: true })
    expect((await client.closed).code).toBe(4401)
    release()
    expect(await client.drain(50)).toEqual([expect.objectContaining({ type: 'error', code: 'not-welcomed' })])
    expect(await readAll(slow.url, 'shared')).toEqual(makeEvents(1, 3, 'writer'))
  })

  it('an invalid storeId → invalid-store-id, closed 4400; nothing is created', async () => {
    for (const storeId of ['', '-leading-dash', 'has space', 'x'.repeat(129), '../etc']) {
      const client = await connect()
      client.send({ v: 1, type: 'hello', storeId, clientId: 'c', installId: 'i' })
      await expectErrors(client, [{ code: 'invalid-store-id', message: expect.stringContaining('is not valid') }], 4400)
    }
    await expectOthersUnaffected()
  })

  it('a refused payload → unauthorized, closed 4403, with the reason validatePayload gave', async () => {
    for (const [payload, reason] of [
      ['refuse-by-throw', 'token expired'],
      ['refuse-by-false', 'validatePayload refused the payload'],
    ]) {
      const client = await connect()
      client.send({ v: 1, type: 'hello', storeId: 'shared', clientId: 'c', installId: 'i', payload })
      await expectErrors(client, [{ code: 'unauthorized', message: expect.stringContaining(reason!) }], 4403)
    }
    await expectOthersUnaffected()
  })

  it('flooding → rate-limited, closed 4429', async () => {
    const client = await hello()
    for (let i = 0; i < 80; i++) client.send({ v: 1, type: 'ping', id: `flood-${i}` })
    const closed = await client.closed
    expect(closed.code).toBe(4429)
    const received = await client.drain(0)
    expect(received.at(-1)).toEqual(expect.objectContaining({ type: 'error', code: 'rate-limited' }))
    expect(received.filter((m) => m.type === 'pong').length).toBeLessThanOrEqual(DEFAULT_LIMITS.maxMessagesPerSecond)
    expect(received.filter((m) => m.type === 'pong').length).toBeGreaterThanOrEqual(40)
    await expectOthersUnaffected()
  })
})

describe('bad storage', () => {
  it('a storage failure during a push → internal, closed 1011, reported to onError; the push can be retried', async () => {
    const inner = await openSqliteStorage({ file: `${tempDir()}/s.db` })
    let failNext = true
    const flaky: SyncStorage = {
      openStore: (storeId) => inner.openStore(storeId),
      append: (request) => {
        if (failNext) {
          failNext = false
          return Promise.reject(new Error('disk on fire'))
        }
        return inner.append(request)
      },
      read: (storeId, after, limit) => inner.read(storeId, after, limit),
      clientIdOwner: (storeId, clientId) => inner.clientIdOwner(storeId, clientId),
      close: () => inner.close(),
    }
    const errors: unknown[] = []
    const flakyServer = await createSyncServer({ storage: flaky, onError: (error) => void errors.push(error) })
    try {
      const client = await RawClient.welcomed(flakyServer.url, { storeId: 's' })
      client.send({ v: 1, type: 'push', requestId: 'p', events: makeEvents(1, 1) })
      expect((await client.closed).code).toBe(1011)
      expect(await client.drain(0)).toEqual([
        { v: 1, type: 'error', code: 'internal', requestId: 'p', message: expect.stringContaining('disk on fire') },
      ])
      expect(errors.map((e) => (e as Error).message)).toEqual(['disk on fire'])
      const again = await RawClient.welcomed(flakyServer.url, { storeId: 's' })
      again.send({ v: 1, type: 'push', requestId: 'p', events: makeEvents(1, 1) })
      expect(await again.next()).toEqual({ v: 1, type: 'pushAck', requestId: 'p', head: 1 })
      again.close()
    } finally {
      await flakyServer.close()
    }
  })
})
