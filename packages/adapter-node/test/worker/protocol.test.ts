import { MessageChannel, type MessagePort } from 'node:worker_threads'
import { EventlogUnreadableError, LeaderProtocolError } from '@cairn/adapter-node'
import { DatabaseLockedError, SqliteError } from '@cairn/sqlite'
import { CairnError, StoredEventDecodeError, UnknownStoredEventError } from '@cairn/store'
import { afterEach, describe, expect, it } from 'vitest'
import {
  checkResult,
  parseFromWorker,
  parseToWorker,
  PROTOCOL_VERSION,
  reviveError,
  serializeError,
  type FromWorkerMessage,
} from '../../src/worker/protocol.js'
import { serveLeader } from '../../src/worker/serve-leader.js'
import { events, v1 } from '../fixtures/todo-app.mjs'

const v = PROTOCOL_VERSION
const seqNum = (global: number) => ({ global, client: 0, rebaseGeneration: 0 })
const event = (global: number) => ({
  name: 'v1.TodoCreated',
  args: { id: `t${global}`, text: 'x' },
  seqNum: seqNum(global),
  parentSeqNum: seqNum(global - 1),
  clientId: 'client',
  sessionId: 'session',
  timestamp: 1_700_000_000_000,
})

/** Structured clone, as postMessage does. */
const overTheWire = <T>(value: T): T => structuredClone(value)

