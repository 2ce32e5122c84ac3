import { ConflictRecorder } from './conflict-recorder.js'
import { ModuleInfo } from './module-info.js'
import type { RawApi } from './raw-api.js'
import type { SqliteModule } from './sqlite-module.js'
import { TableAccessRecorder } from './table-access.js'
import { WasmMemory } from './wasm-memory.js'

/** The initialised wasm module plus the per-module helpers every database shares. */
export interface SqliteRuntime {
  readonly module: SqliteModule
  readonly raw: RawApi
  readonly memory: WasmMemory
  readonly info: ModuleInfo
  readonly tableAccess: TableAccessRecorder
  readonly conflicts: ConflictRecorder
  /** `"main"` as a C string, the schema name sessions and (de)serialization work on. */
  readonly mainSchema: number
}

/** Wraps an initialised sqlite3 module; called once per process by `loadSqlite`. */
export function createRuntime(module: SqliteModule): SqliteRuntime {
  const raw = module.exports
  const memory = new WasmMemory(module, raw)
  return {
    module,
    raw,
    memory,
    info: new ModuleInfo(raw, memory),
    tableAccess: new TableAccessRecorder(module, raw, memory),
    conflicts: new ConflictRecorder(module, raw, memory),
    mainSchema: memory.permanentCString('main'),
  }
}
