/**
 * Cairn's `Schema`: everything of Effect 4's `effect/Schema`, plus the few helpers the LiveStore
 * documentation uses that Effect 4 renamed or dropped (`Literal` with several values, `pluck`,
 * `headOrElse`, `DateFromNumber`). Apps import it as `import { Schema } from '@cairn/store'` and
 * write `Schema.Struct(...)`; the package index re-exports this module as a namespace.
 *
 * Local declarations below shadow the star re-export on purpose (ES modules give a module's own
 * exports precedence over `export *`), so `Schema.Literal` is ours and everything else is Effect's.
 */
import * as Effect from 'effect/Effect'
import * as EffectSchema from 'effect/Schema'
import type * as SchemaAST from 'effect/SchemaAST'
import * as SchemaGetter from 'effect/SchemaGetter'
import * as SchemaIssue from 'effect/SchemaIssue'
import * as SchemaTransformation from 'effect/SchemaTransformation'

export * from 'effect/Schema'

/** A value a literal schema can stand for (string, number, bigint, boolean or null). */
export type LiteralValue = SchemaAST.LiteralValue

/** Schema of exactly one literal value; same as Effect's `Schema.Literal`. */
export interface Literal<L extends LiteralValue> extends EffectSchema.Literal<L> {}

/**
 * A literal schema. With one value it is Effect's `Schema.Literal`; with several it is a union of
 * them (Effect 4's `Schema.Literals`), as in `Schema.Literal('red', 'blue', 'green')`.
 */
export function Literal<const L extends LiteralValue>(literal: L): EffectSchema.Literal<L>
export function Literal<const L extends readonly [LiteralValue, LiteralValue, ...Array<LiteralValue>]>(
  ...literals: L
): EffectSchema.Literals<L>
export function Literal(...literals: ReadonlyArray<LiteralValue>): EffectSchema.Top {
  // Keep the single-literal form identical to Effect's so `.literal` and friends stay available.
  if (literals.length === 1) return EffectSchema.Literal(literals[0] as LiteralValue)
  return EffectSchema.Literals(literals)
}

/** A struct-like schema that has a field named `K`. */
type HasField<K extends PropertyKey> = EffectSchema.Top & {
  readonly fields: { readonly [P in K]: EffectSchema.Top }
}

/** Result of {@link pluck}: decodes a struct to one of its fields' values. */
export interface pluck<S extends HasField<K>, K extends PropertyKey>
  extends EffectSchema.decodeTo<EffectSchema.toType<S['fields'][K]>, S> {}

/**
 * Turns a struct schema into the value of one of its fields: decoding `{ count: 3 }` gives `3`,
 * encoding `3` gives `{ count: 3 }`. Used for single-column raw queries:
 * `Schema.Struct({ count: Schema.Number }).pipe(Schema.pluck('count'), Schema.Array, Schema.headOrElse())`.
 */
export const pluck =
  <const K extends PropertyKey>(key: K) =>
  <S extends HasField<K>>(self: S): pluck<S, K> => {
    const field = self.fields[key] as EffectSchema.Top
    const to = EffectSchema.toType(field)
    const transformation = {
      decode: SchemaGetter.transform((struct: Record<PropertyKey, unknown>) => struct[key]),
      encode: SchemaGetter.transform((value: unknown) => ({ [key]: value })),
    }
    // The generic `decodeTo` cannot see that the getters line up with `S` and its field; they do.
    return (self as EffectSchema.Top).pipe(
      EffectSchema.decodeTo(to as EffectSchema.Top, transformation as never),
    ) as unknown as pluck<S, K>
  }

/** An array schema (`Schema.Array(item)`). */
type ArrayOf<A> = EffectSchema.Top & { readonly value: EffectSchema.Top & { readonly Type: A } }

/** Result of {@link headOrElse}: decodes an array to its first element. */
export interface headOrElse<S extends ArrayOf<unknown>>
  extends EffectSchema.decodeTo<EffectSchema.toType<S['value']>, S> {}

/**
 * Turns an array schema into its first element: decoding `[a, b]` gives `a`; an empty array gives
 * `fallback()` or, without a fallback, a decode error. Encoding `a` gives `[a]`.
 */
export const headOrElse =
  <A = unknown>(fallback?: () => A) =>
  <S extends ArrayOf<A>>(self: S): headOrElse<S> => {
    const to = EffectSchema.toType(self.value)
    const decode = SchemaGetter.transformEffect((array: ReadonlyArray<unknown>) => {
      if (array.length > 0) return Effect.succeed(array[0])
      if (fallback !== undefined) return Effect.succeed(fallback() as unknown)
      return Effect.fail(
        new SchemaIssue.InvalidValue({ message: 'Expected a non-empty array (headOrElse without fallback)' }, array),
      )
    })
    const encode = SchemaGetter.transform((value: unknown) => [value])
    return (self as EffectSchema.Top).pipe(
      EffectSchema.decodeTo(to as EffectSchema.Top, { decode, encode } as never),
    ) as unknown as headOrElse<S>
  }

/** Schema of a `Date` encoded as milliseconds since the epoch (any number, unlike `DateFromMillis`'s Int). */
export interface DateFromNumber extends EffectSchema.decodeTo<EffectSchema.Date, EffectSchema.Number> {}

/**
 * A `Date` stored as a number of milliseconds since the epoch. Used for integer columns holding
 * dates: `State.SQLite.integer({ nullable: true, schema: Schema.DateFromNumber })`.
 */
export const DateFromNumber: DateFromNumber = EffectSchema.Number.pipe(
  EffectSchema.decodeTo(EffectSchema.Date, SchemaTransformation.dateFromMillis),
)
