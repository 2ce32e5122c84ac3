/** A JS function to install, with its signature as sqlite-wasm writes them: `i(ppii)` or `ippii`. */
export interface WasmFunction {
  readonly signature: string
  readonly fn: (...args: never[]) => unknown
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
  new WebAssembly.Instance(new WebAssembly.Module(moduleBytes(types, indexes)), { e: imports })
  return [...indexes]
}

function moduleBytes(types: readonly number[][], slots: readonly number[]): Uint8Array<ArrayBuffer> {
  const tableImport = [...name('e'), ...name('t'), 0x01, 0x70, 0x00, 0x00] // funcref table, min 0
  const functionImports = types.map((_, index) => [...name('e'), ...name(`f${index}`), 0x00, ...unsigned(index)])
  // One active segment per function into table 0 at its slot: imported function i at slots[i].
  const elements = slots.map((slot, index) => [0x00, 0x41, ...signed(slot), 0x0b, ...vector([unsigned(index)])])
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vector(types)),
    ...section(2, vector([tableImport, ...functionImports])),
    ...section(9, vector(elements)),
  ])
}

function functionType(signature: string): number[] {
  const match = SIGNATURE.exec(signature)
  const result = signature[0]
  const parameters = match ? match[2]! : signature.slice(1)
  const type = (letter: string): number => {
    const code = VALUE_TYPES[letter]
    if (code === undefined) throw new TypeError(`Invalid letter "${letter}" in the wasm function signature "${signature}"`)
    return code
  }
  return [0x60, ...vector([...parameters].map((letter) => [type(letter)])), ...(result === 'v' ? [0x00] : [0x01, type(result!)])]
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
