import { memberOffset, type StructLayout } from '../vfs-structs.js'
import type { SqliteModule } from '../sqlite-module.js'
import type { WasmMemory } from '../wasm-memory.js'
import { installFunctions } from '../wasm-functions.js'

/** A C struct in the heap (`pointer`) whose function-pointer members get JS `methods`. */
export interface StructMethods {
  readonly pointer: number
  readonly layout: StructLayout
  readonly methods: Readonly<Record<string, (...args: never[]) => unknown>>
}

/**
 * Sets function-pointer members of C structs to JS functions, installing every function of every
 * struct with one wasm module (see `installFunctions`). The functions stay installed for the life of
 * the module.
 */
export function installStructMethods(module: SqliteModule, memory: WasmMemory, structs: readonly StructMethods[]): void {
  const members = structs.flatMap(({ pointer, layout, methods }) =>
    Object.entries(methods).map(([name, fn]) => {
      const member = layout.members[name]
      if (member === undefined) throw new Error(`The SQLite build's ${layout.name} has no member ${name}`)
      return { address: pointer + memberOffset(layout, name), fn, signature: member.signature }
    }),
  )
  const pointers = installFunctions(module.functionTable(), members)
  members.forEach(({ address }, index) => memory.setInt32(address, pointers[index]!))
}

/** A zeroed struct of `layout` from sqlite3_malloc, for the life of the module. */
export function allocateStruct(memory: WasmMemory, layout: StructLayout): number {
  const pointer = memory.allocate(layout.sizeof)
  memory.heap8().fill(0, pointer, pointer + layout.sizeof)
  return pointer
}
