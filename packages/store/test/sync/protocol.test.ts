import { describe, expect, expectTypeOf, it } from 'vitest'
import {
  CairnError,
  checkPushEvents,
  CLIENT_MESSAGE_TYPES,
  decodeClientMessage,
  decodeServerMessage,
  DEFAULT_LIMITS,
  encodeMessage,
  ERROR_CLOSE_CODES,
  FATAL_ERROR_CODES,
  isValidStoreId,
  PROTOCOL_VERSION,
  SERVER_MESSAGE_TYPES,
  SYNC_ERROR_CODES,
  SyncMessageError,
  type ClientMessage,
  type DecodeResult,
  type ServerMessage,
  type SyncEvent,
  type SyncEventMessage,
} from '../../src/sync/index.js'

const event = (seqNum: number, over: Partial<SyncEvent> = {}): SyncEvent => ({
  name: 'v1.TodoCreated',
  args: { id: String(seqNum), text: 'x' },
  seqNum,
  parentSeqNum: seqNum - 1,
  clientId: 'abc123',
  sessionId: 'session-1',
  timestamp: 1_700_000_000_000 + seqNum,
  ...over,
})

const failure = <M>(result: DecodeResult<M>): SyncMessageError => {
  if (result.ok) throw new Error(`expected a decode failure, got ${JSON.stringify(result.message)}`)
  return result.error
}

describe('sync protocol constants', () => {
  it('define every error code of docs/protocol.md with its close code', () => {
    expect(SYNC_ERROR_CODES).toEqual([
      'bad-message',
      'unknown-type',
      'version-mismatch',
      'too-large',
      'invalid-store-id',
      'not-welcomed',
      'unauthorized',
      'client-id-taken',
      'invalid-events',
      'rate-limited',
      'internal',
    ])
    expect(ERROR_CLOSE_CODES).toEqual({
      'bad-message': null,
      'unknown-type': null,
      'version-mismatch': 4426,
      'too-large': 4413,
      'invalid-store-id': 4400,
      'not-welcomed': 4401,
      unauthorized: 4403,
      'client-id-taken': 4409,
      'invalid-events': null,
      'rate-limited': 4429,
      internal: 1011,
    })
    expect([...FATAL_ERROR_CODES].sort()).toEqual(['client-id-taken', 'invalid-store-id', 'unauthorized', 'version-mismatch'])
  })

  it('default limits are those of the doc', () => {
    expect(DEFAULT_LIMITS).toEqual({ maxMessageBytes: 1_048_576, maxEventsPerPush: 1000, maxEventsPerBatch: 1000, maxMessagesPerSecond: 200 })
    expect(Object.isFrozen(DEFAULT_LIMITS)).toBe(true)
  })

  it('storeId rule: 1–128 of A–Z a–z 0–9 _ - ., starting with a letter or digit', () => {
    for (const ok of ['a', 'Z', '0', 'todo-app_1.v2', 'x'.repeat(128), '9.-_']) expect(isValidStoreId(ok), ok).toBe(true)
    for (const bad of ['', '-a', '_a', '.a', 'x'.repeat(129), 'a b', 'a/b', 'é', 'a\n', 'ä', 12, null, undefined]) {
      expect(isValidStoreId(bad), String(bad)).toBe(false)
    }
  })
})

