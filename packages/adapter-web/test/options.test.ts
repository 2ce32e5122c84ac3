// What runs without a browser: option checks, the protocol's version check, errors across threads.
import { StoredEventDecodeError } from '@cairn/store'
import { describe, expect, test } from 'vitest'
import { InvalidAdapterOptionsError, LeaderProtocolError, LeaderWorkerError, makePersistedAdapter } from '../src/index.js'
import { ERROR_CLASSES } from '../src/error-classes.js'
import { parse, PROTOCOL_VERSION, reviveError, serializeError } from '../src/protocol.js'
import { makeWorker } from '../src/worker.js'
import { schema } from './app/schema.js'

const Worker = class {} as unknown as new () => Worker
const SharedWorker = class {} as unknown as new () => SharedWorker

describe('makePersistedAdapter options', () => {
  test('accepts OPFS storage with the two workers', () => {
    expect(typeof makePersistedAdapter({ storage: { type: 'opfs', directory: 'my-app/v1' }, worker: Worker, sharedWorker: SharedWorker })).toBe('function')
  })

  test.each([
    [{ type: 'fs' }],
    [{ type: 'opfs', directory: '../escape' }],
    [{ type: 'opfs', directory: '' }],
  ])('refuses storage %j, saying what to use', (storage) => {
    const make = () => makePersistedAdapter({ storage: storage as never, worker: Worker, sharedWorker: SharedWorker })
    expect(make).toThrow(InvalidAdapterOptionsError)
    expect(make).toThrow(/Use \{ storage: \{ type: 'opfs' \} \}/)
  })

  test('refuses missing workers, naming the Vite imports', () => {
    const make = () => makePersistedAdapter({ storage: { type: 'opfs' } } as never)
    expect(make).toThrow(InvalidAdapterOptionsError)
    expect(make).toThrow(/\?worker.*\?sharedworker/)
  })
})

test('makeWorker refuses to run outside a dedicated worker', () => {
  expect(() => makeWorker({ schema })).toThrow(InvalidAdapterOptionsError)
  expect(() => makeWorker({ schema })).toThrow(/dedicated web worker/)
})

describe('protocol', () => {
  test('a message of another version is refused with what to do', () => {
    const error = parse('session', { v: PROTOCOL_VERSION + 1, type: 'written', batch: 1 })
    expect(error).toBeInstanceOf(LeaderProtocolError)
    expect((error as Error).message).toMatch(/different versions of @cairn\/adapter-web/)
  })

  test('unknown types and foreign messages are refused; known ones pass', () => {
    expect(parse('session', { v: PROTOCOL_VERSION, type: 'boot' })).toBeInstanceOf(LeaderProtocolError)
    expect(parse('session', 'hello')).toBeInstanceOf(LeaderProtocolError)
    const message = { v: PROTOCOL_VERSION, type: 'written', batch: 3 }
    expect(parse('session', message)).toBe(message)
  })

  test('errors cross threads as instances of their class, with their fields and cause', () => {
    const original = new LeaderWorkerError('storage-busy', 'the directory stayed in use', { cause: new StoredEventDecodeError('v1.X', 'e3', new Error('bad')) })
    const revived = reviveError(structuredClone(serializeError(original)), ERROR_CLASSES)
    expect(revived).toBeInstanceOf(LeaderWorkerError)
    expect(revived).toMatchObject({ _tag: 'LeaderWorkerError', reason: 'storage-busy', message: 'the directory stayed in use' })
    expect(revived.cause).toBeInstanceOf(StoredEventDecodeError)
    expect(revived.cause).toMatchObject({ eventName: 'v1.X', seqNum: 'e3' })
  })
})
