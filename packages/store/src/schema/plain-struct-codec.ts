/**
 * A shortcut around Effect's parser for the most common event arguments: a struct of required
 * strings, finite numbers, booleans, literals and nulls. Their JSON form is the struct itself, so
 * encoding and decoding only check the fields and copy them, which costs a fraction of running the
 * schema's parser on every commit and on every event of a replay.
 */
import type * as EffectSchema from 'effect/Schema'
import type * as SchemaAST from 'effect/SchemaAST'

/** Encode or decode one value; `undefined` when the shortcut does not apply to it (use the full codec). */
export type PartialCodec = (value: unknown) => Record<string, unknown> | undefined

interface Field {
  readonly name: string
  readonly accepts: (value: unknown) => boolean
}

/**
 * The shortcut for `schema` if it is such a struct, else `undefined`. It answers only for values
 * it copies exactly as Effect's JSON codec would (known fields in schema order, other keys dropped)
 * and leaves everything else, e.g. NaN (which the JSON codec turns into a string) or invalid
 * values (whose error the full codec describes), to the full codec.
 */
export const plainStructCodec = (schema: EffectSchema.Top): PartialCodec | undefined => {
  const ast = schema.ast
  if (ast._tag !== 'Objects' || !isPlain(ast) || ast.indexSignatures.length > 0) return undefined
  const fields: Field[] = []
  for (const property of ast.propertySignatures) {
    // A context marks optional or mutable keys and defaults: left to Effect.
    if (typeof property.name !== 'string' || !isPlain(property.type) || property.type.context !== undefined) return undefined
    const accepts = acceptor(property.type)
    if (accepts === undefined) return undefined
    fields.push({ name: property.name, accepts })
  }
  return (value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined
    const record = value as Record<string, unknown>
    const copy: Record<string, unknown> = {}
    for (const { name, accepts } of fields) {
      const field = record[name]
      if (!accepts(field) || !Object.hasOwn(record, name)) return undefined
      copy[name] = field
    }
    return copy
  }
}

/** No transformation and no refinement: the value is its own JSON form once its type is checked. */
const isPlain = (ast: SchemaAST.AST): boolean =>
  ast.encoding === undefined && ast.checks === undefined && (ast as { encodingChecks?: unknown }).encodingChecks === undefined

const isString = (value: unknown): boolean => typeof value === 'string'
const isFiniteNumber = (value: unknown): boolean => typeof value === 'number' && Number.isFinite(value)
const isBoolean = (value: unknown): boolean => typeof value === 'boolean'
const isNull = (value: unknown): boolean => value === null

const acceptor = (ast: SchemaAST.AST): ((value: unknown) => boolean) | undefined => {
  switch (ast._tag) {
    case 'String':
      return isString
    case 'Number':
      return isFiniteNumber
    case 'Boolean':
      return isBoolean
    case 'Null':
      return isNull
    case 'Literal': {
      const literal = ast.literal
      if (typeof literal === 'string' || typeof literal === 'boolean' || (typeof literal === 'number' && Number.isFinite(literal))) {
        return (value) => value === literal
      }
      return undefined
    }
    default:
      return undefined
  }
}
