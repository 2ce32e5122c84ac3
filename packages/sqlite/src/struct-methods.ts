import type { WASM_API } from '@sqlite.org/sqlite-wasm'
import { installFunctions } from './wasm-functions.js'

/** The part of a sqlite-wasm struct (`new capi.sqlite3_vfs()`, …) that installing methods uses. */
interface MethodStruct {
  memberSignature(name: string): string
  installMethod(name: string, pointer: number): unknown
}

/**
 * Sets function-pointer members of sqlite-wasm structs to JS functions, like the structs' own
 * `installMethods`, but installs every function of every struct with one wasm module (see
 * `installFunctions`). The functions stay installed for the life of the module.
 */
export function installStructMethods(
  wasm: WASM_API,
  structs: readonly { readonly struct: object; readonly methods: Readonly<Record<string, (...args: never[]) => unknown>> }[],
): void {
  const members = structs.flatMap(({ struct, methods }) =>
    Object.entries(methods).map(([name, fn]) => {
      const target = struct as MethodStruct
      return { target, name, fn, signature: target.memberSignature(name) }
    }),
  )
  const pointers = installFunctions(wasm, members)
  members.forEach(({ target, name }, index) => target.installMethod(name, pointers[index]!))
}