describe('decodeClientMessage', () => {
  it('decodes every client message, from text or from a parsed value', () => {
    const messages: ClientMessage[] = [
      { v: 1, type: 'hello', storeId: 's1', clientId: 'abc123', installId: 'install-1', payload: { authToken: 't' } },
      { v: 1, type: 'hello', storeId: 's1', clientId: 'abc123', installId: 'install-1' },
      { v: 1, type: 'pull', requestId: 'r1', cursor: 0, live: true },
      { v: 1, type: 'push', requestId: 'r2', events: [event(1), event(2)] },
      { v: 1, type: 'ping', id: 'p1' },
    ]
    for (const message of messages) {
      expect(decodeClientMessage(encodeMessage(message))).toEqual({ ok: true, message })
      expect(decodeClientMessage(message)).toEqual({ ok: true, message })
    }
    expect(CLIENT_MESSAGE_TYPES).toEqual(['hello', 'pull', 'push', 'ping'])
  })

  it('keeps null args and a null payload, drops fields the message does not define', () => {
    const result = decodeClientMessage({ v: 1, type: 'push', requestId: 'r', extra: 1, events: [{ ...event(1), args: null, secret: 'x' }] })
    expect(result).toEqual({ ok: true, message: { v: 1, type: 'push', requestId: 'r', events: [{ ...event(1), args: null }] } })
    const hello = decodeClientMessage({ v: 1, type: 'hello', storeId: 's', clientId: 'c', installId: 'i', payload: null })
    expect(hello).toEqual({ ok: true, message: { v: 1, type: 'hello', storeId: 's', clientId: 'c', installId: 'i', payload: null } })
  })

  it('bad-message for a frame that is not JSON or not an object', () => {
    for (const input of ['{not json', '', '[1,2]', 'null', '42', '"hello"']) {
      const error = failure(decodeClientMessage(input))
      expect(error).toBeInstanceOf(SyncMessageError)
      expect(error).toBeInstanceOf(CairnError)
      expect(error._tag).toBe('SyncMessageError')
      expect(error.code, input).toBe('bad-message')
      expect(error.field).toBeUndefined()
    }
    expect(failure(decodeClientMessage('{not json')).message).toMatch(/^The frame is not JSON/)
    expect(failure(decodeClientMessage([1])).message).toContain('an array of 1')
  })

  it('bad-message naming v when it is missing or not a number, version-mismatch when it is another number', () => {
    const missing = failure(decodeClientMessage({ type: 'ping', id: 'p' }))
    expect([missing.code, missing.field]).toEqual(['bad-message', 'v'])
    expect(missing.message).toContain('v: missing')
    const text = failure(decodeClientMessage({ v: '1', type: 'ping', id: 'p' }))
    expect([text.code, text.field]).toEqual(['bad-message', 'v'])
    const other = failure(decodeClientMessage({ v: 2, type: 'whatever-v2-has', requestId: 'r9' }))
    expect([other.code, other.field, other.requestId]).toEqual(['version-mismatch', 'v', 'r9'])
    expect(other.message).toContain('version 1')
    expect(other.message).toContain('version 2')
  })

  it('unknown-type for a type this version does not know, naming the known ones', () => {
    const error = failure(decodeClientMessage({ v: 1, type: 'subscribe', requestId: 'r1' }))
    expect([error.code, error.field, error.requestId]).toEqual(['unknown-type', 'type', 'r1'])
    expect(error.message).toContain('"subscribe"')
    expect(error.message).toContain('hello, pull, push, ping')
    // A server message sent by a client is just as unknown, and so is an inherited property name.
    expect(failure(decodeClientMessage({ v: 1, type: 'welcome' })).code).toBe('unknown-type')
    expect(failure(decodeClientMessage({ v: 1, type: 'toString' })).code).toBe('unknown-type')
    expect(failure(decodeClientMessage({ v: 1, type: 7 })).code).toBe('bad-message')
  })

  it('bad-message naming the offending field, with what was expected and what was given', () => {
    const cases: Array<[unknown, string, RegExp]> = [
      [{ v: 1, type: 'pull', requestId: 'r', cursor: -1, live: true }, 'cursor', /greater than or equal to 0, got number -1/],
      [{ v: 1, type: 'pull', requestId: 'r', cursor: 1.5, live: true }, 'cursor', /integer, got number 1.5/],
      [{ v: 1, type: 'pull', requestId: 'r', cursor: 0, live: 'yes' }, 'live', /boolean.*string "yes"/],
      [{ v: 1, type: 'pull', requestId: '', cursor: 0, live: true }, 'requestId', /at least 1/],
      [{ v: 1, type: 'pull', cursor: 0, live: true }, 'requestId', /missing/],
      [{ v: 1, type: 'hello', storeId: 's', clientId: '', installId: 'i' }, 'clientId', /at least 1/],
      [{ v: 1, type: 'hello', storeId: 5, clientId: 'c', installId: 'i' }, 'storeId', /string/],
      [{ v: 1, type: 'push', requestId: 'r', events: [] }, 'events', /at least 1/],
      [{ v: 1, type: 'push', requestId: 'r', events: 'x' }, 'events', /array/],
      [{ v: 1, type: 'push', requestId: 'r', events: [event(1), { ...event(2), seqNum: 'two' }] }, 'events[1].seqNum', /number.*string "two"/],
      [{ v: 1, type: 'push', requestId: 'r', events: [{ ...event(1), name: undefined }] }, 'events[0].name', /string/],
      [{ v: 1, type: 'push', requestId: 'r', events: [{ ...event(1), timestamp: Number.NaN }] }, 'events[0].timestamp', /finite/],
      [{ v: 1, type: 'push', requestId: 'r', events: [{ ...event(1), seqNum: 0, parentSeqNum: -1 }] }, 'events[0].seqNum', /at least|greater/],
      [{ v: 1, type: 'ping' }, 'id', /missing/],
    ]
    for (const [input, field, message] of cases) {
      const error = failure(decodeClientMessage(input))
      expect(error.code, field).toBe('bad-message')
      expect(error.field, JSON.stringify(input)).toBe(field)
      expect(error.message).toMatch(message)
      expect(error.message).toContain(field)
    }
    const { args: _args, ...noArgs } = event(1)
    expect(failure(decodeClientMessage({ v: 1, type: 'push', requestId: 'r', events: [noArgs] })).field).toBe('events[0].args')
  })

  it('reports the requestId of a bad message when it is readable', () => {
    expect(failure(decodeClientMessage({ v: 1, type: 'push', requestId: 'r7', events: [] })).requestId).toBe('r7')
    expect(failure(decodeClientMessage({ v: 1, type: 'push', requestId: 7, events: [] })).requestId).toBeUndefined()
  })

  it('lists several problems at once', () => {
    const error = failure(decodeClientMessage({ v: 1, type: 'pull', requestId: 3, cursor: 'x', live: null }))
    expect(error.message).toContain('requestId')
    expect(error.message).toContain('cursor')
    expect(error.message).toContain('live')
  })
})

