// The fs-storage scenarios (persisted Node store), written ONCE and run against either side.
//
// Each side's script (bench/cairn/fs.mjs, bench/peers/livestore/fs.mjs) only builds a `side`
// object from its own library and calls runFsMain(); the measurement code below is identical
// for Cairn and for the peer.
//
// side = {
//   side: 'cairn' | 'livestore', label,
//   createStorePromise, queryDb,           // from the library
//   schemas: { v1, v2 },                   // { schema, events, todos }: schema.mjs and its v2 export
//   makeAdapter(baseDirectory),            // node adapter with fs storage under baseDirectory
//   waitDurable(store): Promise<void>,     // resolves once every event committed so far is persisted
//   durability: string,                   // how waitDurable knows (printed as a note)
//   shutdown(store): Promise<void>,
//   script: string,                        // path of the side's script (re-run for the fresh-process phases)
//   rebuildFloor?({ dir, storeId, expect }): Promise<{ ms }>  // Cairn only: the rebuild on the bare substrate (rebuild-floor.mjs)
//   limits?: { … }                          // time budgets of a slow side, see DEFAULT_LIMITS
// }
//
// Child scenarios (one process each, run by bench/run.mjs):
//   fs10k        10k single commits + wait until durable (timed); top up to 10k if a budget cut
//                the loop short; shut down; disk size; reopen (fresh processes); rebuild with
//                schema v2 (fresh processes, each on a copy of the store)
//   fs100k       100k events in batches (untimed, may be capped by a time budget); shut down;
//                disk size; reopen (+ RSS); rebuild with schema v2
//   durableEach  commits that each wait until durable
// Phases (`--phase reopen|rebuild|rebuildFloor --dir D --expect N`) run in a fresh process spawned by those.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { runScenarioMain } from './scenario-main.mjs'
import { settle } from './settle.mjs'
import { emitResult, progress } from './stdout-guard.mjs'
import { mean, median, percentile, round } from './stats.mjs'

const STORE_ID = 'bench-fs'

const DEFAULT_LIMITS = {
  commitBudgetMs: Infinity, // the 10k single-commit loop stops once this much time has passed
  durableTimeoutMs: 300_000, // waiting for durability (after the loop, after each batch)
  populateBudgetMs: Infinity, // filling the 100k store stops once this much time has passed
  populateBatch: 1000,
  reopenRuns: 3, // fresh processes; the median is reported
  rebuildRuns: 3, // fresh processes, each on a copy of the store; the median is reported
  phaseTimeoutMs: 180_000, // per fresh process (reopen / rebuild)
  durableEachCommits: 200,
}

const gc = () => {
  if (typeof globalThis.gc === 'function') {
    globalThis.gc()
    globalThis.gc()
  }
}

const limitsOf = (side) => ({ ...DEFAULT_LIMITS, ...side.limits })
const fmtN = (n) => n.toLocaleString('en-US')
const memMB = () => {
  const m = process.memoryUsage()
  return { rssMB: round(m.rss / 2 ** 20), heapUsedMB: round(m.heapUsed / 2 ** 20) }
}

