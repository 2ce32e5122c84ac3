// Lets the machine settle before a scenario starts: the previous one (often the peer's, which
// writes hundreds of MB and runs worker threads) can leave dirty pages to write back and processes
// still exiting, and a measurement taken meanwhile is the previous scenario's as much as its own.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'

/** Busy CPU time (user, nice, system, irq, softirq) and all CPU time, in ticks, from /proc/stat. */
function cpuTicks() {
  const [user, nice, system, idle, iowait, irq, softirq, steal = 0] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number)
  return { busy: user + nice + system + irq + softirq, total: user + nice + system + idle + iowait + irq + softirq + steal }
}

/**
 * Writes dirty pages back (`sync`), then waits until the CPUs were at most `maxBusy` busy over a
 * `windowMs` window, for at most `maxWaitMs`.
 * @returns the milliseconds waited, and the busy share of the last window.
 */
export async function settle({ maxBusy = 0.1, windowMs = 250, maxWaitMs = 15_000 } = {}) {
  const t0 = performance.now()
  spawnSync('sync')
  if (!existsSync('/proc/stat')) return { waitedMs: performance.now() - t0, busy: null }
  for (;;) {
    const before = cpuTicks()
    await sleep(windowMs)
    const after = cpuTicks()
    const busy = (after.busy - before.busy) / Math.max(1, after.total - before.total)
    if (busy <= maxBusy || performance.now() - t0 > maxWaitMs) return { waitedMs: performance.now() - t0, busy }
  }
}
