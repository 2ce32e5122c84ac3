import type { ColumnAssignment } from '../sqlite/sqlite-db.js'

/** What changed in a table between two of its versions: the rowids of changed rows, or unknown. */
export type TableChange = ReadonlySet<number> | 'untracked'

/** Versions kept per table: a live query that missed more refreshes than this re-reads fully. */
const KEPT_VERSIONS = 8

/** Per changed row, the columns it was assigned and their values, or null when it must be read (see `RowChanges.assigned`). */
export type TableAssignments = ReadonlyMap<number, ColumnAssignment | null>

interface Entry {
  readonly version: number
  readonly change: TableChange
  readonly assigned: TableAssignments | undefined
}

/**
 * The recent row changes of each table, by table version (the value of the store's table ref), so
 * a live query can learn what changed since the version it last read.
 */
export class RowChangeJournal {
  readonly #tables = new Map<string, Entry[]>()

  /** Records what changed from `version - 1` to `version` of `table`, and what is known of the changed rows' values. */
  record(table: string, version: number, change: TableChange, assigned: TableAssignments | undefined): void {
    let entries = this.#tables.get(table)
    if (entries === undefined) this.#tables.set(table, (entries = []))
    entries.push({ version, change, assigned })
    if (entries.length > KEPT_VERSIONS) entries.shift()
  }

  /** The rows of `table` changed after version `from` up to version `to`; 'untracked' if any step is unknown or forgotten. */
  changesBetween(table: string, from: number, to: number): TableChange {
    const entries = this.#tables.get(table)
    if (entries === undefined) return 'untracked'
    const first = entries.findIndex((entry) => entry.version === from + 1)
    if (first === -1 || entries[entries.length - 1]!.version !== to) return 'untracked'
    if (first === entries.length - 1) return entries[first]!.change
    const union = new Set<number>()
    for (let i = first; i < entries.length; i++) {
      const change = entries[i]!.change
      if (change === 'untracked') return 'untracked'
      for (const rowid of change) union.add(rowid)
    }
    return union
  }

  /**
   * What is known of the new values of the rows changed from version `from` to `to` of `table`: only
   * for one step, undefined otherwise (several steps would have to be merged row by row).
   */
  assignmentsBetween(table: string, from: number, to: number): TableAssignments | undefined {
    if (to !== from + 1) return undefined
    const entries = this.#tables.get(table)
    const last = entries?.[entries.length - 1]
    return last?.version === to ? last.assigned : undefined
  }
}
