const cell = new Int32Array(new SharedArrayBuffer(4))

/** Blocks the thread for `ms` milliseconds (SQLite's VFS is synchronous, so it cannot await). */
export function sleepSync(ms: number): void {
  if (ms > 0) Atomics.wait(cell, 0, 0, ms)
}
