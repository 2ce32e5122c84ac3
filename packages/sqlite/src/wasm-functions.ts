/** A JS function to install, with its signature as sqlite-wasm writes them: `i(ppii)` or `ippii`. */
export interface WasmFunction {
  readonly signature: string
  readonly fn: (...args: never[]) => unknown
  /**
   * Pass int64 (`j`) parameters to `fn` as numbers instead of bigints: a wasm wrapper converts them
   * (\`f64.convert_i64_s\`), exact up to 2^53 in magnitude, rounded beyond (so outside the safe
   * integers). A bigint per call is an allocation, and the call boundary converting to one is slow.
   */
  readonly int64AsNumber?: boolean
}

/** Wasm value types by signature letter (pointers are 32-bit in this build). */
const VALUE_TYPES: Readonly<Record<string, number>> = { i: 0x7f, p: 0x7f, P: 0x7f, s: 0x7f, j: 0x7e, f: 0x7d, d: 0x7c }

const SIGNATURE = /^(\w)\((\w*)\)$/

/**
 * Puts JS functions into the wasm function `table`, all with one small wasm module, and returns their
 * table indexes (function pointers for SQLite): `slots` if given (free slots to reuse, one per
 * function), else slots the table grows by. sqlite-wasm's `installFunction` compiles and
 * instantiates a module per function, ~0.3 ms each: the VFS alone has about twenty methods. Here the
 * module imports the table and the functions, and its element segments write them into the slots.
 */
export function installFunctions(table: WebAssembly.Table, functions: readonly WasmFunction[], slots?: readonly number[]): number[] {
  // Types first: a bad signature throws before the table grows.
  const types = functions.map(({ signature }) => functionType(signature))
  const importTypes = functions.map(({ signature, int64AsNumber }) => (int64AsNumber === true ? functionType(signature, 'd') : undefined))
  let indexes: readonly number[]
  if (slots === undefined) {
    const base = table.grow(functions.length)
    indexes = functions.map((_, index) => base + index)
  } else {
    indexes = slots
  }
  const imports: WebAssembly.ModuleImports = { t: table }
  functions.forEach(({ fn }, index) => {
    imports[`f${index}`] = fn as (...args: unknown[]) => unknown
  })
  new WebAssembly.Instance(new WebAssembly.Module(moduleBytes(types, importTypes, indexes)), { e: imports })
  return [...indexes]
}

/**
 * Types: the table's type of each function, then the import type of each wrapped one. Imported
 * function i is the JS function; a wrapped one gets a defined function (numbered after all imports)
 * with the table's type, which converts its int64 arguments and calls the import.
 */
function moduleBytes(types: readonly number[][], importTypes: readonly (number[] | undefined)[], slots: readonly number[]): Uint8Array<ArrayBuffer> {
  const allTypes = [...types]
  const wrapped: number[] = []
  const importTypeIndex = importTypes.map((importType, index) => {
    if (importType === undefined) return index
    wrapped.push(index)
    allTypes.push(importType)
    return allTypes.length - 1
  })
  const tableImport = [...name('e'), ...name('t'), 0x01, 0x70, 0x00, 0x00] // funcref table, min 0
  const functionImports = types.map((_, index) => [...name('e'), ...name(`f${index}`), 0x00, ...unsigned(importTypeIndex[index]!)])
  const tableFunction = (index: number): number => (importTypes[index] === undefined ? index : types.length + wrapped.indexOf(index))
  // One active segment per function into table 0 at its slot.
  const elements = slots.map((slot, index) => [0x00, 0x41, ...signed(slot), 0x0b, ...vector([unsigned(tableFunction(index))])])
  const bodies = wrapped.map((index) => {
    const parameters = types[index]!.slice(2, 2 + types[index]![1]!)
    const body = [0x00] // no locals
    parameters.forEach((valueType, parameter) => {
      body.push(0x20, ...unsigned(parameter)) // local.get
      if (valueType === VALUE_TYPES['j']) body.push(0xb9) // f64.convert_i64_s
    })
    body.push(0x10, ...unsigned(index), 0x0b) // call the import, end
    return [...unsigned(body.length), ...body]
  })
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vector(allTypes)),
    ...section(2, vector([tableImport, ...functionImports])),
    ...(wrapped.length > 0 ? section(3, vector(wrapped.map((index) => unsigned(index)))) : []),
    ...section(9, vector(elements)),
    ...(wrapped.length > 0 ? section(10, vector(bodies)) : []),
  ])
}

/** The wasm type of a signature; `int64As` replaces its int64 parameters (the result must not be one). */
function functionType(signature: string, int64As?: 'd'): number[] {
  const match = SIGNATURE.exec(signature)
  const result = signature[0]
  const parameters = match ? match[2]! : signature.slice(1)
  const type = (letter: string): number => {
    const code = VALUE_TYPES[letter]
    if (code === undefined) throw new TypeError(`Invalid letter "${letter}" in the wasm function signature "${signature}"`)
    return code
  }
  if (int64As !== undefined && result === 'j') throw new TypeError(`int64AsNumber converts parameters only; "${signature}" returns an int64`)
  const parameterTypes = [...parameters].map((letter) => [type(int64As !== undefined && letter === 'j' ? int64As : letter)])
  return [0x60, ...vector(parameterTypes), ...(result === 'v' ? [0x00] : [0x01, type(result!)])]
}

const section = (id: number, content: number[]): number[] => [id, ...unsigned(content.length), ...content]

const vector = (items: readonly (readonly number[])[]): number[] => [...unsigned(items.length), ...items.flat()]

const name = (text: string): number[] => vector([...text].map((character) => [character.charCodeAt(0)]))

/** Unsigned LEB128. */
function unsigned(value: number): number[] {
  const bytes: number[] = []
  do {
    let byte = value & 0x7f
    value >>>= 7
    if (value !== 0) byte |= 0x80
    bytes.push(byte)
  } while (value !== 0)
  return bytes
}

/** Signed LEB128 of an i32 (for `i32.const`). */
function signed(value: number): number[] {
  const bytes: number[] = []
  for (;;) {
    const byte = value & 0x7f
    value >>= 7
    if ((value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0)) {
      bytes.push(byte)
      return bytes
    }
    bytes.push(byte | 0x80)
  }
}
