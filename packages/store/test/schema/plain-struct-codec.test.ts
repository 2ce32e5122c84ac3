import * as EffectSchema from 'effect/Schema'
import { describe, expect, it } from 'vitest'
import { decodeEventArgs, decodeEventArgsJson, encodeEventArgs } from '../../src/schema/internal.js'
import { plainStructCodec } from '../../src/schema/plain-struct-codec.js'
import { Events, Schema, State } from '../../src/schema/index.js'

// Event arguments of plain structs skip Effect's parser: the results must be Effect's, value for value.

const Plain = Schema.Struct({ s: Schema.String, n: Schema.Number, b: Schema.Boolean, l: Schema.Literal('x'), z: Schema.Null })
const def = Events.synced({ name: 'v1.Plain', schema: Plain })
const json = EffectSchema.toCodecJson(Plain)
const effectEncode = EffectSchema.encodeUnknownSync(json)
const effectDecode = EffectSchema.decodeUnknownSync(json)

const inherited = Object.assign(Object.create({ z: null }) as object, { s: 'a', n: 1, b: true, l: 'x' })
const values: unknown[] = [
  { s: 'a', n: 1, b: true, l: 'x', z: null },
  { z: null, l: 'x', b: false, n: -0.5, s: '' },
  { s: 'a', n: 1, b: true, l: 'x', z: null, extra: { deep: 1 } },
  { s: 'a', n: Number.NaN, b: true, l: 'x', z: null },
  { s: 'a', n: Number.POSITIVE_INFINITY, b: true, l: 'x', z: null },
  { s: 'a', n: 'NaN', b: true, l: 'x', z: null },
  { s: 'a', n: 1, b: true, l: 'y', z: null },
  { s: 'a', n: 1, b: true, l: 'x' },
  { s: 'a', n: 1, b: 1, l: 'x', z: null },
  { s: 'a', n: 1, b: true, l: 'x', z: undefined },
  inherited,
  ['a', 1, true, 'x', null],
  null,
  'text',
]

/** `{ value }` or `{ error }` (the message), to compare outcomes. */
const outcome = (run: () => unknown) => {
  try {
    const value = run()
    return { value, keys: typeof value === 'object' && value !== null ? Object.keys(value) : [] }
  } catch (error) {
    return { error: (error as Error).message }
  }
}

