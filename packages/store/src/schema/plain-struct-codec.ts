/**
 * A shortcut around Effect's parser for the most common event arguments: a struct of required
 * strings, finite numbers, booleans, literals and nulls, and unions of these (NullOr, Literals).
 * Their JSON form is the struct itself, so encoding and decoding only check the fields and copy
 * them, which costs a fraction of running the schema's parser on every commit and on every event
 * of a replay.
 */
import type * as EffectSchema from 'effect/Schema'
import type * as SchemaAST from 'effect/SchemaAST'

/** The shortcut: each answers `undefined` when it does not apply to a value (use the full codec then). */
export interface PlainStructCodec {
  /** Encodes or decodes a value (both are the same copy of the known fields). */
  copy(value: unknown): Record<string, unknown> | undefined
  /** Decodes stored JSON text: the same as `copy(JSON.parse(json))`, without building the parsed object. */
  parse(json: string): Record<string, unknown> | undefined
  /** Whether `copy` would answer for `value`; such a value also passes the schema's type guard. */
  matches(value: unknown): boolean
}

/** What a field accepts: a type, one literal, or any of several of these. */
const STRING = 0
const FINITE_NUMBER = 1
const BOOLEAN = 2
const NULL = 3
const LITERAL = 4
const ANY_OF = 5
type Accepts = typeof STRING | typeof FINITE_NUMBER | typeof BOOLEAN | typeof NULL | typeof LITERAL | typeof ANY_OF

/**
 * A field's check as data, one shape for every field: the commit path checks the fields of every
 * event type in the same functions, which a check per field as a function of its own would make
 * megamorphic calls (and, in V8, a deoptimization whenever a new event type comes along).
 */
interface Acceptor {
  readonly accepts: Accepts
  /** The literal of `LITERAL`. */
  readonly literal: unknown
  /** The members of `ANY_OF`. */
  readonly members: readonly Acceptor[]
}

interface Field extends Acceptor {
  readonly name: string
}

const accepts = (acceptor: Acceptor, value: unknown): boolean => {
  switch (acceptor.accepts) {
    case STRING:
      return typeof value === 'string'
    case FINITE_NUMBER:
      return typeof value === 'number' && Number.isFinite(value)
    case BOOLEAN:
      return typeof value === 'boolean'
    case NULL:
      return value === null
    case LITERAL:
      return value === acceptor.literal
    case ANY_OF: {
      const members = acceptor.members
      for (let index = 0; index < members.length; index++) if (accepts(members[index]!, value)) return true
      return false
    }
  }
}

/**
 * The shortcut for `schema` if it is such a struct, else `undefined`. It answers only for values
 * it copies exactly as Effect's JSON codec would (known fields in schema order, other keys dropped)
 * and leaves everything else, e.g. NaN (which the JSON codec turns into a string) or invalid
 * values (whose error the full codec describes), to the full codec.
 */
export const plainStructCodec = (schema: EffectSchema.Top): PlainStructCodec | undefined => {
  const ast = schema.ast
  if (ast._tag !== 'Objects' || !isPlain(ast) || ast.indexSignatures.length > 0) return undefined
  const fields: Field[] = []
  for (const property of ast.propertySignatures) {
    // A context marks optional or mutable keys and defaults: left to Effect.
    // `result[name] = …` would set the prototype for this one name.
    if (typeof property.name !== 'string' || property.name === '__proto__' || !isPlain(property.type) || property.type.context !== undefined) return undefined
    const acceptor = acceptorOf(property.type)
    if (acceptor === undefined) return undefined
    fields.push({ name: property.name, accepts: acceptor.accepts, literal: acceptor.literal, members: acceptor.members })
  }
  return new PlainStruct(fields)
}

/**
 * One class for every plain struct, its fields as data: `copy` and `matches` are then the same
 * functions whatever the event type (see Acceptor). Indexed loops without destructuring: until V8
 * optimizes these methods, for-of allocates an iterator result per field and destructuring reads
 * each field object again.
 */
