import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'

/** The bytes of sqlite-wasm's `sqlite3.wasm` and the page limits of the memory it imports. */
export interface WasmFile {
  readonly bytes: Uint8Array<ArrayBuffer>
  readonly memory: { readonly initial: number; readonly maximum: number }
}

const IMPORT_SECTION = 2
const MEMORY_IMPORT = 2
const HAS_MAXIMUM = 0x01
/** 4 GiB of 64 KiB pages: the most a 32-bit memory can have. */
const MAX_PAGES = 65536

/**
 * `sqlite3.wasm` is not where the installed `@sqlite.org/sqlite-wasm` package keeps it: this code
 * was bundled into an app without that package next to it. sqlite-wasm's own loader, which finds
 * the file relative to itself (bundlers copy it along), is used instead.
 */
export class WasmFileNotFound extends Error {
  readonly _tag = 'WasmFileNotFound'
}

/** Reads `sqlite3.wasm` from the installed `@sqlite.org/sqlite-wasm` package. */
export async function readWasmFile(): Promise<WasmFile> {
  let path: string
  let file: Buffer
  try {
    path = createRequire(import.meta.url).resolve('@sqlite.org/sqlite-wasm/sqlite3.wasm')
    file = await readFile(path)
  } catch (cause) {
    throw new WasmFileNotFound(`Could not read @sqlite.org/sqlite-wasm/sqlite3.wasm: ${cause instanceof Error ? cause.message : String(cause)}`, { cause })
  }
  const bytes = new Uint8Array(file.buffer, file.byteOffset, file.byteLength) as Uint8Array<ArrayBuffer>
  return { bytes, memory: importedMemory(bytes, path) }
}

/**
 * The limits the module declares for the memory it imports, read from its import section: the memory
 * given to it must be at least that large. (Node 20 cannot tell them through the JS API.)
 */
function importedMemory(bytes: Uint8Array, path: string): WasmFile['memory'] {
  let position = 8 // magic and version
  const unsigned = (): number => {
    let result = 0
    let shift = 0
    let byte: number
    do {
      byte = bytes[position++]!
      result += (byte & 0x7f) * 2 ** shift
      shift += 7
    } while (byte & 0x80)
    return result
  }
  const skipName = (): void => {
    const length = unsigned()
    position += length
  }
  while (position < bytes.length) {
    const id = bytes[position++]!
    const size = unsigned()
    const end = position + size
    if (id === IMPORT_SECTION) {
      const count = unsigned()
      for (let index = 0; index < count; index++) {
        skipName()
        skipName()
        const kind = bytes[position++]!
        if (kind === MEMORY_IMPORT) {
          const flags = bytes[position++]!
          const initial = unsigned()
          const maximum = flags & HAS_MAXIMUM ? unsigned() : MAX_PAGES
          return { initial, maximum }
        }
        // Function (type index), table (reftype + limits) and global (valtype + mutability) imports.
        if (kind === 0) unsigned()
        else if (kind === 1) {
          position++
          const flags = bytes[position++]!
          unsigned()
          if (flags & HAS_MAXIMUM) unsigned()
        } else position += 2
      }
    }
    position = end
  }
  throw new Error(`${path} imports no memory: not the sqlite3.wasm this package was built for`)
}