describe('plain struct codec', () => {
  it.each(values.map((value, index) => [index, value]))('value %i encodes and decodes exactly as Effect does', (_, value) => {
    const fast = outcome(() => encodeEventArgs(def, value))
    const effect = outcome(() => effectEncode(value))
    expect('error' in fast).toBe('error' in effect)
    if (!('error' in fast)) expect(fast).toEqual(effect)
    const fastDecoded = outcome(() => decodeEventArgs(def, value))
    const effectDecoded = outcome(() => effectDecode(value))
    expect('error' in fastDecoded).toBe('error' in effectDecoded)
    if (!('error' in fastDecoded)) expect(fastDecoded).toEqual(effectDecoded)
  })

  it.each(values.map((value, index) => [index, value]))('value %i makes an event exactly when Effect\'s type guard accepts it', (_, value) => {
    const made = outcome(() => def(value as never))
    expect('error' in made).toBe(!EffectSchema.is(Plain)(value))
    if ('error' in made) expect(() => def(value as never)).toThrowError(expect.objectContaining({ _tag: 'InvalidEventArgsError' }))
  })

  const texts = [
    '{"s":"a","n":1,"b":true,"l":"x","z":null}',
    '{"z":null,"l":"x","b":false,"n":-0,"s":""}',
    '{"s":"é日本 \u{1F600}","n":1.5e-7,"b":true,"l":"x","z":null}',
    '{"s":"a\\"b","n":1,"b":true,"l":"x","z":null}',
    '{"s":"a\\u0041","n":1,"b":true,"l":"x","z":null}',
    '{"s":"a","n":1,"b":true,"l":"x","z":null,"extra":[1,{"a":2}]}',
    '{"s":"a","n":1,"b":true,"l":"x","z":null,"s":"last"}',
    '{"l":"x","s":"l","n":2,"b":true,"z":null}',
    '{"n":"s","s":"n","b":true,"l":"x","z":null}',
    '{ "s":"a","n":1,"b":true,"l":"x","z":null}',
    '{"s":"a","n":01,"b":true,"l":"x","z":null}',
    '{"s":"a","n":1.,"b":true,"l":"x","z":null}',
    '{"s":"a","n":1e400,"b":true,"l":"x","z":null}',
    '{"s":"a","n":"NaN","b":true,"l":"x","z":null}',
    '{"s":"a","n":1,"b":true,"l":"x","z":null}x',
    '{"s":"a","n":1,"b":true,"l":"x","z":null',
    '{"s":"a","n":1,"b":tru,"l":"x","z":null}',
    '{"s":"a\nb","n":1,"b":true,"l":"x","z":null}',
    '{"s":"a","n":1,"b":true,"l":"x","z":null,}',
    '{"sx":"a","n":1,"b":true,"l":"x","z":null}',
    '{"s":"a","n":1,"b":true,"l":"x","z":null,"zz":1}',
    '{"s":"a","n":1,"b":true,"l":"x","z":nul}',
    '{"s":"a""n":1,"b":true,"l":"x","z":null}',
    '{"s":"a","n":1,"b":true,"l":"x","z":null}}',
    '{"s":"a","n":1,"b":true,"l":"x"}',
    '{}',
    '[]',
    'null',
    '',
  ]

  it.each(texts.map((text, index) => [index, text]))('JSON text %i decodes exactly as JSON.parse + Effect does', (_, text) => {
    const fast = outcome(() => decodeEventArgsJson(def, text))
    const effect = outcome(() => effectDecode(JSON.parse(text)))
    expect('error' in fast).toBe('error' in effect)
    if ('error' in fast) expect(() => decodeEventArgsJson(def, text)).toThrowError(expect.objectContaining({ _tag: 'EventDecodeError' }))
    else expect(fast).toEqual(effect)
  })

  it('applies only to structs of required, untransformed, unrefined primitive fields', () => {
    expect(plainStructCodec(Plain)).toBeDefined()
    expect(plainStructCodec(Schema.Struct({}))).toBeDefined()
    expect(plainStructCodec(Schema.Struct({ d: Schema.Date }))).toBeUndefined()
    expect(plainStructCodec(Schema.Struct({ o: Schema.optional(Schema.String) }))).toBeUndefined()
    expect(plainStructCodec(Schema.Struct({ o: Schema.optionalKey(Schema.String) }))).toBeUndefined()
    expect(plainStructCodec(Schema.Struct({ s: Schema.String.check(Schema.isMinLength(2)) }))).toBeUndefined()
    expect(plainStructCodec(Schema.Struct({ a: Schema.Array(Schema.String) }))).toBeUndefined()
    expect(plainStructCodec(Schema.Struct({ u: Schema.Union([Schema.String, Schema.Number]) }))).toBeDefined()
    expect(plainStructCodec(Schema.Struct({ u: Schema.Union([Schema.String, Schema.Literal('a')], { mode: 'oneOf' }) }))).toBeUndefined()
    expect(plainStructCodec(Schema.Struct({ u: Schema.NullOr(Schema.Date) }))).toBeUndefined()
    expect(plainStructCodec(Schema.Struct({ u: Schema.NullOr(Schema.String.check(Schema.isMinLength(2))) }))).toBeUndefined()
    expect(plainStructCodec(Schema.Struct({ n: Schema.NumberFromString }))).toBeUndefined()
    expect(plainStructCodec(Schema.String)).toBeUndefined()
  })
})

