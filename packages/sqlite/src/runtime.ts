import type { CAPI, Sqlite3Static, WASM_API } from '@sqlite.org/sqlite-wasm'
import { ConflictRecorder } from './conflict-recorder.js'
import type { RawApi } from './raw-api.js'
import { TableAccessRecorder } from './table-access.js'
import { WasmMemory } from './wasm-memory.js'

/** The initialised wasm module plus the per-module helpers every database shares. */
export interface SqliteRuntime {
  /** The module itself, for what its helpers offer (e.g. installing the OPFS VFS). */
  readonly sqlite3: Sqlite3Static
  readonly capi: CAPI
  readonly wasm: WASM_API
  readonly raw: RawApi
  readonly memory: WasmMemory
  readonly tableAccess: TableAccessRecorder
  readonly conflicts: ConflictRecorder
  /** `"main"` as a C string, the schema name sessions and (de)serialization work on. */
  readonly mainSchema: number
}

/** Wraps an initialised sqlite3 module; called once per process by `loadSqlite`. */
export function createRuntime(sqlite3: Sqlite3Static): SqliteRuntime {
  const { capi, wasm } = sqlite3
  const raw = wasm.exports as RawApi
  const memory = new WasmMemory(wasm, raw)
  return {
    sqlite3,
    capi,
    wasm,
    raw,
    memory,
    tableAccess: new TableAccessRecorder(wasm, raw, memory),
    conflicts: new ConflictRecorder(wasm, raw, memory),
    mainSchema: memory.permanentCString('main'),
  }
}
