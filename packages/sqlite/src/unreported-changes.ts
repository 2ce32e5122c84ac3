import type { PreparedStatement } from './prepare.js'

/** What decides whether SQLite's update hook sees every row a write to a table changes. */
export interface TableTraits {
  /** WITHOUT ROWID or virtual: the update hook never reports its rows. */
  readonly unhooked: boolean
  /** Other tables' foreign keys reference it: their actions (CASCADE, SET NULL) are not looked into. */
  readonly referenced: boolean
  /** Its definition mentions REPLACE (e.g. `UNIQUE ON CONFLICT REPLACE`): a plain INSERT may delete rows unreported. */
  readonly replaceInSchema: boolean
  /** Lower-case names that may address the rowid: the primary-key columns, `rowid`, `_rowid_`, `oid`. */
  readonly rowidColumns: ReadonlySet<string>
}

/**
 * Whether running `statement` may change rows that SQLite's update hook does not report
 * (https://sqlite.org/c3ref/update_hook.html). Decided once per statement, conservatively:
 * - REPLACE conflict resolution deletes rows silently: any `replace` in the SQL text counts;
 * - a DELETE without WHERE may take the truncate optimization, which reports nothing;
 * - an UPDATE of a rowid alias reports only the new rowid: any key column counts;
 * - writes made by triggers and foreign-key actions are not looked into;
 * - WITHOUT ROWID and virtual tables, and tables SQLite does not describe (`traits` returns undefined).
 */
export const changesRowsUnreported = (
  statement: PreparedStatement,
  traits: (table: string) => TableTraits | undefined,
): boolean => {
  const { access, sql } = statement
  if (access.writesInContext || /\breplace\b/i.test(sql)) return true
  if (access.deletesRows && !hasTopLevelWhere(sql)) return true
  for (const table of access.written) {
    const described = traits(table)
    if (described === undefined || described.unhooked || described.referenced || described.replaceInSchema) return true
    const updated = access.updatedColumns.get(table)
    if (updated === undefined) continue
    for (const column of updated) if (described.rowidColumns.has(column.toLowerCase())) return true
  }
  return false
}

/**
 * Whether the SQL has a `WHERE` outside parentheses, string literals, quoted identifiers and
 * comments. A DELETE's own WHERE is the only one at that level: CTEs and subqueries are parenthesized.
 */
export const hasTopLevelWhere = (sql: string): boolean => {
  let depth = 0
  let i = 0
  while (i < sql.length) {
    const c = sql[i]!
    if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i)
      i = end === -1 ? sql.length : end + 1
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2)
      i = end === -1 ? sql.length : end + 2
    } else if (c === "'" || c === '"' || c === '`' || c === '[') {
      const close = c === '[' ? ']' : c
      const end = sql.indexOf(close, i + 1)
      i = end === -1 ? sql.length : end + 1
    } else if (c === '(') {
      depth++
      i++
    } else if (c === ')') {
      depth--
      i++
    } else if (/[A-Za-z_]/.test(c)) {
      let end = i + 1
      while (end < sql.length && /[\w$]/.test(sql[end]!)) end++
      if (depth === 0 && end - i === 5 && sql.slice(i, end).toUpperCase() === 'WHERE') return true
      i = end
    } else {
      i++
    }
  }
  return false
}
