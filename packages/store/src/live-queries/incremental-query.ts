/**
 * Live builder queries that refresh by patching. A node keeps the rowids (and, for selects, the raw
 * sort keys and decoded rows) of its result and the table version it read. After a commit it asks
 * SQLite, in one statement, which of the changed rows match its WHERE now, and patches: rows that
 * no longer match leave, matching ones take their place in the order. SQLite stays the only judge
 * of WHERE; JS only orders raw values the way SQLite's BINARY ORDER BY does.
 *
 * Rows an UPDATE set to bound values (`RowChanges.assigned`) are not read at all when the values
 * cannot move them in or out of the result or within it (no column of its WHERE or ORDER BY): their
 * new elements follow from the old ones.
 *
 * It re-reads the whole result instead when the change is unknown (see `RowChanges`), when it
 * missed journaled versions, when many rows changed, and when a limited window cannot be proven
 * right from the rows it knows.
 */
import { MAX_PATCH_ROWIDS, UNKNOWN_ELEMENT, type IncrementalRead } from '../query-builder/internal.js'
import type { Getter, ThunkNode } from '../reactive/graph.js'
import type { BindValue, ColumnAssignment, SqliteRow } from '../sqlite/sqlite-db.js'
import { QueryError } from '../store/errors.js'
import { deepEqual } from '../utils/deep-equal.js'
import { resolveBindValues } from './compiled-query.js'
import type { QueryRuntime } from './live-query-def.js'
import type { TableAssignments } from './row-change-journal.js'
import { compareSqliteValues } from './sqlite-order.js'

/** How live builder queries refreshed, process-wide: for tests and profiling. */
export const incrementalRefreshStats = { fullRuns: 0, patches: 0, assignedRows: 0 }

/**
 * Patching is worth it while no more rows changed than this many, or than the result holds: a full
 * run reads and decodes every row of the result, a patch only the changed ones (appending 1,000 rows
 * to a list of 1,000 reads 1,000 instead of 2,000).
 */
const MIN_PATCH_LIMIT = MAX_PATCH_ROWIDS

interface Entry {
  readonly rowid: number | bigint
  readonly keys: ReadonlyArray<BindValue>
  readonly value: unknown
  /**
   * Where the entry was placed in the last entries array built with it: a hint, checked before use
   * (inserting or removing rows shifts later entries without updating theirs).
   */
  position: number
}

interface RowsSnapshot {
  readonly kind: 'rows'
  readonly version: number
  /** The result's rows in order. Never changed once built: `values` may be the result itself. */
  readonly entries: ReadonlyArray<Entry>
  /** The decoded rows, in the same order. */
  readonly values: ReadonlyArray<unknown>
  /** The entries by rowid; patched in place (a failed patch is followed by a full run). */
  readonly byRowid: Map<number | bigint, Entry>
  readonly result: unknown
}

interface CountSnapshot {
  readonly kind: 'count'
  readonly version: number
  readonly rowids: Set<number | bigint>
  readonly result: number
}

type Snapshot = RowsSnapshot | CountSnapshot

/**
 * The node of a live builder query that `read` can patch. `tablesSql` is the SQL whose tables it
 * depends on; `map` runs only when the result is a new value.
 */
export const makeIncrementalNode = (
  runtime: QueryRuntime,
  read: IncrementalRead,
  tablesSql: string,
  label: string,
  map: ((result: unknown) => unknown) | undefined,
): ThunkNode<unknown> => {
  let snapshot: Snapshot | undefined
  let mapped: { readonly result: unknown; readonly value: unknown } | undefined
  const query = new PatchableQuery(runtime, read, label)

  const refresh = (version: number | undefined): unknown => {
    const previous = snapshot
    // Invalid until this run succeeds: a failed run is followed by a full one.
    snapshot = undefined
    let next: Snapshot | undefined
    if (version === undefined) {
      incrementalRefreshStats.fullRuns++
      return query.fullRun(previous, -1).result
    }
    if (previous !== undefined) {
      const changed = previous.version === version ? NO_ROWS : runtime.tableChanges(read.table, previous.version, version)
      if (changed !== 'untracked' && changed.size <= Math.max(MIN_PATCH_LIMIT, sizeOf(previous))) {
        next =
          changed.size === 0
            ? { ...previous, version }
            : query.patch(previous, changed, version, runtime.tableAssignments(read.table, previous.version, version))
        if (next !== undefined) incrementalRefreshStats.patches++
      }
    }
    if (next === undefined) {
      incrementalRefreshStats.fullRuns++
      next = query.fullRun(previous, version)
    }
    snapshot = next
    return next.result
  }

  return runtime.graph.makeThunk(
    (get: Getter) => {
      const version = dependOnTable(runtime, tablesSql, read.table, label, get)
      const result = refresh(version)
      if (map === undefined) return result
      if (mapped === undefined || mapped.result !== result) mapped = { result, value: map(result) }
      return mapped.value
    },
    { label, equal: deepEqual },
  )
}

