import { SQLITE_NOMEM } from './constants.js'
import type { RawApi } from './raw-api.js'
import type { SqliteModule } from './sqlite-module.js'
import { isNode } from './platform.js'
import { SqliteError } from './sqlite-error.js'

const encoder = new TextEncoder()
/**
 * ASCII texts up to this many characters are copied between JS and wasm memory by hand instead of
 * through TextEncoder / TextDecoder. Where the break-even lies depends on the engine's cost per call
 * into them: in Node ~0.1 µs, so a JS loop only wins for short texts; in Chromium, on wasm memory
 * inside an app, ~2.5 µs (the React bench's update of 100 rows spends 0.2 ms less reading its
 * labels by hand), so the loop wins up to ~100 characters and more.
 */
const HAND_COPIED: { readonly encode: number; readonly decode: number } = isNode() ? { encode: 64, decode: 24 } : { encode: 128, decode: 128 }
/** Reused arrays of char codes, one per text length up to HAND_COPIED.decode (see `textAt`). */
const charCodes: number[][] = []
// ignoreBOM keeps a leading U+FEFF that is part of a stored value instead of stripping it.
const decoder = new TextDecoder('utf-8', { ignoreBOM: true })

/**
 * Moves values between JS and the wasm heap without allocating per call: bound text and blobs go
 * through one reusable scratch buffer (SQLite copies them, see SQLITE_TRANSIENT), out-parameters
 * through a few fixed slots.
 *
 * Heap views are cached; growing wasm memory detaches the old buffer, which leaves the cached views
 * with length 0, and that is the signal to take fresh ones.
 */
export class WasmMemory {
  readonly #wasm: SqliteModule
  readonly #raw: RawApi
  #bytes: Uint8Array
  #ints: Int32Array
  #scratch = 0
  #scratchSize = 0
  #scratchView: Uint8Array = new Uint8Array(0)
  /** Four 8-byte out-parameter slots: `outSlot(0)` … `outSlot(3)`. */
  readonly #out: number

  constructor(wasm: SqliteModule, raw: RawApi) {
    this.#wasm = wasm
    this.#raw = raw
    this.#bytes = wasm.heap8u()
    this.#ints = wasm.heap32()
    this.#out = this.allocate(32)
    this.#reserve(4096)
  }

  /** Address of out-parameter slot `index` (0–3), 8 bytes each, so wide enough for an int64. */
  outSlot(index: number): number {
    return this.#out + index * 8
  }

  /** The int32 (or pointer) at an 4-byte aligned address. */
  int32At(pointer: number): number {
    return this.#heap32()[pointer >> 2]!
  }

  /** Stores an int32 at a 4-byte aligned address (an in-parameter passed by pointer). */
  setInt32(pointer: number, value: number): void {
    this.#heap32()[pointer >> 2] = value
  }

  /** The int64 at an 8-byte aligned address, as a number (callers use it for sizes, far below 2^53). */
  int64At(pointer: number): number {
    const ints = this.#heap32()
    const index = pointer >> 2
    return (ints[index]! >>> 0) + ints[index + 1]! * 2 ** 32
  }

  /** Stores a non-negative integer below 2^53 as an int64 at a 4-byte aligned address. */
  setInt64(pointer: number, value: number): void {
    const ints = this.#heap32()
    const index = pointer >> 2
    ints[index] = value % 2 ** 32
    ints[index + 1] = Math.floor(value / 2 ** 32)
  }

  /** Stores a double at `pointer`. */
  setFloat64(pointer: number, value: number): void {
    new DataView(this.heap8().buffer).setFloat64(pointer, value, true)
  }

  /** A JS copy of `length` heap bytes at `pointer`. */
  copyOut(pointer: number, length: number): Uint8Array {
    return this.heap8().slice(pointer, pointer + length)
  }

