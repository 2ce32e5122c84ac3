import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DatabaseLockedError, loadSqlite, type WasmSqliteDbFactory } from '../src/index.js'
import { Child } from './fixtures/child.js'
import { compiledPackageEntry } from './fixtures/compiled-package.js'

// Child processes run the package transpiled to plain JS (see fixtures/compiled-package.ts).
let entry: string
let sqlite: WasmSqliteDbFactory
let root: string
const children: Child[] = []

beforeAll(async () => {
  entry = compiledPackageEntry()
  sqlite = await loadSqlite()
  // Real path: openFile resolves symbolic links (os.tmpdir() is one on macOS).
  root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-fs-vfs-processes-')))
})

afterAll(async () => {
  await Promise.all(children.map((child) => child.kill()))
  fs.rmSync(root, { recursive: true, force: true })
})

const start = (fixture: string, ...args: string[]): Child => {
  const child = new Child(fixture, [entry, ...args])
  children.push(child)
  return child
}

const thrown = (run: () => unknown): unknown => {
  try {
    run()
  } catch (error) {
    return error
  }
  throw new Error('expected a throw')
}

describe('a database file open in one process', () => {
  it('cannot be opened by another until the first closes it', async () => {
    const file = path.join(root, 'shared.db')
    const child = start('db-process.mjs', file)
    expect(JSON.parse(await child.nextLine())).toMatchObject({ ready: true })

    // This process holds it: the child is refused, and this process keeps working.
    const db = sqlite.openFile(file)
    db.execute('CREATE TABLE t (n INTEGER PRIMARY KEY, pid INTEGER)')
    db.execute('INSERT INTO t VALUES (1, ?)', [process.pid])
    const refused = await child.command('open')
    expect(refused).toMatchObject({ ok: false, tag: 'DatabaseLockedError', pid: process.pid })
    expect(refused.message).toContain(`is open in process ${process.pid}`)
    db.execute('INSERT INTO t VALUES (2, ?)', [process.pid])
    expect(db.select('SELECT count(*) AS n FROM t')).toEqual([{ n: 2 }])
    db.close()

    // Now the child holds it: this process is refused, with the child's pid.
    expect(await child.command('open')).toEqual({ ok: true })
    expect(await child.command('write 3')).toEqual({ ok: true })
    const error = thrown(() => sqlite.openFile(file))
    expect(error).toBeInstanceOf(DatabaseLockedError)
    expect(error).toMatchObject({ pid: child.pid, path: file })
    expect(await child.command('write 4')).toEqual({ ok: true })
    expect(await child.command('count')).toEqual({ ok: true, count: 4 })
    expect(await child.command('close')).toEqual({ ok: true })

    const again = sqlite.openFile(file)
    expect(again.select('SELECT n FROM t WHERE pid = ? ORDER BY n', [child.pid])).toEqual([{ n: 3 }, { n: 4 }])
    again.close()
    child.process.stdin.end()
    await child.exited
  })

  it('is released when its process is killed, or exits without closing it', async () => {
    const file = path.join(root, 'killed.db')
    const killed = start('db-process.mjs', file)
    await killed.nextLine()
    expect(await killed.command('open')).toEqual({ ok: true })
    expect(await killed.command('write 1')).toEqual({ ok: true })
    expect(thrown(() => sqlite.openFile(file))).toMatchObject({ _tag: 'DatabaseLockedError', pid: killed.pid })
    await killed.kill()
    // The lock file is left behind, naming a process that is gone: it is taken over.
    expect(JSON.parse(fs.readFileSync(`${file}.lock`, 'utf8'))).toMatchObject({ pid: killed.pid })
    const db = sqlite.openFile(file)
    expect(db.select('SELECT n FROM t')).toEqual([{ n: 1 }])
    expect(db.select('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }])
    db.close()

    const exiting = start('db-process.mjs', file)
    await exiting.nextLine()
    expect(await exiting.command('open')).toEqual({ ok: true })
    exiting.process.stdin.write('exit\n')
    await exiting.exited
    expect(fs.existsSync(`${file}.lock`)).toBe(false)
  })
})

describe('crash safety', () => {
  it('keeps every commit a killed process reported, and the file intact', async () => {
    const seed = Number(process.env.CAIRN_CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31))
    console.log(`crash test seed: ${seed} (rerun with CAIRN_CRASH_SEED=${seed})`)
    const random = mulberry32(seed)
    const lanes = 2
    const cyclesPerLane = 10
    // Lanes run side by side (each on its own file); their random choices are drawn up front so that
    // a seed always gives the same kill schedule.
    const plans = Array.from({ length: lanes }, () =>
      Array.from({ length: cyclesPerLane }, () => ({
        synchronous: random() < 0.5 ? ('full' as const) : ('normal' as const),
        // Mostly while committing, after a random number of reported commits and a random part of
        // the next one; sometimes during start-up (opening the file, recovering the log).
        duringStartup: random() < 0.2,
        commits: Math.floor(random() * 40),
        delayMs: random() * 8,
      })),
    )
    const results = await Promise.all(
      plans.map(async (plan, lane) => {
        const file = path.join(root, `crash-${lane}.db`)
        let reported = 0
        let stored = 0
        let commits = 0
        for (const [cycle, { synchronous, duringStartup, commits: wanted, delayMs }] of plan.entries()) {
          const child = start('commit-loop.mjs', file, synchronous)
          if (duringStartup) {
            await sleep(delayMs * 40)
          } else {
            // 'ready', then the reported commits.
            for (let line = 0; line <= wanted; line++) await child.nextLine()
            await sleep(delayMs)
          }
          await child.kill()
          const numbers = child.lines.filter((line) => /^\d+$/.test(line)).map(Number)
          if (child.lines.some((line) => line !== 'ready' && !/^\d+$/.test(line)) || /Error/.test(child.stderr)) {
            throw new Error(`lane ${lane} cycle ${cycle}: the child failed:\n${child.lines.join('\n')}\n${child.stderr}`)
          }
          commits += numbers.length
          reported = Math.max(reported, ...numbers)
          stored = verify(file, reported, stored, `seed ${seed}, lane ${lane}, cycle ${cycle} (${synchronous})`)
        }
        return { reported, commits }
      }),
    )
    console.log(`crash test: ${lanes * cyclesPerLane} kills; reported commits per lane: ${JSON.stringify(results)}`)
    expect(results.reduce((sum, { commits }) => sum + commits, 0)).toBeGreaterThan(lanes * cyclesPerLane)
  })
})

/**
 * Reopens `file` after a kill: every reported commit is there, complete, and nothing else is broken.
 * `before` is what the file held after the previous kill. Returns what it holds now.
 */
function verify(file: string, reported: number, before: number, context: string): number {
  if (!fs.existsSync(file)) {
    expect(reported, context).toBe(0)
    return 0
  }
  const db = sqlite.openFile(file)
  try {
    expect(db.select('PRAGMA integrity_check'), context).toEqual([{ integrity_check: 'ok' }])
    const tables = db.select("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
    if (tables.length < 2) {
      expect(reported, context).toBe(0)
      return 0
    }
    const [log] = db.select<{ count: number; max: number | null }>('SELECT count(*) AS count, max(n) AS max FROM log')
    const max = log!.max ?? 0
    // Numbered 1, 2, … without gaps; at most one commit more than reported (killed before the
    // report). A child killed before it reported anything starts from what the file held, which may
    // itself be one commit past the reports: at most one more than that.
    expect(log!.count, context).toBe(max)
    expect(max, context).toBeGreaterThanOrEqual(reported)
    expect(max, context).toBeLessThanOrEqual(Math.max(reported, before) + 1)
    // Each transaction is whole: every 10th wrote 40 bulk rows, the others none.
    expect(db.select('SELECT n, count(*) AS rows FROM bulk GROUP BY n HAVING rows != 40'), context).toEqual([])
    expect(db.select('SELECT count(DISTINCT n) AS n FROM bulk'), context).toEqual([{ n: Math.floor(max / 10) }])
    expect(db.select('SELECT count(*) AS n FROM bulk WHERE n NOT IN (SELECT n FROM log)'), context).toEqual([{ n: 0 }])
    return max
  } finally {
    db.close()
  }
}

/** A small seeded PRNG (mulberry32), so a failing kill schedule can be replayed. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32
  }
}
