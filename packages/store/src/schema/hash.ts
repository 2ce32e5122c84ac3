/**
 * FNV-1a, 64-bit, over the UTF-8 bytes of a string, as 16 hex digits. Used for the state schema
 * hash: stable across runs, platforms and library versions because we compute it ourselves from
 * our own canonical form. Not cryptographic; it only has to notice changes.
 */
const OFFSET_BASIS = 0xcbf29ce484222325n
const PRIME = 0x100000001b3n
const MASK = 0xffffffffffffffffn

/** The FNV-1a/64 hash of `text` as 16 lowercase hex digits. */
export const fnv1a64 = (text: string): string => {
  let hash = OFFSET_BASIS
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= BigInt(byte)
    hash = (hash * PRIME) & MASK
  }
  return hash.toString(16).padStart(16, '0')
}
