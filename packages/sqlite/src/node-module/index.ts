import type { RawApi } from '../raw-api.js'
import type { SqliteModule } from '../sqlite-module.js'
import { fillRandom } from '../node-fs-vfs/random.js'
import { memberOffset, SQLITE3_VFS } from '../vfs-structs.js'
import { installFunctions } from '../wasm-functions.js'
import { hostImports } from './host-imports.js'
import { readWasmFile } from './wasm-file.js'

export { WasmFileNotFound } from './wasm-file.js'

/** Exports used here beyond the C API of `RawApi`. */
interface StartupExports {
  __wasm_call_ctors(): void
  __indirect_function_table: WebAssembly.Table
}

/**
 * Instantiates `sqlite3.wasm` directly, without sqlite-wasm's JS loader: that loader spends ~25 ms
 * building a JS API (wrappers of every C function, struct bindings, the OO1 classes) that this
 * package does not use, plus ~25 ms to import its 480 KB of JS. The module only needs the host
 * functions of `hostImports`.
 */
export async function instantiateSqliteModule(): Promise<SqliteModule> {
  const file = await readWasmFile()
  const memory = new WebAssembly.Memory({ initial: file.memory.initial, maximum: file.memory.maximum })
  const imports = hostImports(memory, file.memory.maximum)
  const { instance } = await WebAssembly.instantiate(file.bytes, imports as unknown as WebAssembly.Imports)
  const exports = instance.exports as unknown as RawApi & StartupExports
  exports.__wasm_call_ctors()
  const table = exports.__indirect_function_table
  const freeSlots: number[] = []
  let bytes = new Uint8Array(memory.buffer)
  let ints = new Int32Array(memory.buffer)
  const heap8u = (): Uint8Array => (bytes.byteLength === 0 ? (bytes = new Uint8Array(memory.buffer)) : bytes)
  seedFromCrypto(exports, table, heap8u)
  return {
    exports,
    heap8u,
    heap32: () => (ints.byteLength === 0 ? (ints = new Int32Array(memory.buffer)) : ints),
    installFunction: (signature, fn, options) => {
      const slot = freeSlots.pop()
      return installFunctions(table, [{ signature, fn, int64AsNumber: options?.int64AsNumber === true }], slot === undefined ? undefined : [slot])[0]!
    },
    uninstallFunction: (pointer) => {
      // Dropping the function lets its closure be collected; the slot is reused by the next install.
      table.set(pointer, null)
      freeSlots.push(pointer)
    },
    functionTable: () => table,
    glue: undefined,
  }
}

/**
 * SQLite seeds its random numbers (`random()`, WAL salts) from the default VFS. Until the node:fs
 * VFS takes that role, the default is the built-in unix VFS, which reads /dev/urandom through a
 * system call that fails here and then falls back to the time in seconds: two processes started in
 * the same second would share a seed. Its randomness comes from Web Crypto instead.
 */
function seedFromCrypto(exports: RawApi, table: WebAssembly.Table, heap8u: () => Uint8Array): void {
  const vfs = exports.sqlite3_vfs_find(0)
  if (vfs === 0) return
  const [pointer] = installFunctions(table, [
    {
      signature: SQLITE3_VFS.members['xRandomness']!.signature,
      fn: (_vfs: number, size: number, out: number): number => {
        fillRandom(heap8u().subarray(out, out + size))
        return size
      },
    },
  ])
  new Int32Array(heap8u().buffer)[(vfs + memberOffset(SQLITE3_VFS, 'xRandomness')) >> 2] = pointer!
}