class PlainStruct implements PlainStructCodec {
  readonly #fields: readonly Field[]

  constructor(fields: readonly Field[]) {
    this.#fields = fields
  }

  matches(value: unknown): boolean {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
    const record = value as Record<string, unknown>
    const fields = this.#fields
    for (let index = 0; index < fields.length; index++) {
      const field = fields[index]!
      if (!accepts(field, record[field.name]) || !Object.hasOwn(record, field.name)) return false
    }
    return true
  }

  copy(value: unknown): Record<string, unknown> | undefined {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined
    const record = value as Record<string, unknown>
    const fields = this.#fields
    const result: Record<string, unknown> = {}
    for (let index = 0; index < fields.length; index++) {
      const field = fields[index]!
      const fieldValue = record[field.name]
      if (!accepts(field, fieldValue) || !Object.hasOwn(record, field.name)) return undefined
      result[field.name] = fieldValue
    }
    return result
  }

  parse(json: string): Record<string, unknown> | undefined {
    if (!isFlatCandidate(json)) return undefined
    const inOrder = this.#parseInOrder(json)
    if (inOrder !== undefined) return inOrder
    const members = parseFlatObject(json)
    if (members === undefined) return undefined
    const result: Record<string, unknown> = {}
    const fields = this.#fields
    for (let index = 0; index < fields.length; index++) {
      const field = fields[index]!
      const at = lastKeyIndex(members, field.name)
      if (at < 0) return undefined
      const fieldValue = members[at + 1]
      if (!accepts(field, fieldValue)) return undefined
      result[field.name] = fieldValue
    }
    return result
  }

  /**
   * JSON.stringify of what `copy` built: exactly the fields, in schema order. Read in place, with no
   * key strings or member list: a replay decodes every stored event. `json` passed `isFlatCandidate`.
   */
  #parseInOrder(json: string): Record<string, unknown> | undefined {
    const result: Record<string, unknown> = {}
    const fields = this.#fields
    let position = 1
    for (let index = 0; index < fields.length; index++) {
      const field = fields[index]!
      const name = field.name
      if (index > 0) {
        if (json.charCodeAt(position) !== 0x2c /* , */) return undefined
        position++
      }
      const keyEnd = position + 1 + name.length
      if (json.charCodeAt(position) !== 0x22 /* " */ || !json.startsWith(name, position + 1)) return undefined
      if (json.charCodeAt(keyEnd) !== 0x22 /* " */ || json.charCodeAt(keyEnd + 1) !== 0x3a /* : */) return undefined
      const read = readValue(json, keyEnd + 2)
      if (read === undefined || !accepts(field, read.value)) return undefined
      result[name] = read.value
      position = read.end
    }
    return position === json.length - 1 && json.charCodeAt(position) === 0x7d /* } */ ? result : undefined
  }
}

/**
 * The shortcut of `schema`, looked for on first use: defining a schema costs nothing until it is
 * used. Answers null when the schema has none (so it is not looked for again).
 */
export const plainCodecOf = (schema: EffectSchema.Top): (() => PlainStructCodec | null) => {
  let codec: PlainStructCodec | null | undefined
  return () => {
    if (codec === undefined) codec = plainStructCodec(schema) ?? null
    return codec
  }
}

/** Where `name` is last among the keys of `members` (JSON.parse keeps the last of repeated keys), or -1. */
const lastKeyIndex = (members: readonly unknown[], name: string): number => {
  for (let index = members.length - 2; index >= 0; index -= 2) if (members[index] === name) return index
  return -1
}

/** Escapes and control characters (never in JSON.stringify's output of plain strings) are left to JSON.parse. */
const NEEDS_FULL_PARSER = /[\\\u0000-\u001f]/
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/

/** Text the parsers below may read: an object, without escapes or control characters. */
const isFlatCandidate = (json: string): boolean => json.charCodeAt(0) === 0x7b /* { */ && !NEEDS_FULL_PARSER.test(json)

