const hasOwn = Object.prototype.hasOwnProperty

/**
 * Structural equality for query results: plain objects, arrays, Dates, typed arrays and primitives.
 * Query results are fresh objects on every run, so identity says nothing; this is what decides
 * whether a subscriber hears about a refresh.
 */
export const deepEqual = (a: unknown, b: unknown): boolean => {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    return a !== a && b !== b // NaN equals NaN for our purposes
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false
    return true
  }
  if (Array.isArray(b)) return false
  if (a instanceof Date) return b instanceof Date && a.getTime() === b.getTime()
  if (ArrayBuffer.isView(a)) {
    if (!ArrayBuffer.isView(b) || a.byteLength !== b.byteLength) return false
    const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength)
    const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength)
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false
    return true
  }
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false
  // for-in rather than Object.keys: no key arrays to allocate for every pair of rows compared.
  let keys = 0
  for (const key in a) {
    if (!hasOwn.call(a, key)) continue
    if (!hasOwn.call(b, key)) return false
    if (!deepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) return false
    keys++
  }
  for (const key in b) if (hasOwn.call(b, key) && --keys < 0) return false
  return keys === 0
}
