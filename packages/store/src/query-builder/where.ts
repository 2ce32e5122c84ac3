/**
 * Turns the arguments of `where(...)` into SQL fragments with bind values, at call time, so a bad
 * condition throws where it is written and compiling is only joining strings.
 */
import { describeValue } from '../schema/issues.js'
import { QueryBuilderError } from './errors.js'
import { columnOf, quotedColumn, type TableInfo } from './table-info.js'
import type { CompiledBindValue } from './types.js'
import { encodeValue } from './values.js'

/** One condition: SQL text and its bind values. Conditions are ANDed. */
export interface WhereFragment {
  readonly sql: string
  readonly bindValues: ReadonlyArray<CompiledBindValue>
  /** The column the condition is on. */
  readonly column: string
}

type Op = '=' | '!=' | '<' | '>' | '<=' | '>=' | 'LIKE' | 'NOT LIKE' | 'IN' | 'NOT IN'

const ops: Readonly<Record<string, Op>> = {
  '=': '=',
  '==': '=',
  '!=': '!=',
  '<': '<',
  '>': '>',
  '<=': '<=',
  '>=': '>=',
  LIKE: 'LIKE',
  'NOT LIKE': 'NOT LIKE',
  IN: 'IN',
  'NOT IN': 'NOT IN',
}

/** The canonical operator for user input (`'like'`, `'not  in'`, `'=='`...), or undefined. */
const normalizeOp = (op: unknown): Op | undefined =>
  typeof op === 'string' ? ops[op.trim().replace(/\s+/g, ' ').toUpperCase()] : undefined

/**
 * Whether a where value is `{ op, value }` rather than a value to compare with. Only plain objects
 * with a known `op` and no other keys than `op`/`value` count, so ordinary values are not mistaken
 * for conditions (a JSON column value of exactly that shape is the one ambiguous case).
 */
const asOpCondition = (value: unknown): { op: Op; value: unknown } | undefined => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined
  const proto = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null) return undefined
  if (!('op' in value)) return undefined
  for (const key of Object.keys(value)) if (key !== 'op' && key !== 'value') return undefined
  const op = normalizeOp((value as { op: unknown }).op)
  return op === undefined ? undefined : { op, value: (value as { value?: unknown }).value }
}

/**
 * `"col" <op> ?`, one string per table, operator and column: conditions built per event (a
 * materializer's `where({ id })`) then share their SQL text, which the SQL of writes is cached by.
 */
const comparisonSql = (table: TableInfo, column: string, op: Op): string => {
  let byColumn = table.comparisons.get(op)
  if (byColumn === undefined) table.comparisons.set(op, (byColumn = new Map()))
  let sql = byColumn.get(column)
  if (sql === undefined) byColumn.set(column, (sql = `${quotedColumn(table, column)} ${op} ?`))
  return sql
}

const condition = (table: TableInfo, column: string, op: Op, value: unknown): WhereFragment => {
  const def = columnOf(table, column)
  if (value === undefined) {
    // Skipping it would silently widen the query (an update without where hits every row).
    throw new QueryBuilderError(table.name, `where value for "${column}" is undefined; use null to match NULL.`)
  }
  switch (op) {
    case '=':
      return value === null
        ? { sql: `${quotedColumn(table, column)} IS NULL`, bindValues: [], column }
        : { sql: comparisonSql(table, column, op), bindValues: [encodeValue(table, column, value, def)], column }
    case '!=':
      return value === null
        ? { sql: `${quotedColumn(table, column)} IS NOT NULL`, bindValues: [], column }
        : { sql: comparisonSql(table, column, op), bindValues: [encodeValue(table, column, value, def)], column }
    case '<':
    case '>':
    case '<=':
    case '>=':
      if (value === null) throw new QueryBuilderError(table.name, `"${column}" ${op} null never matches; compare with a value.`)
      return { sql: comparisonSql(table, column, op), bindValues: [encodeValue(table, column, value, def)], column }
    case 'LIKE':
    case 'NOT LIKE':
      // A pattern, not a column value: bound as given.
      if (typeof value !== 'string') {
        throw new QueryBuilderError(table.name, `${op} on "${column}" takes a pattern string, got ${describeValue(value)}.`)
      }
      return { sql: `${quotedColumn(table, column)} ${op} ?`, bindValues: [value], column }
    case 'IN':
    case 'NOT IN': {
      if (!Array.isArray(value)) {
        throw new QueryBuilderError(table.name, `${op} on "${column}" takes an array, got ${describeValue(value)}.`)
      }
      const bindValues = value.map((item: unknown) => {
        if (item === null) {
          throw new QueryBuilderError(table.name, `null in an ${op} list on "${column}" never matches; use where({ ${column}: null }).`)
        }
        return encodeValue(table, column, item, def)
      })
      // SQLite accepts an empty list: IN () matches nothing, NOT IN () everything.
      return { sql: `${quotedColumn(table, column)} ${op} (${bindValues.map(() => '?').join(', ')})`, bindValues, column }
    }
  }
}

/** Fragments for the arguments of one `where` call: `(object)`, `(column, value)` or `(column, op, value)`. */
export const whereFragments = (table: TableInfo, args: ReadonlyArray<unknown>): ReadonlyArray<WhereFragment> => {
  if (args.length === 1) {
    const conditions = args[0]
    if (typeof conditions !== 'object' || conditions === null || Array.isArray(conditions)) {
      throw new QueryBuilderError(table.name, `where takes an object of conditions, got ${describeValue(conditions)}.`)
    }
    const columns = Object.keys(conditions)
    // Sized up front: this runs per event (a materializer's `where({ id })`).
    const fragments = new Array<WhereFragment>(columns.length)
    for (let index = 0; index < columns.length; index++) {
      const column = columns[index]!
      const value = (conditions as Record<string, unknown>)[column]
      const opCondition = asOpCondition(value)
      fragments[index] = opCondition === undefined ? condition(table, column, '=', value) : condition(table, column, opCondition.op, opCondition.value)
    }
    return fragments
  }
  if (args.length === 2) {
    const [column, value] = args
    const opCondition = asOpCondition(value)
    return [
      opCondition === undefined
        ? condition(table, column as string, '=', value)
        : condition(table, column as string, opCondition.op, opCondition.value),
    ]
  }
  if (args.length === 3) {
    const [column, op, value] = args
    const normalized = normalizeOp(op)
    if (normalized === undefined) {
      throw new QueryBuilderError(
        table.name,
        `unknown operator ${JSON.stringify(op)}; use one of =, ==, !=, <, >, <=, >=, LIKE, NOT LIKE, IN, NOT IN.`,
      )
    }
    return [condition(table, column as string, normalized, value)]
  }
  throw new QueryBuilderError(table.name, `where takes (conditions), (column, value) or (column, op, value); got ${args.length} arguments.`)
}