const NO_ROWS: ReadonlySet<number> = new Set()
const NOTHING_READ: readonly SqliteRow[] = []
/** The sort keys of rows ordered by the rowid alone. */
const NO_KEYS: ReadonlyArray<BindValue> = []

const setsAny = (columns: ReadonlyArray<string>, of: ReadonlySet<string>): boolean => {
  for (let i = 0; i < columns.length; i++) if (of.has(columns[i]!)) return true
  return false
}

const sizeOf = (snapshot: Snapshot): number => (snapshot.kind === 'rows' ? snapshot.entries.length : snapshot.rowids.size)

/**
 * Depends on the tables the SQL reads (SQLite says which) and returns the version of `table`, or
 * undefined when it reads more than `table`: changes elsewhere are not journaled for this query.
 */
const dependOnTable = (runtime: QueryRuntime, sql: string, table: string, label: string, get: Getter): number | undefined => {
  let tables: ReadonlySet<string>
  try {
    tables = runtime.db.tablesRead(sql)
  } catch (cause) {
    throw new QueryError(label, sql, cause)
  }
  let version: number | undefined
  for (const read of tables) {
    const value = get(runtime.tableRef(read))
    if (read === table) version = value
  }
  return tables.size === 1 ? version : undefined
}

/** Runs a patchable read in full or for some rowids, and merges the rows it gets. */
class PatchableQuery {
  private readonly compare: (a: Entry, b: Entry) => number
  private readonly keyColumns: ReadonlyArray<string>
  private readonly rowidColumn: string

  constructor(
    private readonly runtime: QueryRuntime,
    private readonly read: IncrementalRead,
    private readonly label: string,
  ) {
    this.compare = compareEntries(read.directions)
    this.keyColumns = read.keyColumns
    this.rowidColumn = read.rowidColumn
  }

  fullRun(previous: Snapshot | undefined, version: number): Snapshot {
    const rows = this.select(this.read.sql, this.read.bindValues)
    if (this.read.kind === 'count') {
      const rowids = new Set<number | bigint>()
      for (const row of rows) rowids.add(this.rowidOf(row))
      return { kind: 'count', version, rowids, result: rowids.size }
    }
    // Rows equal to the previous result's keep their objects, so memoized views of them stay put.
    const before = previous?.kind === 'rows' ? previous : undefined
    const entries: Entry[] = []
    const values: unknown[] = []
    const byRowid = new Map<number | bigint, Entry>()
    let same = before !== undefined && before.values.length === rows.length
    for (const row of rows) {
      const entry = this.entry(row, before?.byRowid.get(this.rowidOf(row)))
      same &&= entry.value === before!.values[entries.length]
      entry.position = entries.length
      entries.push(entry)
      values.push(entry.value)
      byRowid.set(entry.rowid, entry)
    }
    if (same) return { ...before!, version, entries, byRowid }
    return { kind: 'rows', version, entries, values, byRowid, result: this.finish(values) }
  }

