import type { WasmMemory } from './wasm-memory.js'

/** Texts longer than this are always decoded: long values rarely repeat row after row. */
const MAX_LENGTH = 64

/** A column stops being remembered once its misses pass this and outnumber its hits four to one. */
const MIN_MISSES = 16

/**
 * The last short text read from each column of one statement, handed out again when the next row
 * holds the same bytes. Comparing a few bytes costs less than decoding UTF-8 into a new string, and
 * columns such as event names or client ids repeat row after row. Columns whose values keep
 * changing stop being remembered, so they cost no copy per row.
 */
export class RepeatedTexts {
  readonly #bytes: (Uint8Array | undefined)[] = []
  readonly #texts: string[] = []
  readonly #hits: number[] = []
  readonly #misses: number[] = []

  /** The text of `length` bytes at `pointer`, read from `column`. */
  read(memory: WasmMemory, column: number, pointer: number, length: number): string {
    if (length > MAX_LENGTH) return memory.textAt(pointer, length)
    const heap = memory.heap8()
    const last = this.#bytes[column]
    if (last !== undefined && last.length === length && sameBytes(heap, pointer, last)) {
      this.#hits[column] = (this.#hits[column] ?? 0) + 1
      return this.#texts[column]!
    }
    const text = memory.textAt(pointer, length)
    const misses = (this.#misses[column] ?? 0) + 1
    this.#misses[column] = misses
    if (misses > MIN_MISSES && misses > 4 * (this.#hits[column] ?? 0)) {
      this.#bytes[column] = undefined
      return text
    }
    this.#bytes[column] = heap.slice(pointer, pointer + length)
    this.#texts[column] = text
    return text
  }
}

const sameBytes = (heap: Uint8Array, pointer: number, bytes: Uint8Array): boolean => {
  for (let index = 0; index < bytes.length; index++) if (heap[pointer + index] !== bytes[index]) return false
  return true
}
