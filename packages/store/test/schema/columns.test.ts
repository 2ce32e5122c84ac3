import { describe, expect, it } from 'vitest'
import { ColumnCodecIssue } from '../../src/schema/internal.js'
import { Schema, SchemaError, State } from '../../src/schema/index.js'

const roundTrip = (column: { encode: (v: any) => unknown; decode: (v: any) => unknown }, value: unknown) =>
  column.decode(column.encode(value) as never)

describe('column definitions', () => {
  it('know their SQL type, kind, flags and default', () => {
    const id = State.SQLite.integer({ primaryKey: true, autoIncrement: true })
    expect(id).toMatchObject({ kind: 'integer', sqlType: 'integer', primaryKey: true, autoIncrement: true, nullable: false })
    expect(id.insertOptional).toBe(true)
    expect(State.SQLite.boolean().sqlType).toBe('integer')
    expect(State.SQLite.json().sqlType).toBe('text')
    expect(State.SQLite.datetime().sqlType).toBe('text')
    expect(State.SQLite.datetimeInteger().sqlType).toBe('integer')
    expect(State.SQLite.text().insertOptional).toBe(false)
    expect(State.SQLite.text({ nullable: true }).insertOptional).toBe(true)
    expect(State.SQLite.text({ default: 'x' }).default).toEqual({ _tag: 'value', value: 'x' })
    expect(State.SQLite.text({ nullable: true, default: null }).default).toEqual({ _tag: 'value', value: null })
    expect(State.SQLite.datetime({ default: { sql: 'CURRENT_TIMESTAMP' } }).default).toEqual({ _tag: 'sql', sql: 'CURRENT_TIMESTAMP' })
    expect(State.SQLite.text({ default: () => 'x' }).default._tag).toBe('thunk')
  })

  it('encode/decode the built-in types', () => {
    expect(State.SQLite.text().encode('a')).toBe('a')
    expect(State.SQLite.integer().encode(3)).toBe(3)
    expect(State.SQLite.integer().decode(3n)).toBe(3)
    expect(State.SQLite.real().encode(1.5)).toBe(1.5)
    expect(State.SQLite.boolean().encode(true)).toBe(1)
    expect(State.SQLite.boolean().encode(false)).toBe(0)
    expect(State.SQLite.boolean().decode(1)).toBe(true)
    expect(State.SQLite.boolean().decode(0)).toBe(false)
    expect(State.SQLite.json().encode({ a: [1] })).toBe('{"a":[1]}')
    expect(roundTrip(State.SQLite.json(), { a: [1, null] })).toEqual({ a: [1, null] })
    expect(State.SQLite.datetime().encode(new Date(0))).toBe('1970-01-01T00:00:00.000Z')
    expect(State.SQLite.datetime().decode('2024-01-02 03:04:05')).toEqual(new Date('2024-01-02T03:04:05.000Z'))
    expect(State.SQLite.datetime().decode('2024-01-02T03:04:05.678+02:00')).toEqual(new Date('2024-01-02T01:04:05.678Z'))
    expect(State.SQLite.datetimeInteger().encode(new Date(5))).toBe(5)
    expect(State.SQLite.datetimeInteger().decode(5)).toEqual(new Date(5))
    const bytes = new Uint8Array([1, 2])
    expect(State.SQLite.blob().encode(bytes)).toBe(bytes)
  })

  it('reject values that do not fit', () => {
    expect(() => State.SQLite.text().encode(1 as never)).toThrow(ColumnCodecIssue)
    expect(() => State.SQLite.integer().encode(1.5)).toThrow(/integer/)
    expect(() => State.SQLite.real().encode(Number.NaN)).toThrow(/number/)
    expect(() => State.SQLite.boolean().encode(1 as never)).toThrow(/boolean/)
    expect(() => State.SQLite.blob().encode([1] as never)).toThrow(/Uint8Array/)
    expect(() => State.SQLite.json().encode(undefined)).toThrow(/undefined/)
    expect(() => State.SQLite.json().encode(() => 1)).toThrow(/JSON value/)
    expect(() => State.SQLite.datetime().encode(new Date('x'))).toThrow(/valid Date/)
    expect(() => State.SQLite.text().encode(null as never)).toThrow(/not nullable/)
    expect(() => State.SQLite.datetime().decode('garbage')).toThrow(/ISO 8601/)
    expect(() => State.SQLite.json().decode('{oops')).toThrow(/JSON text/)
  })

  it('nullable columns store null', () => {
    const col = State.SQLite.datetime({ nullable: true })
    expect(col.encode(null)).toBe(null)
    expect(col.decode(null)).toBe(null)
  })

  it('custom schemas: integer + DateFromNumber → Date | null', () => {
    const col = State.SQLite.integer({ nullable: true, schema: Schema.DateFromNumber })
    expect(col.encode(new Date(42))).toBe(42)
    expect(col.decode(42)).toEqual(new Date(42))
    expect(col.encode(null)).toBe(null)
    expect(() => col.encode('x' as never)).toThrow(/does not match the column schema/)
  })

  it('custom schemas on text and on derived kinds compose with the base codec', () => {
    const status = State.SQLite.text({ schema: Schema.Literal('open', 'closed') })
    expect(status.encode('open')).toBe('open')
    expect(() => status.encode('other' as never)).toThrow(ColumnCodecIssue)
    expect(() => status.decode('other')).toThrow(/stored value does not match/)
    const ms = State.SQLite.datetime({ schema: Schema.Date.pipe(Schema.brand('Timestamp')) })
    expect(ms.encode(new Date(0) as never)).toBe('1970-01-01T00:00:00.000Z')
  })

  it('json with a schema stores its JSON form (Dates inside survive)', () => {
    const col = State.SQLite.json({ schema: Schema.Struct({ at: Schema.Date, tags: Schema.Array(Schema.String) }) })
    const value = { at: new Date(1), tags: ['a'] }
    expect(col.encode(value)).toBe('{"at":"1970-01-01T00:00:00.001Z","tags":["a"]}')
    expect(roundTrip(col, value)).toEqual(value)
    expect(() => col.decode('{"at":"x","tags":[]}')).toThrow(/stored JSON does not match/)
  })

  it('a non-nullable json column may hold JSON null if its schema allows', () => {
    const col = State.SQLite.json({ schema: Schema.NullOr(Schema.Number) })
    expect(col.encode(null)).toBe('null')
    expect(col.decode('null')).toBe(null)
  })

  it('each column has an Effect Schema decoding the stored value', () => {
    expect(Schema.decodeUnknownSync(State.SQLite.boolean().schema)(1)).toBe(true)
    expect(Schema.decodeUnknownSync(State.SQLite.datetime({ nullable: true }).schema)(null)).toBe(null)
    expect(Schema.decodeUnknownSync(State.SQLite.json({ schema: Schema.Struct({ a: Schema.Date }) }).schema)('{"a":"1970-01-01T00:00:00.000Z"}')).toEqual({
      a: new Date(0),
    })
    expect(Schema.decodeUnknownSync(State.SQLite.integer({ schema: Schema.DateFromNumber }).schema)(3)).toEqual(new Date(3))
  })

  it('check definitions early', () => {
    expect(() => State.SQLite.text({ autoIncrement: true })).toThrow(SchemaError)
    expect(() => State.SQLite.integer({ autoIncrement: true })).toThrow(/integer primary key/)
    expect(() => State.SQLite.boolean({ default: 'x' as never })).toThrow(/Invalid default/)
    expect(() => State.SQLite.text({ default: null as never })).toThrow(/not nullable/)
  })
})
