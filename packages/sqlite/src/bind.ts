import type { BindValue, BindValues } from '@cairn/store'
import { SQLITE_MISMATCH, SQLITE_OK, SQLITE_RANGE, SQLITE_TRANSIENT } from './constants.js'
import { sqliteFailure } from './failure.js'
import type { PreparedStatement } from './prepare.js'
import type { SqliteRuntime } from './runtime.js'
import { SqliteError } from './sqlite-error.js'

const INT32_MIN = -(2 ** 31)
const INT32_MAX = 2 ** 31 - 1
const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n

const isPositional = (values: BindValues): values is readonly BindValue[] => Array.isArray(values)

/** Bound text and blobs above this many bytes are released after the run instead of kept until the next. */
const LARGE_BINDINGS_BYTES = 64 * 1024

/**
 * Binds `values` to every parameter of `statement`, or throws if they do not match its parameters
 * one to one. Binding every parameter on every run means no value can leak from a previous run.
 *
 * @returns whether the bound values are large enough to be worth clearing after the run. Small
 * ones stay bound on purpose: SQLite re-prepares a statement whose plan used a parameter (`LIMIT ?`,
 * `LIKE ?`) whenever that parameter's value changes, and clearing makes every run such a change.
 */
export function bindParameters(
  runtime: SqliteRuntime,
  db: number,
  statement: PreparedStatement,
  values: BindValues | undefined,
): boolean {
  const count = statement.parameterNames.length
  if (values === undefined) {
    if (count > 0) throw parameterMismatch(statement, `it has ${count} parameter(s) and no values were given`)
    return false
  }
  let bytes = 0
  if (isPositional(values)) {
    if (values.length !== count) {
      throw parameterMismatch(statement, `it has ${count} parameter(s) and ${values.length} value(s) were given`)
    }
    for (let index = 1; index <= count; index++) bytes += bindValue(runtime, db, statement, index, values[index - 1])
    return bytes > LARGE_BINDINGS_BYTES
  }
  let bound = 0
  for (const name in values) {
    const index = statement.parameterIndexes.get(name)
    if (index === undefined) {
      throw parameterMismatch(statement, `it has no parameter named "${name}" (it has ${describeNames(statement)})`)
    }
    bytes += bindValue(runtime, db, statement, index, values[name])
    bound++
  }
  if (bound !== count) {
    throw parameterMismatch(
      statement,
      `it has ${count} parameter(s) (${describeNames(statement)}) and ${bound} named value(s) were given`,
    )
  }
  return bytes > LARGE_BINDINGS_BYTES
}

/** Binds one value; returns how many bytes of text or blob SQLite copied. */
function bindValue(
  runtime: SqliteRuntime,
  db: number,
  statement: PreparedStatement,
  index: number,
  value: BindValue | undefined,
): number {
  const { raw, memory } = runtime
  const pointer = statement.pointer
  let rc: number
  let bytes = 0
  switch (typeof value) {
    case 'number':
      if (!Number.isInteger(value)) rc = raw.sqlite3_bind_double(pointer, index, value)
      else if (value >= INT32_MIN && value <= INT32_MAX) rc = raw.sqlite3_bind_int(pointer, index, value)
      else if (Number.isSafeInteger(value)) rc = raw.sqlite3_bind_int64(pointer, index, BigInt(value))
      // Beyond 2^53 a number has already lost integer precision; store it as the REAL it is.
      else rc = raw.sqlite3_bind_double(pointer, index, value)
      break
    case 'string': {
      const length = memory.writeText(value)
      rc = raw.sqlite3_bind_text(pointer, index, memory.scratch, length, SQLITE_TRANSIENT)
      bytes = length
      break
    }
    case 'bigint':
      if (value < INT64_MIN || value > INT64_MAX) {
        throw unbindable(statement, index, `${value}n is outside SQLite's 64-bit integer range`)
      }
      rc = raw.sqlite3_bind_int64(pointer, index, value)
      break
    case 'object':
      if (value === null) {
        rc = raw.sqlite3_bind_null(pointer, index)
      } else if (value instanceof Uint8Array) {
        memory.writeBytes(value)
        rc = raw.sqlite3_bind_blob(pointer, index, memory.scratch, value.length, SQLITE_TRANSIENT)
        bytes = value.length
      } else {
        throw unbindable(statement, index, `an object (${Object.prototype.toString.call(value)}) cannot be bound`)
      }
      break
    default:
      throw unbindable(statement, index, `${typeof value} values cannot be bound`)
  }
  if (rc !== SQLITE_OK) {
    throw sqliteFailure(runtime, db, rc, {
      what: `Could not bind ${parameterLabel(statement, index)}`,
      sql: statement.sql,
      hint: 'Bind a smaller value, or check the value against the statement.',
    })
  }
  return bytes
}

function parameterLabel(statement: PreparedStatement, index: number): string {
  const name = statement.parameterNames[index - 1]
  return name === null || name === undefined ? `parameter ${index}` : `parameter ${index} (${name})`
}

function describeNames(statement: PreparedStatement): string {
  const names = statement.parameterNames.map((name, i) => name ?? `?${i + 1}`)
  return names.length === 0 ? 'none' : names.join(', ')
}

function parameterMismatch(statement: PreparedStatement, detail: string): SqliteError {
  return new SqliteError({
    problem: `The values do not match the statement's parameters: ${detail}`,
    code: SQLITE_RANGE,
    sql: statement.sql,
    hint: 'Pass an array with one value per parameter, or a record with one entry per named parameter ($name, :name or @name; the prefix may be left out).',
  })
}

function unbindable(statement: PreparedStatement, index: number, detail: string): SqliteError {
  return new SqliteError({
    problem: `Cannot bind ${parameterLabel(statement, index)}: ${detail}`,
    code: SQLITE_MISMATCH,
    sql: statement.sql,
    hint: 'Bind a number, bigint, string, Uint8Array or null. Booleans are not converted: bind 1 or 0. Use null, not undefined, for SQL NULL.',
  })
}
