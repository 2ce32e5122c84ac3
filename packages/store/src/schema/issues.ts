import * as EffectSchema from 'effect/Schema'
import * as SchemaIssue from 'effect/SchemaIssue'
import type { ArgsIssue } from './errors.js'

// One formatter for the whole module: it is stateless and building it per error would be wasted work.
const formatter = SchemaIssue.makeFormatterStandardSchemaV1()

/** Reads the value at `path` in `input`, or `undefined` when the path does not exist. */
const valueAt = (input: unknown, path: ReadonlyArray<PropertyKey>): unknown => {
  let current = input
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined
    current = (current as Record<PropertyKey, unknown>)[key]
  }
  return current
}

/** A short description of a value for error messages: `string "abc"`, `number 3`, `Date`, ... */
export const describeValue = (value: unknown): string => {
  if (value === null) return 'null'
  if (value === undefined) return 'undefined'
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return `${typeof value} ${String(value)}`
  if (typeof value === 'symbol') return `symbol ${String(value.description)}`
  if (typeof value === 'function') return 'a function'
  if (Array.isArray(value)) return `an array of ${value.length}`
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'an invalid Date' : `Date ${value.toISOString()}`
  if (value instanceof Uint8Array) return `Uint8Array(${value.length})`
  const name = (value as object).constructor?.name
  return name !== undefined && name !== 'Object' ? `a ${name}` : 'an object'
}

/**
 * Turns an Effect `SchemaError` into a flat list of `{ path, message }`, adding what was actually
 * found at each path so the message says both what was expected and what was given.
 */
export const issuesOf = (error: unknown, input: unknown): ReadonlyArray<ArgsIssue> => {
  if (!EffectSchema.isSchemaError(error)) {
    return [{ path: [], message: error instanceof Error ? error.message : String(error) }]
  }
  return formatter(error.issue).issues.map((issue) => {
    const path = (issue.path ?? []).map((segment) =>
      typeof segment === 'object' && segment !== null ? (segment as { key: PropertyKey }).key : segment,
    )
    const missing = issue.message === 'Missing key'
    const message = missing ? 'missing (required)' : `${issue.message}, got ${describeValue(valueAt(input, path))}`
    return { path, message }
  })
}