describe('leader protocol: validation', () => {
  it('accepts the messages of the protocol', () => {
    const toWorker = [
      { v, type: 'boot', id: 1, storeId: 'todos', storage: { type: 'fs', baseDirectory: '/data' }, syncPayload: { token: 't' } },
      { v, type: 'boot', id: 1, storeId: 'todos', storage: { type: 'in-memory' }, syncPayload: undefined },
      { v, type: 'push', batch: 1, events: [event(1), event(2)], epoch: 0 },
      { v, type: 'request', id: 2, method: 'flush' },
    ]
    for (const message of toWorker) expect(parseToWorker(overTheWire(message))).toEqual({ ok: true, message })
    const fromWorker = [
      { v, type: 'ready', schema: { stateHash: 'abc', eventNames: ['a', 'b'] } },
      { v, type: 'bootStatus', status: { stage: 'migrating', progress: { done: 1, total: 2 } } },
      { v, type: 'written', batch: 3 },
      { v, type: 'result', id: 2, value: null },
      { v, type: 'failure', id: 2, error: serializeError(new Error('x')) },
      { v, type: 'log', level: 'warn', message: 'careful', error: null },
    ]
    for (const message of fromWorker) expect(parseFromWorker(overTheWire(message))).toEqual({ ok: true, message })
  })

  it('turns anything else into a LeaderProtocolError saying what is wrong, with the request id when there is one', () => {
    const cases: Array<[unknown, RegExp, number | undefined]> = [
      [null, /received a null instead of a message object/, undefined],
      ['flush', /received a string instead of a message object/, undefined],
      [{ hello: 'world' }, /not of the leader protocol \(\{"hello":"world"\}\)/, undefined],
      [{ v: 2, type: 'request', id: 7, method: 'flush' }, /speaks leader protocol version 2, this side version 1: .*different versions of @cairn\/adapter-node/, 7],
      [{ v, type: 'launch', id: 3 }, /message of type "launch", which it does not know/, 3],
      [{ v, type: 'request', id: 4, method: 'format' }, /unknown method "format"/, 4],
      [{ v, type: 'push', batch: 1, events: [event(1), { ...event(2), seqNum: { global: -1 } }], epoch: 0 }, /event #1 is not an encoded event/, undefined],
      [{ v, type: 'push', batch: 'one', events: [] }, /without a valid batch number, events or epoch/, undefined],
      [{ v, type: 'boot', id: 1, storeId: 'todos', storage: { type: 'fs' }, syncPayload: null }, /without a valid id, storeId or storage/, 1],
    ]
    for (const [data, message, id] of cases) {
      const parsed = parseToWorker(data)
      expect(parsed.ok, JSON.stringify(data)).toBe(false)
      if (parsed.ok) continue
      expect(parsed.error).toBeInstanceOf(LeaderProtocolError)
      expect(parsed.error._tag).toBe('LeaderProtocolError')
      expect(parsed.error.message).toMatch(message)
      expect(parsed.id).toBe(id)
    }
    const fromWorker: Array<[unknown, RegExp]> = [
      [{ v, type: 'bootStatus', status: { stage: 'rehydrating' } }, /invalid status/],
      [{ v, type: 'ready', schema: { stateHash: 1 } }, /without a valid schema fingerprint/],
      [{ v, type: 'failure', id: 1, error: { message: 'no name' } }, /without a valid id or error/],
      [{ v, type: 'log', level: 'debug', message: 'x', error: null }, /invalid level/],
    ]
    for (const [data, message] of fromWorker) {
      const parsed = parseFromWorker(data)
      expect(parsed.ok).toBe(false)
      if (!parsed.ok) expect(parsed.error.message).toMatch(message)
    }
  })

  it('checks the value of each answer against what the request returns', () => {
    expect(checkResult('flush', null)).toBeNull()
    expect(checkResult('exportEventlog', new Uint8Array(3))).toEqual(new Uint8Array(3))
    expect(checkResult('syncState', { localHead: seqNum(3), eventCount: 3 })).toEqual({ localHead: seqNum(3), eventCount: 3 })
    const booted = { clientId: 'c', storageMode: 'persisted', state: null, recentEvents: [], neverRewound: true }
    expect(checkResult('boot', booted)).toEqual(booted)
    expect(checkResult('exportEventlog', 'bytes')).toBeInstanceOf(LeaderProtocolError)
    expect(checkResult('boot', { clientId: 'c', storageMode: 'disk', state: null })).toBeInstanceOf(LeaderProtocolError)
    expect(checkResult('boot', { ...booted, neverRewound: undefined })).toBeInstanceOf(LeaderProtocolError)
  })
})

describe('leader protocol: errors across threads', () => {
  it('revives Cairn errors as instances of their class, with _tag, message, fields, stack and causes', () => {
    const locked = new DatabaseLockedError({ path: '/d/eventlog.db', lockPath: '/d/eventlog.db.lock', pid: 42, hostname: undefined, self: false, remote: false })
    const revived = reviveError(overTheWire(serializeError(locked)))
    expect(revived).toBeInstanceOf(DatabaseLockedError)
    expect(revived).toBeInstanceOf(CairnError)
    expect(revived).toMatchObject({ _tag: 'DatabaseLockedError', name: 'DatabaseLockedError', path: '/d/eventlog.db', pid: 42, hostname: undefined })
    expect(revived.message).toBe(locked.message)
    expect(revived.stack).toBe(locked.stack)

    const sqlite = new SqliteError({ problem: 'file is not a database', code: 26, hint: 'check it' })
    const unreadable = reviveError(overTheWire(serializeError(new EventlogUnreadableError('/d/eventlog.db', sqlite))))
    expect(unreadable).toBeInstanceOf(EventlogUnreadableError)
    expect(unreadable.cause).toBeInstanceOf(SqliteError)
    expect(unreadable.cause).toMatchObject({ code: 26, sql: undefined, message: sqlite.message })

    const decode = reviveError(overTheWire(serializeError(new StoredEventDecodeError('v1.TodoCreated', 'e1', new TypeError('bad')))))
    expect(decode).toBeInstanceOf(StoredEventDecodeError)
    expect(decode).toMatchObject({ eventName: 'v1.TodoCreated', seqNum: 'e1' })
    expect(decode.cause).toBeInstanceOf(TypeError)

    expect(reviveError(serializeError(new UnknownStoredEventError('x', 'e2')))).toBeInstanceOf(UnknownStoredEventError)
  })

  it('keeps the tag of a Cairn error this thread does not know, and survives things that are not errors', () => {
    class PluginError extends CairnError {
      readonly _tag = 'PluginError'
      readonly plugin = 'sync'
    }
    const plugin = reviveError(serializeError(new PluginError('plugin failed')))
    expect(plugin).toBeInstanceOf(CairnError)
    expect(plugin).toMatchObject({ _tag: 'PluginError', name: 'PluginError', plugin: 'sync', message: 'plugin failed' })

    expect(reviveError(serializeError('a thrown string'))).toMatchObject({ message: 'a thrown string' })
    expect(reviveError(serializeError({ code: 1 })).message).toBe('{"code":1}')
    const cyclic: Error & { self?: unknown } = new Error('cyclic')
    cyclic.self = cyclic
    cyclic.cause = cyclic
    expect(reviveError(overTheWire(serializeError(cyclic))).message).toBe('cyclic')
  })
})

describe('serveLeader (the worker side, over a message channel in this thread)', () => {
  const ports: MessagePort[] = []
  afterEach(() => {
    for (const port of ports.splice(0)) port.close()
  })

  /** A leader served on one end of a channel; returns the other end and the messages it received. */
  const serve = () => {
    const { port1, port2 } = new MessageChannel()
    ports.push(port1, port2)
    serveLeader(port2, v1.schema, undefined)
    const received: FromWorkerMessage[] = []
    const waiters: Array<() => void> = []
    port1.on('message', (message: FromWorkerMessage) => {
      received.push(message)
      for (const waiter of waiters.splice(0)) waiter()
    })
    const next = async (predicate: (message: FromWorkerMessage) => boolean): Promise<FromWorkerMessage> => {
      for (;;) {
        const found = received.find(predicate)
        if (found !== undefined) return found
        await new Promise<void>((resolve) => waiters.push(resolve))
      }
    }
    const answer = (id: number) => next((message) => (message.type === 'result' || message.type === 'failure') && message.id === id)
    return { port: port1, received, next, answer }
  }

  it('answers a malformed request with a failure naming the problem, and keeps serving', async () => {
    const { port, answer, next } = serve()
    expect(await next((message) => message.type === 'ready')).toMatchObject({ schema: { stateHash: v1.schema.stateHash } })
    port.postMessage({ v, type: 'request', id: 1, method: 'format' })
    const failure = await answer(1)
    expect(failure).toMatchObject({ type: 'failure', error: { tag: 'LeaderProtocolError' } })
    port.postMessage({ v, type: 'request', id: 2, method: 'flush' })
    expect(await answer(2)).toMatchObject({ type: 'failure', error: { tag: 'LeaderProtocolError', message: expect.stringMatching(/not booted/) } })

    port.postMessage({ v, type: 'boot', id: 3, storeId: 'todos', storage: { type: 'in-memory' }, syncPayload: undefined })
    expect(await answer(3)).toMatchObject({ type: 'result', value: { storageMode: 'in-memory', state: null } })
    port.postMessage({ v, type: 'push', batch: 1, events: [event(1)], epoch: 0 })
    port.postMessage({ v, type: 'request', id: 4, method: 'syncState' })
    expect(await answer(4)).toMatchObject({ type: 'result', value: { localHead: seqNum(1), eventCount: 1 } })
    expect(await next((message) => message.type === 'written')).toEqual({ v, type: 'written', batch: 1 })
  })

  it('after a message it cannot tell apart from lost events, flush fails instead of claiming everything is written', async () => {
    const { port, answer, next } = serve()
    port.postMessage({ v, type: 'boot', id: 1, storeId: 'todos', storage: { type: 'in-memory' }, syncPayload: undefined })
    await answer(1)
    port.postMessage({ v, type: 'push', batch: 1, events: [{ name: events.todoCreated.name }], epoch: 0 })
    const log = await next((message) => message.type === 'log')
    expect(log).toMatchObject({ level: 'error', error: { tag: 'LeaderProtocolError' } })
    port.postMessage({ v, type: 'request', id: 2, method: 'flush' })
    expect(await answer(2)).toMatchObject({ type: 'failure', error: { tag: 'LeaderProtocolError', message: expect.stringMatching(/event #0 is not an encoded event/) } })
    port.postMessage({ v, type: 'request', id: 3, method: 'shutdown' })
    expect(await answer(3)).toMatchObject({ type: 'failure', error: { tag: 'LeaderProtocolError' } })
  })
})
