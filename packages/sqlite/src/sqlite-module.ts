import type { Sqlite3Static } from '@sqlite.org/sqlite-wasm'
import type { RawApi } from './raw-api.js'
import { installFunctions } from './wasm-functions.js'

/**
 * An instantiated `sqlite3.wasm` as this package uses it: the C functions, the heap and the function
 * table. Node instantiates the module itself (`node-module/`); elsewhere sqlite-wasm's loader does,
 * because the browser's OPFS VFS is part of its JS API (`glue`).
 */
export interface SqliteModule {
  /** The module's exported C functions, called with plain pointers and numbers. */
  readonly exports: RawApi
  /** The whole heap as bytes; a fresh view after the memory grew. */
  heap8u(): Uint8Array
  /** The whole heap as int32s; a fresh view after the memory grew. */
  heap32(): Int32Array
  /**
   * Puts `fn` into the function table (signature as sqlite-wasm writes them: `i(pip)`); returns its
   * pointer. `int64AsNumber`: see `WasmFunction`.
   */
  installFunction(signature: string, fn: (...args: never[]) => unknown, options?: { readonly int64AsNumber?: boolean }): number
  /** Frees a pointer `installFunction` returned. */
  uninstallFunction(pointer: number): void
  /** The function table (function pointers are its indexes). */
  functionTable(): WebAssembly.Table
  /** sqlite-wasm's namespace when its loader made the module (the OPFS VFS needs it), else undefined. */
  readonly glue: Sqlite3Static | undefined
}

/** The module sqlite-wasm's loader made (browsers). */
export function moduleFromGlue(sqlite3: Sqlite3Static): SqliteModule {
  const { wasm } = sqlite3
  /** Slots filled by `installFunctions` rather than sqlite-wasm, which only frees its own. */
  const ownSlots = new Set<number>()
  return {
    exports: wasm.exports as unknown as RawApi,
    heap8u: () => wasm.heap8u(),
    heap32: () => wasm.heap32(),
    installFunction: (signature, fn, options) => {
      if (options?.int64AsNumber !== true) return wasm.installFunction(signature, fn as (...args: unknown[]) => unknown)
      const [pointer] = installFunctions(wasm.functionTable(), [{ signature, fn, int64AsNumber: true }])
      ownSlots.add(pointer!)
      return pointer!
    },
    uninstallFunction: (pointer) => {
      // An own slot is emptied, not reused: a tracker or hook is installed once per connection.
      if (ownSlots.delete(pointer)) wasm.functionTable().set(pointer, null)
      else wasm.uninstallFunction(pointer)
    },
    functionTable: () => wasm.functionTable(),
    glue: sqlite3,
  }
}