/**
 * The members of a JSON object without nested objects or arrays and without whitespace (what
 * JSON.stringify writes for a plain struct), as `[key, value, key, value, ...]`; `undefined` for
 * anything else, which JSON.parse then handles (or rejects). `json` passed `isFlatCandidate`.
 */
const parseFlatObject = (json: string): unknown[] | undefined => {
  const members: unknown[] = []
  let position = 1
  if (json.charCodeAt(position) === 0x7d /* } */) return position === json.length - 1 ? members : undefined
  for (;;) {
    if (json.charCodeAt(position) !== 0x22 /* " */) return undefined
    const keyEnd = json.indexOf('"', position + 1)
    if (keyEnd < 0 || json.charCodeAt(keyEnd + 1) !== 0x3a /* : */) return undefined
    members.push(json.slice(position + 1, keyEnd))
    const read = readValue(json, keyEnd + 2)
    if (read === undefined) return undefined
    members.push(read.value)
    const next = json.charCodeAt(read.end)
    if (next === 0x7d /* } */) return read.end === json.length - 1 ? members : undefined
    if (next !== 0x2c /* , */) return undefined
    position = read.end + 1
  }
}

/** What `readValue` answers, one object reused: each value read is used before the next is read. */
const valueRead = { value: undefined as unknown, end: 0 }

/**
 * The string or literal value at `position` (no escapes: see NEEDS_FULL_PARSER) and where it ends,
 * or `undefined` when it is not one.
 */
const readValue = (json: string, position: number): typeof valueRead | undefined => {
  if (json.charCodeAt(position) === 0x22 /* " */) {
    const close = json.indexOf('"', position + 1)
    if (close < 0) return undefined
    valueRead.value = json.slice(position + 1, close)
    valueRead.end = close + 1
    return valueRead
  }
  let end = position
  while (end < json.length && json.charCodeAt(end) !== 0x2c /* , */ && json.charCodeAt(end) !== 0x7d /* } */) end++
  const literal = json.slice(position, end)
  if (literal === 'true') valueRead.value = true
  else if (literal === 'false') valueRead.value = false
  else if (literal === 'null') valueRead.value = null
  else if (NUMBER.test(literal)) valueRead.value = Number(literal)
  else return undefined
  valueRead.end = end
  return valueRead
}

/** No transformation and no refinement: the value is its own JSON form once its type is checked. */
const isPlain = (ast: SchemaAST.AST): boolean =>
  ast.encoding === undefined && ast.checks === undefined && (ast as { encodingChecks?: unknown }).encodingChecks === undefined

const NO_MEMBERS: readonly Acceptor[] = []

const acceptorOf = (ast: SchemaAST.AST): Acceptor | undefined => {
  switch (ast._tag) {
    case 'String':
      return { accepts: STRING, literal: undefined, members: NO_MEMBERS }
    case 'Number':
      return { accepts: FINITE_NUMBER, literal: undefined, members: NO_MEMBERS }
    case 'Boolean':
      return { accepts: BOOLEAN, literal: undefined, members: NO_MEMBERS }
    case 'Null':
      return { accepts: NULL, literal: undefined, members: NO_MEMBERS }
    case 'Literal': {
      const literal = ast.literal
      if (typeof literal === 'string' || typeof literal === 'boolean' || (typeof literal === 'number' && Number.isFinite(literal))) {
        return { accepts: LITERAL, literal, members: NO_MEMBERS }
      }
      return undefined
    }
    case 'Union': {
      // NullOr(String), Literals([...]): a value is its own JSON form when every member's is. In
      // 'oneOf' mode Effect refuses a value more than one member accepts, which is left to it.
      if ((ast as SchemaAST.Union).options?.mode === 'oneOf') return undefined
      const members: Acceptor[] = []
      for (const member of (ast as SchemaAST.Union).types) {
        const acceptor = isPlain(member) ? acceptorOf(member) : undefined
        if (acceptor === undefined) return undefined
        members.push(acceptor)
      }
      return { accepts: ANY_OF, literal: undefined, members }
    }
    default:
      return undefined
  }
}
