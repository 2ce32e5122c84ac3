import type { RawApi } from './raw-api.js'
import type { WasmMemory } from './wasm-memory.js'

/**
 * What the build says about itself (`sqlite3__wasm_enum_json`, 20 KB of JSON): here the names of
 * result codes, for error messages. Read when first needed.
 */
export class ModuleInfo {
  readonly #raw: RawApi
  readonly #memory: WasmMemory
  #codeNames: Map<number, string> | undefined

  constructor(raw: RawApi, memory: WasmMemory) {
    this.#raw = raw
    this.#memory = memory
  }

  /** `SQLITE_BUSY`, `SQLITE_IOERR_WRITE`, … for a (primary or extended) result code. */
  resultCodeName(code: number): string | undefined {
    if (this.#codeNames === undefined) {
      const json = JSON.parse(this.#memory.cstringAt(this.#raw.sqlite3__wasm_enum_json())) as { resultCodes: Record<string, number> }
      this.#codeNames = new Map()
      for (const [name, value] of Object.entries(json.resultCodes)) this.#codeNames.set(value, name)
    }
    return this.#codeNames.get(code)
  }
}
