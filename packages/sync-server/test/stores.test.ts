// Concurrency, store isolation and clientId collisions, against a real server and raw clients.
import type { PushAckMessage, PushRejectedMessage, SyncEvent } from '@cairn/store/sync'
import { describe, expect, it } from 'vitest'
import { makeEvents, RawClient, readAll, trackServersAndClients } from './helpers.js'

const { server, welcomed, clients } = trackServersAndClients()

describe('concurrent pushes', () => {
  it('from several connections: exactly one is accepted per parent, the rebased ones follow, the eventlog has no gap or duplicate', async () => {
    const { url } = await server()
    const writers = await Promise.all(Array.from({ length: 6 }, (_, i) => welcomed(url, { storeId: 'race', clientId: `w${i}`, installId: `i${i}` })))
    const observer = await welcomed(url, { storeId: 'race', clientId: 'obs', installId: 'obs' })
    observer.send({ v: 1, type: 'pull', requestId: 'live', cursor: 0, live: true })
    await observer.nextOf('events')
    // Each writer pushes 10 batches of 3 events; on rejection it rebases onto the head it was told and retries.
    const perWriter = 10
    const accepted = new Map<number, string>()
    let rejections = 0
    await Promise.all(
      writers.map(async (writer, w) => {
        let head = 0
        let request = 0
        for (let done = 0; done < perWriter; ) {
          const events = makeEvents(head + 1, head + 3, `w${w}`)
          const requestId = `w${w}-${request++}`
          writer.send({ v: 1, type: 'push', requestId, events })
          let answer: PushAckMessage | PushRejectedMessage
          do answer = (await writer.next(10_000)) as PushAckMessage | PushRejectedMessage
          while (answer.requestId !== requestId)
          if (answer.type === 'pushAck') {
            expect(answer.head).toBe(head + 3)
            expect(accepted.has(head)).toBe(false) // one accepted push per parent
            accepted.set(head, requestId)
            head = answer.head
            done++
          } else {
            expect(answer.type).toBe('pushRejected')
            expect(answer.head).toBeGreaterThan(head)
            expect(answer.missing[0]?.seqNum).toBe(head + 1)
            rejections++
            head = answer.head
          }
        }
      }),
    )
    expect(rejections).toBeGreaterThan(0)
    const total = writers.length * perWriter * 3
    const stored = await readAll(url, 'race')
    expect(stored.map((e) => e.seqNum)).toEqual(Array.from({ length: total }, (_, i) => i + 1))
    for (const [i, event] of stored.entries()) expect(event.parentSeqNum).toBe(i)
    // Each accepted push is stored whole: three consecutive events of one writer.
    for (let i = 0; i < total; i += 3) {
      expect(new Set(stored.slice(i, i + 3).map((e) => e.clientId)).size).toBe(1)
    }
    // The live observer saw the same events, in the same order, without duplicates.
    const live: SyncEvent[] = []
    while (live.length < total) live.push(...(await observer.nextOf('events')).events)
    expect(live).toEqual(stored)
  })

  it('pushes on the same parent sent at the same moment: one pushAck, the others pushRejected with the winner as missing', async () => {
    const { url } = await server()
    const writers = await Promise.all(Array.from({ length: 8 }, (_, i) => welcomed(url, { storeId: 'same-parent', clientId: `w${i}`, installId: `i${i}` })))
    writers.forEach((writer, i) => writer.send({ v: 1, type: 'push', requestId: 'p', events: makeEvents(1, 2, `w${i}`) }))
    const answers = await Promise.all(writers.map((writer) => writer.next()))
    const acks = answers.filter((a) => a.type === 'pushAck')
    const rejected = answers.filter((a): a is PushRejectedMessage => a.type === 'pushRejected')
    expect(acks).toHaveLength(1)
    expect(rejected).toHaveLength(7)
    const stored = await readAll(url, 'same-parent')
    expect(stored.map((e) => e.seqNum)).toEqual([1, 2])
    for (const answer of rejected) expect(answer).toMatchObject({ head: 2, missing: stored, more: false })
  })
})

