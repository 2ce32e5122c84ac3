import { ioErrorCode } from './errno.js'

/**
 * Wraps a VFS method so that it never throws: an exception unwinding through wasm would leave
 * SQLite in an undefined state, so it becomes `fallback` (the method's `SQLITE_IOERR_*` code), or
 * SQLITE_FULL for a full disk.
 */
export function guarded<A extends unknown[]>(fallback: number, method: (...args: A) => number): (...args: A) => number {
  return (...args) => {
    try {
      return method(...args)
    } catch (error) {
      return ioErrorCode(error, fallback)
    }
  }
}

/** A 64-bit offset or size SQLite passes as a bigint (or a number), as a number. */
export function toNumber(value: bigint | number): number {
  return typeof value === 'bigint' ? Number(value) : value
}