  /** The UTF-8 text of `length` bytes at `pointer`. */
  textAt(pointer: number, length: number): string {
    const heap = this.heap8()
    const end = pointer + length
    // Most texts a query returns are short ASCII (ids, names, labels): see HAND_COPIED.
    if (length <= HAND_COPIED.decode) {
      // The bytes are checked and copied in one loop into an array kept per length, then become one
      // flat string: no view of the heap and no array allocated per text.
      const codes = (charCodes[length] ??= new Array<number>(length).fill(0))
      let index = 0
      while (index < length) {
        const byte = heap[pointer + index]!
        if (byte >= 0x80) break
        codes[index++] = byte
      }
      if (index === length) return String.fromCharCode.apply(null, codes)
    }
    return decoder.decode(heap.subarray(pointer, end))
  }

  /**
   * The NUL-terminated UTF-8 text at `pointer` ('' for a null pointer). The module's own `cstrToJs`
   * finds the end with a JS loop over the bytes, which is slow until V8 optimizes it: a boot calls it
   * for every table and column the authorizer reports while statements are prepared.
   */
  cstringAt(pointer: number): string {
    if (pointer === 0) return ''
    const heap = this.heap8()
    const end = heap.indexOf(0, pointer)
    return decoder.decode(heap.subarray(pointer, end < 0 ? heap.length : end))
  }

  /** Writes `text` as UTF-8 into the scratch buffer (see `scratch`); returns its length in bytes. */
  writeText(text: string): number {
    const length = text.length
    // UTF-8 needs at most 3 bytes per UTF-16 code unit.
    this.#reserve(length * 3)
    const bytes = this.#scratchBytes()
    if (length <= HAND_COPIED.encode) {
      let index = 0
      while (index < length) {
        const code = text.charCodeAt(index)
        if (code >= 0x80) break
        bytes[index++] = code
      }
      if (index === length) return length
    }
    return encoder.encodeInto(text, bytes).written
  }

  /** Copies `bytes` into the scratch buffer (see `scratch`). */
  writeBytes(bytes: Uint8Array): void {
    this.#reserve(bytes.length)
    this.#scratchBytes().set(bytes)
  }

  /** Address of the scratch buffer; valid until the next `writeText`/`writeBytes`. */
  get scratch(): number {
    return this.#scratch
  }

  /** A NUL-terminated copy of `text` that lives as long as the module. */
  permanentCString(text: string): number {
    return this.cString(text)
  }

  /** A NUL-terminated copy of `text` from sqlite3_malloc; the caller frees it with sqlite3_free. */
  cString(text: string): number {
    const encoded = encoder.encode(`${text}\0`)
    const pointer = this.allocate(encoded.length)
    this.heap8().set(encoded, pointer)
    return pointer
  }

  /** The whole heap as bytes; valid until SQLite next allocates. */
  heap8(): Uint8Array {
    if (this.#bytes.byteLength === 0) this.#bytes = this.#wasm.heap8u()
    return this.#bytes
  }

  #heap32(): Int32Array {
    if (this.#ints.byteLength === 0) this.#ints = this.#wasm.heap32()
    return this.#ints
  }

  #scratchBytes(): Uint8Array {
    if (this.#scratchView.byteLength === 0) {
      this.#scratchView = this.heap8().subarray(this.#scratch, this.#scratch + this.#scratchSize)
    }
    return this.#scratchView
  }

  #reserve(size: number): void {
    if (size <= this.#scratchSize) return
    const grown = Math.max(size, this.#scratchSize * 2)
    // The old contents are never needed again, so free + malloc rather than realloc's copy.
    this.#raw.sqlite3_free(this.#scratch)
    this.#scratch = this.allocate(grown)
    this.#scratchSize = grown
    this.#scratchView = new Uint8Array(0)
  }

  /** `size` bytes from sqlite3_malloc, owned by the caller (or by SQLite, if handed over). */
  allocate(size: number): number {
    const pointer = this.#raw.sqlite3_malloc(size)
    if (pointer === 0) {
      throw new SqliteError({
        problem: `Could not allocate ${size} bytes in the wasm heap (SQLITE_NOMEM)`,
        code: SQLITE_NOMEM,
        hint: 'The wasm heap is limited; bind smaller values or keep less data in memory.',
      })
    }
    return pointer
  }
}