function withTimeout(promise, ms, what) {
  if (!Number.isFinite(ms)) return promise
  let timer
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not done after ${Math.round(ms / 1000)} s`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

const created = (events, i) => events.todoCreated({ id: `todo-${i}`, text: `todo ${i}` })

/** A temp root holding `store/` (the adapter's baseDirectory) and `cwd/` (cwd of the phases). */
function makeRoot(side, tag) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `cairn-bench-fs-${side.side}-${tag}-`))
  fs.mkdirSync(path.join(root, 'store'))
  fs.mkdirSync(path.join(root, 'cwd'))
  return { root, base: path.join(root, 'store'), cwd: path.join(root, 'cwd') }
}

const removeRoot = (root) => fs.rmSync(root, { recursive: true, force: true })

/** Total bytes of the files under `dir`, and the files (relative path → bytes). */
function diskUsage(dir) {
  const files = {}
  let bytes = 0
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name)
      if (e.isDirectory()) walk(p)
      else if (e.isFile()) {
        const size = fs.statSync(p).size
        files[path.relative(dir, p)] = size
        bytes += size
      }
    }
  }
  walk(dir)
  return { bytes, files }
}

async function openStore(side, version, base) {
  const { schema } = side.schemas[version]
  return side.createStorePromise({ schema, adapter: side.makeAdapter(base), storeId: STORE_ID })
}

const countTodos = (side, store, version = 'v1') => store.query(side.queryDb(side.schemas[version].todos.count()))

/**
 * Commits TodoCreated `from`…`to - 1` in batches, waiting until durable after each batch (keeps
 * a slow side's backlog bounded and its budget meaningful). Untimed setup; stops at the budget.
 */
async function populate(side, store, from, to, limits) {
  const { events } = side.schemas.v1
  const t0 = performance.now()
  let n = from
  let batches = 0
  while (n < to && performance.now() - t0 < limits.populateBudgetMs) {
    const k = Math.min(limits.populateBatch, to - n)
    const evs = new Array(k)
    for (let i = 0; i < k; i++) evs[i] = created(events, n + i)
    store.commit(...evs)
    n += k
    await withTimeout(side.waitDurable(store), limits.durableTimeoutMs, 'populate: waiting until durable')
    if (++batches % 10 === 0) progress(`${side.side}: populated ${fmtN(n)} events, ${((performance.now() - t0) / 1000).toFixed(1)} s`)
  }
  return { events: n - from, ms: round(performance.now() - t0), capped: n < to }
}

// ---------------------------------------------------------------------------- fresh-process phases

/** Incremental summary of onBootStatus calls: count and last status per stage. */
function bootRecorder(t0) {
  const stages = {}
  return {
    stages,
    onBootStatus: (s) => {
      const e = (stages[s.stage] ??= { calls: 0, firstAtMs: round(performance.now() - t0) })
      e.calls++
      if (s.progress) e.lastProgress = s.progress
    },
  }
}

/** createStorePromise until ready + the first query (a count), in this fresh process. */
async function openTimed(side, version, dir, countQuery) {
  const { schema, todos } = side.schemas[version]
  gc()
  const t0 = performance.now()
  const boot = bootRecorder(t0)
  const store = await side.createStorePromise({
    schema,
    adapter: side.makeAdapter(dir),
    storeId: STORE_ID,
    onBootStatus: boot.onBootStatus,
  })
  const readyMs = performance.now() - t0
  const count = store.query(side.queryDb(countQuery(todos)))
  const ms = performance.now() - t0
  return { store, ms: round(ms), readyMs: round(readyMs), count, boot: boot.stages }
}

async function closeTimed(side, store) {
  const t0 = performance.now()
  await side.shutdown(store)
  return round(performance.now() - t0)
}

const phases = {
  /** Reopen the store written with schema v1; RSS after gc with the store open. */
  async reopen(side, { dir, expect }) {
    const r = await openTimed(side, 'v1', dir, (todos) => todos.count())
    if (r.count !== expect) throw new Error(`reopen: expected ${expect} todos, found ${r.count}`)
    gc()
    const mem = memMB()
    const shutdownMs = await closeTimed(side, r.store)
    return { ms: r.ms, readyMs: r.readyMs, ...mem, boot: r.boot, shutdownMs }
  },
  /** Boot with schema v2 (one more column): the state is rebuilt from the eventlog. */
  async rebuild(side, { dir, expect }) {
    const r = await openTimed(side, 'v2', dir, (todos) => todos.count().where({ priority: 0 }))
    if (r.count !== expect) throw new Error(`rebuild: expected ${expect} todos with priority 0, found ${r.count}`)
    const shutdownMs = await closeTimed(side, r.store)
    return { ms: r.ms, readyMs: r.readyMs, boot: r.boot, shutdownMs, diskAfter: diskUsage(dir) }
  },
  /** The same rebuild on the bare substrate, for a side that has a floor (Cairn). */
  async rebuildFloor(side, { dir, expect }) {
    if (side.rebuildFloor === undefined) throw new Error(`${side.side} has no rebuild floor`)
    gc()
    return side.rebuildFloor({ dir, storeId: STORE_ID, expect })
  },
}

function runPhase(side, phase, { dir, cwd, expect }, timeoutMs) {
  return new Promise((resolve) => {
    const t0 = performance.now()
    const child = spawn(
      process.execPath,
      ['--expose-gc', side.script, '--phase', phase, '--dir', dir, '--expect', String(expect)],
      { cwd, stdio: ['ignore', 'pipe', 'inherit'] },
    )
    let out = ''
    child.stdout.setEncoding('utf8').on('data', (d) => (out += d))
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, timeoutMs)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      const processMs = round(performance.now() - t0)
      let parsed = null
      for (const line of out.trim().split('\n').reverse()) {
        try {
          parsed = JSON.parse(line)
          break
        } catch {
          // not the result line
        }
      }
      if (timedOut) parsed = { ok: false, error: `${phase}: not done after ${Math.round(timeoutMs / 1000)} s (time budget)` }
      else if (!parsed) parsed = { ok: false, error: `${phase}: no result (exit ${code ?? signal})` }
      resolve({ ...parsed, processMs })
    })
  })
}

/** `runs` fresh processes of `phase`; the median of the successful ones, or the first error. */
async function phaseRuns(side, phase, runs, n, store, limits, prepare) {
  const results = []
  for (let i = 0; i < runs; i++) {
    const dir = prepare ? prepare(i) : store.base
    progress(`${side.side}: ${phase} ${fmtN(n)} events, run ${i + 1}/${runs}…`)
    // The store was just written (or copied): its pages go back to disk before the timed boot.
    await settle()
    const r = await runPhase(side, phase, { dir, cwd: store.cwd, expect: n }, limits.phaseTimeoutMs)
    if (prepare) removeRoot(dir)
    progress(`  ${r.ok ? `${r.ms} ms` : r.error}`)
    results.push(r)
    if (!r.ok) break
  }
  const ok = results.filter((r) => r.ok)
  if (ok.length === 0) return { ok: false, error: results[0]?.error ?? 'no run', runs: results }
  return { ok: true, ms: round(median(ok.map((r) => r.ms))), runs: results }
}

/** Reopen (fresh processes) then rebuild with schema v2 (fresh processes, on copies). */
async function reopenAndRebuild(side, store, n, limits) {
  const reopen = await phaseRuns(side, 'reopen', limits.reopenRuns, n, store, limits)
  const copyOfStore = (i) => {
    const copy = path.join(store.root, `rebuild-${i}`)
    fs.cpSync(store.base, copy, { recursive: true })
    return copy
  }
  const rebuild = await phaseRuns(side, 'rebuild', limits.rebuildRuns, n, store, limits, copyOfStore)
  const floor = side.rebuildFloor === undefined ? undefined : await phaseRuns(side, 'rebuildFloor', limits.rebuildRuns, n, store, limits, copyOfStore)
  const metrics = {}
  const nullReasons = {}
  if (reopen.ok) {
    metrics.reopenMs = reopen.ms
    metrics.rssMB = round(median(reopen.runs.filter((r) => r.ok).map((r) => r.rssMB)))
  } else {
    metrics.reopenMs = metrics.rssMB = null
    nullReasons.reopenMs = nullReasons.rssMB = reopen.error
  }
  if (rebuild.ok) {
    metrics.rebuildMs = rebuild.ms
    metrics.eventsPerSec = round((n / rebuild.ms) * 1000)
    // The boot's fixed part (wasm start, opening files: the reopen time) is in rebuildMs too; at 10k
    // events it is most of it. What the rebuild itself costs is the difference.
    if (reopen.ok && rebuild.ms > reopen.ms) metrics.rebuildAddedEventsPerSec = round((n / (rebuild.ms - reopen.ms)) * 1000)
  } else {
    metrics.rebuildMs = metrics.eventsPerSec = null
    nullReasons.rebuildMs = nullReasons.eventsPerSec = rebuild.error
  }
  if (floor?.ok) metrics.floorEventsPerSec = round((n / floor.ms) * 1000)
  else if (floor !== undefined) {
    metrics.floorEventsPerSec = null
    nullReasons.floorEventsPerSec = floor.error
  }
  const rebuildStages = rebuild.runs.find((r) => r.ok)?.boot
  const notes = []
  if (rebuildStages && !rebuildStages.migrating && !rebuildStages.rehydrating) {
    notes.push(`the boot with schema v2 (a rebuild) reported no migrating/rehydrating progress, only onBootStatus stage(s) ${Object.keys(rebuildStages).join(', ')}`)
  }
  return { metrics, nullReasons, notes, info: { reopen, rebuild, ...(floor && { rebuildFloor: floor }) } }
}

// ---------------------------------------------------------------------------- child scenarios

const N_COMMITS = 10_000

async function fs10k(side) {
  const limits = limitsOf(side)
  const store = makeRoot(side, '10k')
  try {
    const { events } = side.schemas.v1
    const s = await openStore(side, 'v1', store.base)
    gc()
    progress(`${side.side}: ${fmtN(N_COMMITS)} single commits…`)
    const t0 = performance.now()
    let n = 0
    for (; n < N_COMMITS; n++) {
      if ((n & 63) === 0 && performance.now() - t0 > limits.commitBudgetMs) break
      s.commit(created(events, n))
      if (n % 1000 === 999) progress(`  ${n + 1} commits, ${((performance.now() - t0) / 1000).toFixed(1)} s`)
    }
    const loopMs = performance.now() - t0
    await withTimeout(side.waitDurable(s), limits.durableTimeoutMs, 'waiting until durable')
    const totalMs = performance.now() - t0
    const committed = n
    if (countTodos(side, s) !== committed) throw new Error(`expected ${committed} todos, found ${countTodos(side, s)}`)

    const notes = [`waiting until durable (here and in commitDurableEach): ${side.durability}`]
    const nullReasons = {}
    const metrics = {
      totalMs: round(totalMs),
      usPerCommit: round((totalMs * 1000) / committed),
      loopMs: round(loopMs),
      durableWaitMs: round(totalMs - loopMs),
    }
    if (committed < N_COMMITS) {
      metrics.totalMs = null
      nullReasons.totalMs = `capped: ${fmtN(committed)} commits in the ${limits.commitBudgetMs / 1000} s budget (+ ${round((totalMs - loopMs) / 1000)} s until durable); µs/commit is over those`
      notes.push(`commit loop capped at ${fmtN(committed)} commits by the ${limits.commitBudgetMs / 1000} s budget; the store was then topped up to ${fmtN(N_COMMITS)} in batches (untimed)`)
      const top = await populate(side, s, committed, N_COMMITS, { ...limits, populateBudgetMs: Infinity })
      if (countTodos(side, s) !== N_COMMITS) throw new Error(`top-up: expected ${N_COMMITS} todos`)
      progress(`${side.side}: topped up ${fmtN(top.events)} events in ${top.ms} ms`)
    }
    const shutdownMs = await closeTimed(side, s)
    const disk = diskUsage(store.base)
    metrics.bytesPerEvent = round(disk.bytes / N_COMMITS)

    const rr = await reopenAndRebuild(side, store, N_COMMITS, limits)
    return {
      notes: [...notes, ...rr.notes],
      metrics: { ...metrics, ...rr.metrics },
      nullReasons: { ...nullReasons, ...rr.nullReasons },
      info: { committed, shutdownMs, durability: side.durability, disk, ...rr.info },
    }
  } finally {
    removeRoot(store.root)
  }
}

const N_BIG = 100_000

async function fs100k(side) {
  const limits = limitsOf(side)
  const store = makeRoot(side, '100k')
  try {
    const s = await openStore(side, 'v1', store.base)
    progress(`${side.side}: populating ${fmtN(N_BIG)} events in batches of ${limits.populateBatch}…`)
    const pop = await populate(side, s, 0, N_BIG, limits)
    const n = pop.events
    if (countTodos(side, s) !== n) throw new Error(`expected ${n} todos, found ${countTodos(side, s)}`)
    const shutdownMs = await closeTimed(side, s)
    const disk = diskUsage(store.base)
    const rr = await reopenAndRebuild(side, store, n, limits)
    const metrics = { bytesPerEvent: round(disk.bytes / n), ...rr.metrics }
    const nullReasons = { ...rr.nullReasons }
    const notes = [...rr.notes]
    if (n < N_BIG) {
      const why = `only ${fmtN(n)} events populated in the ${limits.populateBudgetMs / 1000} s budget`
      notes.push(`${why}: events/s and bytes/event are over ${fmtN(n)} events`)
      const measured = { reopenMs: 'reopening them took {} ms', rssMB: 'RSS after reopening them: {} MB' }
      for (const [key, text] of Object.entries(measured)) {
        if (metrics[key] != null) nullReasons[key] = `${why}; ${text.replace('{}', fmtN(Math.round(metrics[key])))}`
        metrics[key] = null
      }
    }
    return {
      notes,
      metrics,
      nullReasons,
      info: { events: n, populate: pop, shutdownMs, disk, ...rr.info },
    }
  } finally {
    removeRoot(store.root)
  }
}

async function durableEach(side) {
  const limits = limitsOf(side)
  const store = makeRoot(side, 'each')
  try {
    const { events } = side.schemas.v1
    const s = await openStore(side, 'v1', store.base)
    const n = limits.durableEachCommits
    // A few untimed rounds first (the first write creates tables, pages, …).
    for (let i = 0; i < 5; i++) {
      s.commit(created(events, n + i))
      await side.waitDurable(s)
    }
    gc()
    progress(`${side.side}: ${n} commits, each followed by waiting until durable…`)
    const lat = new Float64Array(n)
    const t0 = performance.now()
    for (let i = 0; i < n; i++) {
      const a = performance.now()
      s.commit(created(events, i))
      await withTimeout(side.waitDurable(s), limits.durableTimeoutMs, 'waiting until durable')
      lat[i] = performance.now() - a
    }
    const totalMs = performance.now() - t0
    if (countTodos(side, s) !== n + 5) throw new Error(`expected ${n + 5} todos`)
    await side.shutdown(s)
    return {
      metrics: {
        msPerDurableCommit: round(totalMs / n),
        medianMs: round(median(lat)),
        p99Ms: round(percentile(lat, 99)),
      },
      info: { commits: n, totalMs: round(totalMs), meanMs: round(mean(Array.from(lat))), durability: side.durability },
    }
  } finally {
    removeRoot(store.root)
  }
}

export const scenarios = { fs10k, fs100k, durableEach }

// ---------------------------------------------------------------------------- entry point

/**
 * Entry point of a side's fs script: `node fs.mjs --scenario NAME` (a child of bench/run.mjs),
 * or `node fs.mjs --phase reopen|rebuild --dir D --expect N` (spawned by those scenarios).
 */
export async function runFsMain(sideId, loadSide) {
  const argv = process.argv.slice(2)
  const arg = (k) => (argv.includes(k) ? argv[argv.indexOf(k) + 1] : undefined)
  const phase = arg('--phase')
  if (phase === undefined) return runScenarioMain(scenarios, sideId, loadSide, argv)
  // If the scenario child is killed (the harness's timeout), do not outlive it.
  const parent = process.ppid
  setInterval(() => process.ppid !== parent && process.exit(1), 500).unref()
  let result
  try {
    if (!Object.hasOwn(phases, phase)) throw new Error(`unknown phase ${phase}`)
    const side = await loadSide()
    result = { ok: true, ...(await phases[phase](side, { dir: arg('--dir'), expect: Number(arg('--expect')) })) }
  } catch (e) {
    progress(`${sideId}/${phase} failed:`, e?.stack ?? e)
    result = { ok: false, error: String(e?.message ?? e).split('\n')[0] }
  }
  await emitResult(result)
  process.exit(result.ok ? 0 : 1)
}