describe('store isolation', () => {
  it('events of store A never reach store B, in pulls or live', async () => {
    const { url } = await server()
    const a = await welcomed(url, { storeId: 'A', clientId: 'ca', installId: 'ia' })
    const b = await welcomed(url, { storeId: 'B', clientId: 'cb', installId: 'ib' })
    for (const client of [a, b]) {
      client.send({ v: 1, type: 'pull', requestId: 'live', cursor: 0, live: true })
      await client.nextOf('events')
    }
    a.send({ v: 1, type: 'push', requestId: 'a', events: makeEvents(1, 2, 'ca') })
    await a.nextOf('pushAck')
    expect((await a.nextOf('events')).events).toEqual(makeEvents(1, 2, 'ca'))
    b.send({ v: 1, type: 'push', requestId: 'b', events: makeEvents(1, 1, 'cb') })
    expect(await b.next()).toEqual({ v: 1, type: 'pushAck', requestId: 'b', head: 1 })
    expect(await b.next()).toEqual({ v: 1, type: 'events', requestId: 'live', events: makeEvents(1, 1, 'cb'), head: 1, caughtUp: true })
    expect(await b.drain(50)).toEqual([])
    expect(await readAll(url, 'A')).toEqual(makeEvents(1, 2, 'ca'))
    expect(await readAll(url, 'B')).toEqual(makeEvents(1, 1, 'cb'))
    // storeIds are case-sensitive: "a" is another store.
    expect(await readAll(url, 'a')).toEqual([])
  })

  it('a client refused for a store can neither pull nor push it', async () => {
    const { url } = await server({
      validatePayload: (payload, { storeId }) => {
        const allowed = (payload as { stores?: string[] } | undefined)?.stores ?? []
        if (!allowed.includes(storeId)) throw new Error(`not allowed to use ${storeId}`)
      },
    })
    const owner = await welcomed(url, { storeId: 'private', clientId: 'owner', installId: 'io', payload: { stores: ['private'] } })
    owner.send({ v: 1, type: 'push', requestId: 'p', events: makeEvents(1, 1, 'owner') })
    await owner.nextOf('pushAck')

    const intruder = await RawClient.open(url)
    clients.push(intruder)
    intruder.send({ v: 1, type: 'hello', storeId: 'private', clientId: 'x', installId: 'ix', payload: { stores: ['public'] } })
    // Sent right behind the hello, before the answer: refused too.
    intruder.send({ v: 1, type: 'pull', requestId: 'r', cursor: 0, live: true })
    intruder.send({ v: 1, type: 'push', requestId: 'p', events: makeEvents(2, 2, 'x') })
    const closed = await intruder.closed
    expect([4401, 4403]).toContain(closed.code)
    const received = await intruder.drain(0)
    expect(received.every((m) => m.type === 'error')).toBe(true)
    expect(received.some((m) => m.type === 'error' && (m.code === 'unauthorized' || m.code === 'not-welcomed'))).toBe(true)

    const polite = await RawClient.open(url)
    clients.push(polite)
    polite.send({ v: 1, type: 'hello', storeId: 'private', clientId: 'y', installId: 'iy', payload: { stores: ['public'] } })
    expect(await polite.next()).toEqual({ v: 1, type: 'error', code: 'unauthorized', message: expect.stringContaining('not allowed to use private') })
    expect((await polite.closed).code).toBe(4403)
    polite.send({ v: 1, type: 'pull', requestId: 'r', cursor: 0, live: true })

    const reader = await welcomed(url, { storeId: 'private', clientId: 'owner2', installId: 'io2', payload: { stores: ['private'] } })
    reader.send({ v: 1, type: 'pull', requestId: 'r', cursor: 0, live: false })
    expect((await reader.nextOf('events')).events).toEqual(makeEvents(1, 1, 'owner'))
  })
})

describe('clientId collisions', () => {
  it('another installation using a clientId that pushed to the store → client-id-taken (4409) at hello', async () => {
    const { url } = await server()
    const first = await welcomed(url, { storeId: 's', clientId: 'dup', installId: 'install-1' })
    first.send({ v: 1, type: 'push', requestId: 'p', events: makeEvents(1, 1, 'dup') })
    await first.nextOf('pushAck')
    const second = await RawClient.open(url)
    clients.push(second)
    second.send({ v: 1, type: 'hello', storeId: 's', clientId: 'dup', installId: 'install-2' })
    expect(await second.next()).toEqual({
      v: 1,
      type: 'error',
      code: 'client-id-taken',
      message: expect.stringContaining('Pick a new random clientId'),
    })
    expect((await second.closed).code).toBe(4409)
    // The same installation reconnects fine, and the same clientId is free in another store.
    await welcomed(url, { storeId: 's', clientId: 'dup', installId: 'install-1' })
    await welcomed(url, { storeId: 'other', clientId: 'dup', installId: 'install-2' })
  })

  it('two installations connected with one clientId before either pushed: the first push claims it, the other push gets client-id-taken', async () => {
    const { url } = await server()
    const one = await welcomed(url, { storeId: 's', clientId: 'dup', installId: 'install-1' })
    const two = await welcomed(url, { storeId: 's', clientId: 'dup', installId: 'install-2' })
    one.send({ v: 1, type: 'push', requestId: 'p1', events: makeEvents(1, 1, 'dup') })
    expect((await one.next()).type).toBe('pushAck')
    two.send({ v: 1, type: 'push', requestId: 'p2', events: makeEvents(2, 2, 'dup') })
    expect(await two.next()).toEqual({ v: 1, type: 'error', code: 'client-id-taken', requestId: 'p2', message: expect.any(String) })
    expect((await two.closed).code).toBe(4409)
    expect(await readAll(url, 's')).toEqual(makeEvents(1, 1, 'dup'))
  })

  it('a rejected push (stale parent) claims nothing', async () => {
    const { url } = await server()
    const writer = await welcomed(url, { storeId: 's', clientId: 'w', installId: 'iw' })
    writer.send({ v: 1, type: 'push', requestId: 'p', events: makeEvents(1, 1, 'w') })
    await writer.nextOf('pushAck')
    const stale = await welcomed(url, { storeId: 's', clientId: 'dup', installId: 'install-1' })
    stale.send({ v: 1, type: 'push', requestId: 'p', events: makeEvents(1, 1, 'dup') })
    expect((await stale.next()).type).toBe('pushRejected')
    await welcomed(url, { storeId: 's', clientId: 'dup', installId: 'install-2' })
  })
})
