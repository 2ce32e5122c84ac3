import { describe, expect, it } from 'vitest'
import { decodeEventArgs, encodeEventArgs, isEventDef } from '../../src/schema/internal.js'
import { Events, EventDecodeError, EventEncodeError, InvalidEventArgsError, Schema } from '../../src/schema/index.js'

const todoCreated = Events.synced({
  name: 'v1.TodoCreated',
  schema: Schema.Struct({ id: Schema.String, text: Schema.String, completed: Schema.Boolean.pipe(Schema.optional) }),
})
const todoDeleted = Events.synced({
  name: 'v1.TodoDeleted',
  schema: Schema.Struct({ todoId: Schema.String, deletedAt: Schema.Date }),
})
const uiOpened = Events.clientOnly({ name: 'uiOpened', schema: Schema.Struct({}) })

describe('event definitions', () => {
  it('are callable and return { name, args } with args as given', () => {
    const args = { id: '1', text: 'Buy milk' }
    const event = todoCreated(args)
    expect(event).toEqual({ name: 'v1.TodoCreated', args })
    expect(event.args).toBe(args)
    expect(uiOpened({})).toEqual({ name: 'uiOpened', args: {} })
  })

  it('expose name, schema and options', () => {
    expect(todoCreated.name).toBe('v1.TodoCreated')
    expect(Schema.isSchema(todoCreated.schema)).toBe(true)
    expect(todoCreated.options).toEqual({ clientOnly: false })
    expect(uiOpened.options).toEqual({ clientOnly: true })
    expect(isEventDef(todoCreated)).toBe(true)
    expect(isEventDef(() => {})).toBe(false)
  })

  it('throw InvalidEventArgsError naming the event, the field and what was expected', () => {
    let error: unknown
    try {
      todoCreated({ id: 1, text: 'x', completed: 'yes' } as never)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(InvalidEventArgsError)
    const invalid = error as InvalidEventArgsError
    expect(invalid._tag).toBe('InvalidEventArgsError')
    expect(invalid.eventName).toBe('v1.TodoCreated')
    expect(invalid.issues).toEqual([
      { path: ['id'], message: 'Expected string, got number 1' },
      { path: ['completed'], message: 'Expected boolean | undefined, got string "yes"' },
    ])
    expect(invalid.message).toContain('"v1.TodoCreated"')
    expect(invalid.message).toContain('id: Expected string, got number 1')
  })

  it('report missing fields and non-object args', () => {
    expect(() => todoCreated({ id: '1' } as never)).toThrow(/text: missing \(required\)/)
    expect(() => todoCreated(null as never)).toThrow(/\(root\): Expected object, got null/)
  })

  it('reject invalid Dates', () => {
    expect(() => todoDeleted({ todoId: 'a', deletedAt: new Date('nope') })).toThrow(InvalidEventArgsError)
  })
})

describe('encodeEventArgs / decodeEventArgs', () => {
  it('encode to JSON-safe values (Dates as ISO strings) and decode back', () => {
    const args = { todoId: 'a', deletedAt: new Date('2024-03-04T05:06:07.000Z') }
    const encoded = encodeEventArgs(todoDeleted, args)
    expect(encoded).toEqual({ todoId: 'a', deletedAt: '2024-03-04T05:06:07.000Z' })
    expect(JSON.parse(JSON.stringify(encoded))).toEqual(encoded)
    expect(decodeEventArgs(todoDeleted, encoded)).toEqual(args)
  })

  it('handle bigint and Uint8Array', () => {
    const def = Events.synced({ name: 'bin', schema: Schema.Struct({ n: Schema.BigInt, bytes: Schema.Uint8Array }) })
    const encoded = encodeEventArgs(def, { n: 12n, bytes: new Uint8Array([1, 2, 3]) })
    expect(encoded).toEqual({ n: '12', bytes: 'AQID' })
    expect(decodeEventArgs(def, encoded)).toEqual({ n: 12n, bytes: new Uint8Array([1, 2, 3]) })
  })

  it('throw EventDecodeError naming the event when stored args do not match', () => {
    expect(() => decodeEventArgs(todoDeleted, { todoId: 'a', deletedAt: 'not a date' })).toThrow(EventDecodeError)
    try {
      decodeEventArgs(todoDeleted, { todoId: 1 })
    } catch (error) {
      expect((error as EventDecodeError).eventName).toBe('v1.TodoDeleted')
      expect((error as EventDecodeError).message).toContain('todoId')
    }
  })

  it('throw EventEncodeError for args that do not match', () => {
    expect(() => encodeEventArgs(todoDeleted, { todoId: 'a', deletedAt: 'x' })).toThrow(EventEncodeError)
  })
})