  /**
   * The snapshot after rows `changed` changed, or undefined when only a full run can tell. Indexed
   * loops rather than for-of and destructuring: this runs once per commit, so V8 rarely optimizes
   * it, and unoptimized for-of allocates an iterator result per element.
   */
  patch(previous: Snapshot, changed: ReadonlySet<number>, version: number, assigned: TableAssignments | undefined): Snapshot | undefined {
    let changedRowids = Array.from(changed)
    // Rows whose new elements the assignments tell, and the changed rowids left to read.
    let known: Entry[] | undefined
    let toRead = changedRowids
    if (assigned !== undefined && assigned.size > 0 && this.anyAssignmentApplies(changedRowids, assigned)) {
      const split = this.applyAssignments(previous, changedRowids, assigned)
      changedRowids = split.inPlay
      toRead = split.toRead
      known = split.known
    }
    const rows = toRead.length === 0 ? NOTHING_READ : this.selectRowids(toRead)
    if (previous.kind === 'count') {
      const rowids = previous.rowids
      for (let i = 0; i < toRead.length; i++) rowids.delete(toRead[i]!)
      for (let i = 0; i < rows.length; i++) rowids.add(this.rowidOf(rows[i]!))
      return { kind: 'count', version, rowids, result: rowids.size }
    }
    const { byRowid } = previous
    const compare = this.compare
    const knownCount = known === undefined ? 0 : known.length
    const arriving: Entry[] = new Array(knownCount + rows.length)
    for (let i = 0; i < knownCount; i++) arriving[i] = known![i]!
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!
      arriving[knownCount + i] = this.entry(row, byRowid.get(this.rowidOf(row)))
    }
    let leaving = 0
    for (let i = 0; i < changedRowids.length; i++) if (byRowid.has(changedRowids[i]!)) leaving++
    // The common commit changes rows the result does not show, or shows unchanged in the same place.
    let unchanged = arriving.length === leaving
    for (let i = 0; unchanged && i < arriving.length; i++) {
      const entry = arriving[i]!
      const before = byRowid.get(entry.rowid)
      unchanged = before !== undefined && before.value === entry.value && compare(before, entry) === 0
    }
    if (unchanged) return { ...previous, version }
    if (arriving.length === leaving) {
      const replaced = this.replaceInPlace(previous, arriving, version)
      if (replaced !== undefined) return replaced
    }

