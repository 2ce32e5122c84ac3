/** Web Crypto's getRandomValues fills at most this many bytes per call. */
const MAX_BYTES_PER_CALL = 65_536

/**
 * Fills `bytes` with random bytes from Web Crypto (`globalThis.crypto`), which the store loads
 * anyway for its ids. Importing node:crypto instead would add ~5 ms to every boot: it evaluates a
 * dozen more internal modules of Node.
 */
export function fillRandom(bytes: Uint8Array): void {
  for (let start = 0; start < bytes.length; start += MAX_BYTES_PER_CALL) {
    crypto.getRandomValues(bytes.subarray(start, start + MAX_BYTES_PER_CALL))
  }
}

/** `length` random bytes as hex (2 characters a byte). */
export function randomHex(length: number): string {
  const bytes = new Uint8Array(length)
  fillRandom(bytes)
  return Buffer.from(bytes.buffer).toString('hex')
}
