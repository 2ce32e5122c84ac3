import { Action, SQLITE_OK } from './constants.js'
import type { RawApi } from './raw-api.js'
import type { SqliteModule } from './sqlite-module.js'
import type { WasmMemory } from './wasm-memory.js'

/** What a statement touches, as SQLite's authorizer reports it while the statement is prepared. */
export interface TableAccess {
  /** Tables read, through views, CTEs, subqueries and triggers included. */
  readonly read: ReadonlySet<string>
  /** Tables inserted into, updated or deleted from, by the statement or by triggers it fires. */
  readonly written: ReadonlySet<string>
  /** Inserts, updates or deletes rows itself, so `sqlite3_changes()` describes it. */
  readonly changesRows: boolean
  /** Creates, drops or alters schema objects (or attaches/detaches a database). */
  readonly changesSchema: boolean
  /** `ROLLBACK` or `ROLLBACK TO`. */
  readonly rollsBack: boolean
  /** Deletes rows itself (not through a trigger). */
  readonly deletesRows: boolean
  /** Columns it sets itself (`UPDATE ... SET`, `ON CONFLICT DO UPDATE SET`), by table. */
  readonly updatedColumns: ReadonlyMap<string, ReadonlySet<string>>
  /** Writes through a trigger, a view or a CTE (the authorizer names one as the context of a write). */
  readonly writesInContext: boolean
}

class Recording implements TableAccess {
  readonly read = new Set<string>()
  readonly written = new Set<string>()
  /** Views, CTEs and triggers the authorizer names as the context of an access. */
  readonly contexts = new Set<string>()
  readonly updatedColumns = new Map<string, Set<string>>()
  changesRows = false
  changesSchema = false
  rollsBack = false
  deletesRows = false
  writesInContext = false
}

const isInternal = (table: string): boolean => table.startsWith('sqlite_')

const changesSchema = (action: number): boolean =>
  (action >= Action.CREATE_INDEX && action <= Action.CREATE_VIEW) ||
  (action >= Action.DROP_INDEX && action <= Action.DROP_VIEW) ||
  action === Action.ATTACH ||
  action === Action.DETACH ||
  action === Action.ALTER_TABLE ||
  action === Action.CREATE_VTABLE ||
  action === Action.DROP_VTABLE

/**
 * Learns which tables a statement reads and writes by installing an authorizer for the duration of
 * `sqlite3_prepare`. The authorizer is removed right after, because SQLite also consults it for the
 * statements the session extension prepares internally, where a JS callback per column would add
 * microseconds to every changeset.
 */
export class TableAccessRecorder {
  readonly #raw: RawApi
  readonly #callback: number
  #recording: Recording | undefined

  constructor(wasm: SqliteModule, raw: RawApi, memory: WasmMemory) {
    this.#raw = raw
    this.#callback = wasm.installFunction(
      'i(pipppp)',
      (_userData: number, action: number, arg1: number, arg2: number, _database: number, context: number): number => {
        const recording = this.#recording
        if (recording !== undefined) note(recording, action, arg1, arg2, context, (pointer) => memory.cstringAt(pointer))
        return SQLITE_OK
      },
    )
  }

  /** Runs `prepare` (which prepares one statement on `db`) and returns its result with what the statement touches. */
  record<T>(db: number, prepare: () => T): { readonly result: T; readonly access: TableAccess } {
    const recording = new Recording()
    this.#recording = recording
    this.#raw.sqlite3_set_authorizer(db, this.#callback, 0)
    try {
      return { result: prepare(), access: finish(recording) }
    } finally {
      this.#raw.sqlite3_set_authorizer(db, 0, 0)
      this.#recording = undefined
    }
  }
}

function note(
  recording: Recording,
  action: number,
  arg1: number,
  arg2: number,
  context: number,
  text: (pointer: number) => string,
): void {
  if (context !== 0) recording.contexts.add(text(context))
  switch (action) {
    case Action.READ: {
      const table = text(arg1)
      if (!isInternal(table)) recording.read.add(table)
      return
    }
    case Action.INSERT:
    case Action.UPDATE:
    case Action.DELETE: {
      const table = text(arg1)
      if (isInternal(table)) return
      recording.written.add(table)
      if (context !== 0) {
        recording.writesInContext = true
        return
      }
      recording.changesRows = true
      if (action === Action.DELETE) recording.deletesRows = true
      if (action === Action.UPDATE) {
        let columns = recording.updatedColumns.get(table)
        if (columns === undefined) recording.updatedColumns.set(table, (columns = new Set()))
        columns.add(text(arg2))
      }
      return
    }
    case Action.TRANSACTION:
    case Action.SAVEPOINT:
      if (text(arg1) === 'ROLLBACK') recording.rollsBack = true
      return
    default:
      if (changesSchema(action)) recording.changesSchema = true
  }
}

function finish(recording: Recording): Recording {
  // Reading a view is reported for the view itself too, after its tables (with the view as
  // context). Dropping every context name also drops a table named like a trigger that reads it,
  // an accepted blind spot: the authorizer offers no way to tell views from tables.
  for (const context of recording.contexts) recording.read.delete(context)
  // A DROP TABLE reports a DELETE of the table it drops, but sqlite3_changes() does not count it.
  if (recording.changesSchema) recording.changesRows = false
  return recording
}