    let entries: Entry[]
    let values: unknown[]
    let inserted: Entry[]
    if (leaving === 0) {
      // Only new rows (an insert, an append): nothing to find or replace. The previous arrays are
      // copied below before anything changes them in place.
      inserted = arriving.sort(compare)
      entries = previous.entries as Entry[]
      values = previous.values as unknown[]
    } else {
      // Positions are found in the previous entries, before anything moves.
      const arrivingByRowid = new Map<number | bigint, Entry>()
      for (let i = 0; i < arriving.length; i++) arrivingByRowid.set(arriving[i]!.rowid, arriving[i]!)
      const replacedAt: number[] = []
      const replacedBy: Entry[] = []
      const removed = new Set<number>()
      for (let i = 0; i < changedRowids.length; i++) {
        const rowid = changedRowids[i]!
        const before = byRowid.get(rowid)
        if (before === undefined) continue
        const index = this.indexIn(previous.entries, before)
        const after = arrivingByRowid.get(rowid)
        if (after !== undefined && compare(before, after) === 0) {
          // Same place in the order: replaced where it stands.
          replacedAt.push(index)
          replacedBy.push(after)
          arrivingByRowid.delete(rowid)
        } else {
          removed.add(index)
          byRowid.delete(rowid)
        }
      }
      entries = previous.entries.slice()
      values = previous.values.slice()
      for (let i = 0; i < replacedAt.length; i++) {
        const index = replacedAt[i]!
        const entry = replacedBy[i]!
        entries[index] = entry
        entry.position = index
        values[index] = entry.value
        byRowid.set(entry.rowid, entry)
      }
      if (removed.size > FEW_CHANGES) {
        entries = entries.filter((_, index) => !removed.has(index))
        values = values.filter((_, index) => !removed.has(index))
      } else if (removed.size > 0) {
        const descending = Array.from(removed).sort((a, b) => b - a)
        for (let i = 0; i < descending.length; i++) {
          entries.splice(descending[i]!, 1)
          values.splice(descending[i]!, 1)
        }
      }
      inserted = Array.from(arrivingByRowid.values()).sort(compare)
    }
    for (let i = 0; i < inserted.length; i++) byRowid.set(inserted[i]!.rowid, inserted[i]!)
    if (inserted.length <= FEW_CHANGES) {
      if (entries === previous.entries) {
        entries = entries.slice()
        values = values.slice()
      }
      for (let i = 0; i < inserted.length; i++) {
        const entry = inserted[i]!
        const index = lowerBound(entries, entry, compare)
        entries.splice(index, 0, entry)
        values.splice(index, 0, entry.value)
      }
    } else if (entries.length === 0 || compare(inserted[0]!, entries[entries.length - 1]!) > 0) {
      // All after the last row (an append): no merge, and no new array of the values before.
      const added = new Array<unknown>(inserted.length)
      for (let i = 0; i < inserted.length; i++) added[i] = inserted[i]!.value
      entries = entries.concat(inserted)
      values = values.concat(added)
    } else {
      entries = mergeSorted(entries, inserted, compare)
      values = entries.map((entry) => entry.value)
    }
    const limit = this.read.limit
    if (limit !== undefined && previous.entries.length === limit) {
      // The window was full: rows past it are unknown, but all sort after its old last row. The new
      // window is right only if the known rows fill it without passing that boundary.
      if (entries.length < limit || compare(entries[limit - 1]!, previous.entries[limit - 1]!) > 0) return undefined
    }
    while (limit !== undefined && entries.length > limit) {
      byRowid.delete(entries.pop()!.rowid)
      values.pop()
    }
    return { kind: 'rows', version, entries, values, byRowid, result: this.finish(values) }
  }

  /** Whether an assignment of a changed row sets none of the query's WHERE and ORDER BY columns (else every row is read). */
  private anyAssignmentApplies(changed: readonly number[], assigned: TableAssignments): boolean {
    for (let i = 0; i < changed.length; i++) if (this.applies(assigned.get(changed[i]!))) return true
    return false
  }

  /** Whether a row's known assignment leaves it in or out of the result, in its place. */
  private applies(assignment: ColumnAssignment | null | undefined): assignment is ColumnAssignment {
    return assignment !== undefined && assignment !== null && !setsAny(assignment.columns, this.read.conditionColumns)
  }

  /**
   * Splits the changed rowids by what the assignments tell. A row set to values of no column of the
   * WHERE or ORDER BY stays in or out of the result, in its place: shown, its new element follows
   * from its old one (`known`), unless `read.assign` cannot tell; not shown, it is out of play.
   * Everything else is read.
   */
  private applyAssignments(
    previous: Snapshot,
    changed: readonly number[],
    assigned: TableAssignments,
  ): { readonly inPlay: number[]; readonly toRead: number[]; readonly known: Entry[] } {
    const inPlay: number[] = []
    const toRead: number[] = []
    const known: Entry[] = []
    for (let i = 0; i < changed.length; i++) {
      const rowid = changed[i]!
      const assignment = assigned.get(rowid)
      if (!this.applies(assignment)) {
        inPlay.push(rowid)
        toRead.push(rowid)
        continue
      }
      if (previous.kind === 'count') continue
      const before = previous.byRowid.get(rowid)
      if (before === undefined) continue
      const element = this.read.assign(before.value, assignment)
      inPlay.push(rowid)
      if (element === UNKNOWN_ELEMENT) {
        toRead.push(rowid)
        continue
      }
      const value = element === before.value || deepEqual(before.value, element) ? before.value : element
      known.push({ rowid, keys: before.keys, value, position: before.position })
    }
    incrementalRefreshStats.assignedRows += known.length
    return { inPlay, toRead, known }
  }

  /**
   * The common update: every changed row was shown, still is, and keeps its place in the order
   * (its sort keys did not change), so each is replaced where it stands; undefined otherwise
   * (nothing changed then). One pass, without the general path's maps of arrivals and removals.
   */
  private replaceInPlace(previous: RowsSnapshot, arriving: readonly Entry[], version: number): RowsSnapshot | undefined {
    const { byRowid, entries: before } = previous
    const compare = this.compare
    let entries: Entry[] | undefined
    let values: unknown[] | undefined
    for (let i = 0; i < arriving.length; i++) {
      const entry = arriving[i]!
      const old = byRowid.get(entry.rowid)
      if (old === undefined || compare(old, entry) !== 0) return undefined
      const index = this.indexIn(before, old)
      entries ??= before.slice()
      values ??= previous.values.slice()
      entries[index] = entry
      values[index] = entry.value
      entry.position = index
    }
    if (entries === undefined || values === undefined) return undefined
    for (let i = 0; i < arriving.length; i++) byRowid.set(arriving[i]!.rowid, arriving[i]!)
    return { kind: 'rows', version, entries, values, byRowid, result: this.finish(values) }
  }

  /** Where `entry` stands in `entries`: its position hint if still right, else found by its order. */
  private indexIn(entries: ReadonlyArray<Entry>, entry: Entry): number {
    return entries[entry.position] === entry ? entry.position : lowerBound(entries, entry, this.compare)
  }

  /**
   * The rowid of a row. Rowids beyond 2^53 come as bigints; they never appear among the changed
   * rowids (the tracker reports their tables untracked), so they only need ordering.
   */
  private rowidOf(row: SqliteRow): number | bigint {
    return row[this.rowidColumn] as number | bigint
  }

  private finish(values: ReadonlyArray<unknown>): unknown {
    return this.guard(this.read.sql, () => this.read.finish(values))
  }

  private entry(row: SqliteRow, before: Entry | undefined): Entry {
    const keyColumns = this.keyColumns
    const keys = keyColumns.length === 0 ? NO_KEYS : new Array<BindValue>(keyColumns.length)
    for (let index = 0; index < keyColumns.length; index++) (keys as BindValue[])[index] = row[keyColumns[index]!] ?? null
    let decoded: unknown
    try {
      decoded = this.read.decodeRow(row)
    } catch (cause) {
      throw this.decodeFailure(this.read.sql, cause)
    }
    const value = before !== undefined && deepEqual(before.value, decoded) ? before.value : decoded
    return { rowid: this.rowidOf(row), keys, value, position: -1 }
  }

  /** The rows among `all` that match the query now: one range when the rowids are consecutive, else in chunks of bound rowids. */
  private selectRowids(all: readonly number[]): SqliteRow[] {
    if (all.length > 1) {
      // Rows appended or written in one run of rowids (a bulk insert): one range instead of a
      // bound value per rowid.
      let min = all[0]!
      let max = min
      for (let i = 1; i < all.length; i++) {
        const rowid = all[i]!
        if (rowid < min) min = rowid
        else if (rowid > max) max = rowid
      }
      if (max - min + 1 === all.length) {
        const bindValues: Array<IncrementalRead['bindValues'][number]> = this.read.whereBindValues.slice()
        bindValues.push(min, max)
        return this.select(this.read.patchRangeStatement, bindValues)
      }
    }
    const rows: SqliteRow[] = []
    for (let start = 0; start < all.length; start += MAX_PATCH_ROWIDS) {
      const end = Math.min(all.length, start + MAX_PATCH_ROWIDS)
      const { sql, rowids: bound } = this.read.patchStatement(end - start)
      const bindValues: Array<IncrementalRead['bindValues'][number]> = this.read.whereBindValues.slice()
      for (let i = start; i < end; i++) bindValues.push(all[i]!)
      for (let i = end - start; i < bound; i++) bindValues.push(null)
      const selected = this.select(sql, bindValues)
      if (start === 0 && end === all.length) return selected
      for (let i = 0; i < selected.length; i++) rows.push(selected[i]!)
    }
    return rows
  }

  private select(sql: string, bindValues: IncrementalRead['bindValues']): SqliteRow[] {
    try {
      return this.runtime.db.select(sql, resolveBindValues(bindValues, this.runtime.sessionId))
    } catch (cause) {
      throw new QueryError(this.label, sql, cause)
    }
  }

  /** Decoding failures as `runCompiledQuery` reports them. */
  private guard<T>(sql: string, decode: () => T): T {
    try {
      return decode()
    } catch (cause) {
      throw this.decodeFailure(sql, cause)
    }
  }

  private decodeFailure(sql: string, cause: unknown): unknown {
    if (cause instanceof Error && '_tag' in cause && (cause as { _tag: unknown })._tag === 'RowNotFoundError') return cause
    return new QueryError(this.label, sql, cause)
  }
}

