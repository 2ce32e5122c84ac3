import { SQLITE_CHANGESET_ABORT } from './constants.js'
import type { RawApi } from './raw-api.js'
import type { SqliteModule } from './sqlite-module.js'
import type { WasmMemory } from './wasm-memory.js'

const operations: Readonly<Record<number, string>> = { 9: 'DELETE', 18: 'INSERT', 23: 'UPDATE' }

/**
 * The conflict handler for `sqlite3changeset_apply`: aborts on the first conflict, so a changeset
 * applies completely or not at all, and remembers what the conflict was for the error message.
 */
export class ConflictRecorder {
  /** Function-table pointer to pass as `xConflict`. */
  readonly callback: number
  #first: string | undefined

  constructor(wasm: SqliteModule, raw: RawApi, memory: WasmMemory) {
    this.callback = wasm.installFunction('i(pip)', (_context: number, type: number, iterator: number): number => {
      this.#first ??= describe(type, () => {
        const tableSlot = memory.outSlot(0)
        const operationSlot = memory.outSlot(2)
        raw.sqlite3changeset_op(iterator, tableSlot, memory.outSlot(1), operationSlot, memory.outSlot(3))
        const table = memory.cstringAt(memory.int32At(tableSlot))
        return `${operations[memory.int32At(operationSlot)] ?? 'Change'} of a row in table "${table}"`
      })
      return SQLITE_CHANGESET_ABORT
    })
  }

  /** The first conflict since the last call, if any, and forgets it. */
  takeFirst(): string | undefined {
    const first = this.#first
    this.#first = undefined
    return first
  }
}

// https://sqlite.org/session/c_changeset_abort.html (conflict types).
function describe(type: number, change: () => string): string {
  switch (type) {
    case 1:
      return `${change()}: the row's current values differ from the values the changeset expects`
    case 2:
      return `${change()}: the row does not exist`
    case 3:
      return `${change()}: a row with the same primary key already exists`
    case 4:
      return `${change()}: it would violate a constraint`
    default:
      return 'the result would violate a foreign key constraint'
  }
}