// Unions of plain members (NullOr, literal unions) take the same shortcut.
const Unions = Schema.Struct({
  maybe: Schema.NullOr(Schema.Number),
  filter: EffectSchema.Literals(['all', 'active', 'completed']),
  either: Schema.Union([Schema.String, Schema.Boolean]),
})
const unionsDef = Events.synced({ name: 'v1.Unions', schema: Unions })
const unionsJson = EffectSchema.toCodecJson(Unions)

describe('plain struct codec, union fields', () => {
  const unionValues: unknown[] = [
    { maybe: null, filter: 'all', either: 'x' },
    { maybe: 2.5, filter: 'completed', either: false },
    { maybe: Number.NaN, filter: 'all', either: 'x' },
    { maybe: '1', filter: 'all', either: 'x' },
    { maybe: 1, filter: 'none', either: 'x' },
    { maybe: 1, filter: 'active', either: 0 },
    { maybe: undefined, filter: 'active', either: true },
    { filter: 'active', either: true },
  ]

  it.each(unionValues.map((value, index) => [index, value]))('value %i encodes, decodes and makes an event exactly as Effect does', (_, value) => {
    const fast = outcome(() => encodeEventArgs(unionsDef, value))
    const effect = outcome(() => EffectSchema.encodeUnknownSync(unionsJson)(value))
    expect('error' in fast).toBe('error' in effect)
    if (!('error' in fast)) expect(fast).toEqual(effect)
    const fastDecoded = outcome(() => decodeEventArgs(unionsDef, value))
    const effectDecoded = outcome(() => EffectSchema.decodeUnknownSync(unionsJson)(value))
    expect('error' in fastDecoded).toBe('error' in effectDecoded)
    if (!('error' in fastDecoded)) expect(fastDecoded).toEqual(effectDecoded)
    const made = outcome(() => unionsDef(value as never))
    expect('error' in made).toBe(!EffectSchema.is(Unions)(value))
  })

  it.each([
    '{"maybe":null,"filter":"all","either":"x"}',
    '{"maybe":3,"filter":"active","either":true}',
    '{"maybe":"3","filter":"active","either":true}',
    '{"maybe":3,"filter":"done","either":true}',
    '{"maybe":3,"filter":"active","either":null}',
  ].map((text, index) => [index, text]))('JSON text %i decodes exactly as JSON.parse + Effect does', (_, text) => {
    const fast = outcome(() => decodeEventArgsJson(unionsDef, text))
    const effect = outcome(() => EffectSchema.decodeUnknownSync(unionsJson)(JSON.parse(text)))
    expect('error' in fast).toBe('error' in effect)
    if (!('error' in fast)) expect(fast).toEqual(effect)
  })

  it('uses the shortcut for these unions', () => {
    expect(plainStructCodec(Unions)).toBeDefined()
  })
})

// JSON columns whose schema is a plain struct take the shortcut too (client documents are such columns).
describe('plain struct codec, json columns', () => {
  const column = State.SQLite.json({ schema: Plain })
  const texts = ['{"s":"a","n":1,"b":true,"l":"x","z":null}', '{"z":null,"l":"x","b":false,"n":2,"s":"b","extra":1}', '{"s":"a","n":1}', '{"s":"a","n":"1","b":true,"l":"x","z":null}', '{ "s" : "a", "n":1,"b":true,"l":"x","z":null}']

  it.each(values.map((value, index) => [index, value]))('value %i is stored exactly as through Effect', (_, value) => {
    const fast = outcome(() => column.encode(value as never))
    const effect = outcome(() => JSON.stringify(effectEncode(value)))
    expect('error' in fast).toBe('error' in effect)
    if (!('error' in fast)) expect(fast.value).toBe(effect.value)
  })

  it.each(texts.map((text, index) => [index, text]))('stored text %i reads exactly as through Effect', (_, text) => {
    const fast = outcome(() => column.decode(text))
    const effect = outcome(() => effectDecode(JSON.parse(text)))
    expect('error' in fast).toBe('error' in effect)
    if ('error' in fast) expect(() => column.decode(text)).toThrow(/stored JSON does not match the column schema/)
    else expect(fast).toEqual(effect)
  })
})