/** The query's order: its ORDER BY terms on raw values, then the rowid. */
const compareEntries =
  (directions: ReadonlyArray<1 | -1>) =>
  (a: Entry, b: Entry): number => {
    for (let i = 0; i < directions.length; i++) {
      const order = compareSqliteValues(a.keys[i]!, b.keys[i]!)
      if (order !== 0) return order * directions[i]!
    }
    return a.rowid < b.rowid ? -1 : a.rowid > b.rowid ? 1 : 0
  }

/** Up to this many rows are spliced out or in one by one; more are filtered or merged in one pass. */
const FEW_CHANGES = 8

/** Merges two sorted lists. */
const mergeSorted = (a: ReadonlyArray<Entry>, b: ReadonlyArray<Entry>, compare: (x: Entry, y: Entry) => number): Entry[] => {
  const merged: Entry[] = []
  let i = 0
  let j = 0
  while (i < a.length && j < b.length) merged.push(compare(a[i]!, b[j]!) <= 0 ? a[i++]! : b[j++]!)
  while (i < a.length) merged.push(a[i++]!)
  while (j < b.length) merged.push(b[j++]!)
  return merged
}

/** The first index of `entries` (sorted) whose entry does not sort before `entry`. */
const lowerBound = (entries: ReadonlyArray<Entry>, entry: Entry, compare: (a: Entry, b: Entry) => number): number => {
  let low = 0
  let high = entries.length
  while (low < high) {
    const middle = (low + high) >>> 1
    if (compare(entries[middle]!, entry) < 0) low = middle + 1
    else high = middle
  }
  return low
}