describe('decodeServerMessage', () => {
  it('decodes every server message', () => {
    const messages: ServerMessage[] = [
      { v: 1, type: 'welcome', backendId: 'b1', head: 0, limits: DEFAULT_LIMITS },
      { v: 1, type: 'events', requestId: 'r', events: [event(1)], head: 3, caughtUp: false },
      { v: 1, type: 'pushAck', requestId: 'r', head: 4 },
      { v: 1, type: 'pushRejected', requestId: 'r', reason: 'parent-mismatch', head: 2, missing: [event(1), event(2)], more: false },
      { v: 1, type: 'pong', id: 'p' },
      { v: 1, type: 'error', code: 'invalid-events', message: 'no', requestId: 'r' },
      { v: 1, type: 'error', code: 'internal', message: 'down' },
    ]
    for (const message of messages) expect(decodeServerMessage(encodeMessage(message))).toEqual({ ok: true, message })
    expect(SERVER_MESSAGE_TYPES).toEqual(['welcome', 'events', 'pushAck', 'pushRejected', 'pong', 'error'])
  })

  it('refuses unknown error codes, client messages and broken limits', () => {
    expect(failure(decodeServerMessage({ v: 1, type: 'error', code: 'teapot', message: 'x' })).field).toBe('code')
    expect(failure(decodeServerMessage({ v: 1, type: 'hello' })).code).toBe('unknown-type')
    const limits = failure(decodeServerMessage({ v: 1, type: 'welcome', backendId: 'b', head: 0, limits: { ...DEFAULT_LIMITS, maxEventsPerPush: 0 } }))
    expect(limits.field).toBe('limits.maxEventsPerPush')
    expect(failure(decodeServerMessage({ v: 3, type: 'welcome' })).code).toBe('version-mismatch')
    expect(failure(decodeServerMessage({ v: 3, type: 'welcome' })).message).toMatch(/Update the sync server/)
  })

  it('decodes event batches like the schema does at every boundary: fields dropped, the offending one named', () => {
    const batch = (events: unknown[]) => ({ v: 1, type: 'events', requestId: 'r', events, head: 9, caughtUp: true, extra: 1 })
    const edge = event(1, { name: 'n'.repeat(256), clientId: 'c'.repeat(64), sessionId: 's'.repeat(128), parentSeqNum: 0, args: null })
    expect(decodeServerMessage(batch([{ ...edge, unknown: true }]))).toEqual({
      ok: true,
      message: { v: 1, type: 'events', requestId: 'r', events: [edge], head: 9, caughtUp: true },
    })
    const cases: Array<[Partial<Record<keyof SyncEvent, unknown>>, string]> = [
      [{ name: 'n'.repeat(257) }, 'events[1].name'],
      [{ name: '' }, 'events[1].name'],
      [{ seqNum: 0 }, 'events[1].seqNum'],
      [{ seqNum: 1.5 }, 'events[1].seqNum'],
      [{ parentSeqNum: -1 }, 'events[1].parentSeqNum'],
      [{ clientId: 'c'.repeat(65) }, 'events[1].clientId'],
      [{ sessionId: 7 }, 'events[1].sessionId'],
      [{ timestamp: Number.POSITIVE_INFINITY }, 'events[1].timestamp'],
    ]
    for (const [over, field] of cases) {
      expect(failure(decodeServerMessage(batch([event(1), { ...event(2), ...over }]))).field, field).toBe(field)
    }
    const { args: _args, ...withoutArgs } = event(2)
    expect(failure(decodeServerMessage(batch([event(1), withoutArgs]))).field).toBe('events[1].args')
    expect(failure(decodeServerMessage({ ...batch([event(1)]), head: -1 })).field).toBe('head')
  })
})

describe('checkPushEvents', () => {
  it('accepts consecutive events of the connection’s client', () => {
    expect(checkPushEvents([event(5)], 'abc123')).toBeUndefined()
    expect(checkPushEvents([event(1), event(2), event(3)], 'abc123')).toBeUndefined()
  })

  it('names the first event that breaks a rule', () => {
    expect(checkPushEvents([event(1), event(3)], 'abc123')).toMatch(/^events\[1\]: parentSeqNum 2 is not the previous event's seqNum 1/)
    expect(checkPushEvents([event(1), { ...event(2), seqNum: 4 }], 'abc123')).toMatch(/^events\[1\]: seqNum 4 is not parentSeqNum 1 \+ 1/)
    expect(checkPushEvents([event(1), event(2, { clientId: 'other' })], 'abc123')).toMatch(/^events\[1\]: clientId "other"/)
  })
})

describe('types', () => {
  it('a decoded event is a SyncEvent of the transport contract and back', () => {
    expectTypeOf<SyncEventMessage>().toExtend<SyncEvent>()
    expectTypeOf<SyncEvent>().toExtend<SyncEventMessage>()
    expect(PROTOCOL_VERSION).toBe(1)
  })
})
