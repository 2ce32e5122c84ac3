import { SQLITE_MISUSE, SQLITE_OK, SQLITE_PREPARE_PERSISTENT } from './constants.js'
import { sqliteFailure } from './failure.js'
import { RepeatedTexts } from './repeated-texts.js'
import type { SqliteRuntime } from './runtime.js'
import { SqliteError } from './sqlite-error.js'
import type { TableAccess } from './table-access.js'

/** A prepared statement with everything learned about it once, at prepare time. */
export interface PreparedStatement {
  readonly sql: string
  readonly pointer: number
  readonly columnNames: readonly string[]
  /** Name of parameter `i + 1` as written (`$id`, `:id`, `@id`, `?2`); null for a bare `?`. */
  readonly parameterNames: readonly (string | null)[]
  /** Parameter index by name, both with its prefix and without. */
  readonly parameterIndexes: ReadonlyMap<string, number>
  readonly access: TableAccess
  /** Short texts of the last rows read, reused when the next row repeats them. */
  readonly texts: RepeatedTexts
}

/** Prepares exactly one statement, recording the tables it reads and writes. */
export function prepareStatement(runtime: SqliteRuntime, db: number, sql: string): PreparedStatement {
  const { raw, memory } = runtime
  const length = memory.writeText(sql)
  const start = memory.scratch
  const statementSlot = memory.outSlot(0)
  const tailSlot = memory.outSlot(1)
  const { result: rc, access } = runtime.tableAccess.record(db, () =>
    raw.sqlite3_prepare_v3(db, start, length, SQLITE_PREPARE_PERSISTENT, statementSlot, tailSlot),
  )
  if (rc !== SQLITE_OK) {
    throw sqliteFailure(runtime, db, rc, {
      what: 'Could not prepare the statement',
      sql,
      hint: 'Check the syntax, and that the tables and columns it names exist in the current schema.',
    })
  }
  const pointer = memory.int32At(statementSlot)
  if (pointer === 0) {
    throw new SqliteError({
      problem: 'The SQL contains no statement (it is empty or only comments)',
      code: SQLITE_MISUSE,
      sql,
      hint: 'Pass exactly one SQL statement.',
    })
  }
  if (startsAnotherStatement(runtime, db, memory.int32At(tailSlot), start + length)) {
    raw.sqlite3_finalize(pointer)
    throw new SqliteError({
      problem: 'The SQL contains more than one statement',
      code: SQLITE_MISUSE,
      sql,
      hint: 'execute() and select() take exactly one statement; run the statements one at a time.',
    })
  }

  const columnNames: string[] = []
  const columnCount = raw.sqlite3_column_count(pointer)
  for (let column = 0; column < columnCount; column++) {
    columnNames.push(memory.cstringAt(raw.sqlite3_column_name(pointer, column)))
  }
  const parameterNames: (string | null)[] = []
  const parameterIndexes = new Map<string, number>()
  const parameterCount = raw.sqlite3_bind_parameter_count(pointer)
  for (let index = 1; index <= parameterCount; index++) {
    const namePointer = raw.sqlite3_bind_parameter_name(pointer, index)
    const name = namePointer === 0 ? null : memory.cstringAt(namePointer)
    parameterNames.push(name)
    if (name === null || name.startsWith('?')) continue
    parameterIndexes.set(name, index)
    if (!parameterIndexes.has(name.slice(1))) parameterIndexes.set(name.slice(1), index)
  }
  return { sql, pointer, columnNames, parameterNames, parameterIndexes, access, texts: new RepeatedTexts() }
}

/**
 * Whether the text between `tail` and `end`, left over by sqlite3_prepare, holds more than
 * whitespace, `;` and comments.
 */
function startsAnotherStatement(runtime: SqliteRuntime, db: number, tail: number, end: number): boolean {
  if (tail >= end) return false
  const { raw, memory } = runtime
  const statementSlot = memory.outSlot(2)
  const rc = raw.sqlite3_prepare_v3(db, tail, end - tail, 0, statementSlot, 0)
  const pointer = memory.int32At(statementSlot)
  raw.sqlite3_finalize(pointer)
  return rc !== SQLITE_OK || pointer !== 0
}
