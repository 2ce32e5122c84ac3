import { describe, expect, it } from 'vitest'
import { Schema } from '../../src/schema/index.js'

describe('Schema (Effect Schema 4 + doc extras)', () => {
  it('re-exports Effect Schema', () => {
    const Todo = Schema.Struct({ id: Schema.String, n: Schema.Number })
    expect(Schema.decodeUnknownSync(Todo)({ id: 'a', n: 1 })).toEqual({ id: 'a', n: 1 })
    expect(Schema.is(Schema.Array(Schema.String))(['a'])).toBe(true)
  })

  it('Literal takes one literal (Effect behaviour) or several (a union)', () => {
    const one = Schema.Literal('a')
    expect(one.literal).toBe('a')
    expect(Schema.is(one)('a')).toBe(true)
    expect(Schema.is(one)('b')).toBe(false)
    const several = Schema.Literal('red', 'blue', 'green')
    expect(several.literals).toEqual(['red', 'blue', 'green'])
    expect(Schema.is(several)('blue')).toBe(true)
    expect(Schema.is(several)('pink')).toBe(false)
    expect(Schema.is(Schema.Literal(1, 2))(2)).toBe(true)
  })

  it('pluck decodes a struct to one field and encodes back', () => {
    const count = Schema.Struct({ count: Schema.Number }).pipe(Schema.pluck('count'))
    expect(Schema.decodeUnknownSync(count)({ count: 3 })).toBe(3)
    expect(Schema.encodeSync(count)(3)).toEqual({ count: 3 })
    expect(() => Schema.decodeUnknownSync(count)({ count: 'x' })).toThrow()
  })

  it('headOrElse decodes an array to its first element, fallback or error when empty', () => {
    const head = Schema.Array(Schema.Number).pipe(Schema.headOrElse())
    expect(Schema.decodeUnknownSync(head)([4, 5])).toBe(4)
    expect(() => Schema.decodeUnknownSync(head)([])).toThrow(/non-empty array/)
    expect(Schema.encodeSync(head)(4)).toEqual([4])
    const withFallback = Schema.Array(Schema.Number).pipe(Schema.headOrElse(() => 0))
    expect(Schema.decodeUnknownSync(withFallback)([])).toBe(0)
  })

  it("docs count$ schema: Struct.pipe(pluck('count'), Array, headOrElse())", () => {
    const schema = Schema.Struct({ count: Schema.Number }).pipe(Schema.pluck('count'), Schema.Array, Schema.headOrElse())
    expect(Schema.decodeUnknownSync(schema)([{ count: 7 }])).toBe(7)
  })

  it('DateFromNumber: ms number ⇄ Date', () => {
    expect(Schema.decodeUnknownSync(Schema.DateFromNumber)(1000)).toEqual(new Date(1000))
    expect(Schema.encodeSync(Schema.DateFromNumber)(new Date(1500.5))).toBe(1500)
    expect(() => Schema.encodeUnknownSync(Schema.DateFromNumber)(new Date('x'))).toThrow()
  })

  it('Boolean.pipe(Schema.optional) makes an optional field (materializers docs)', () => {
    const s = Schema.Struct({ id: Schema.String, completed: Schema.Boolean.pipe(Schema.optional) })
    expect(Schema.is(s)({ id: 'a' })).toBe(true)
    expect(Schema.is(s)({ id: 'a', completed: true })).toBe(true)
    expect(Schema.is(s)({ id: 'a', completed: 'x' })).toBe(false)
  })
})
