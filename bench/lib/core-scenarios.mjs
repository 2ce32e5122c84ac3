// The core-store scenarios, written ONCE and run against either side.
//
// Each side's scenario script (bench/cairn/core.mjs, bench/peers/livestore/core.mjs)
// only builds a `side` object from its own library and calls runScenarioMain(); the
// measurement code below is therefore identical for Cairn and for the peer.
//
// side = {
//   side: 'cairn' | 'livestore',   // id used in result JSON
//   label: string,                 // human name incl. version
//   createStore(storeId): Promise<Store>   // in-memory store with the shared TodoMVC schema
//   queryDb, events, todos,        // from the library / shared schema
//   importScript: URL,             // script measuring the library's import time (prints one number)
// }
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

import { runScenarioMain as runMain } from './scenario-main.mjs'
import { progress } from './stdout-guard.mjs'
import { mean, median, percentile, round, sliceMeans } from './stats.mjs'

const gc = () => {
  if (typeof globalThis.gc === 'function') {
    globalThis.gc()
    globalThis.gc()
  }
}

/** Let deferred work (timers, immediates, microtasks) run; returns ms it took. */
async function drain() {
  const t0 = performance.now()
  await new Promise((r) => setTimeout(r, 0))
  await new Promise((r) => setImmediate(r))
  return performance.now() - t0
}

const macrotask = () => new Promise((r) => setImmediate(r))

const makeCreated = (events, from, count, textOf = (i) => `todo ${i}`) => {
  const out = new Array(count)
  for (let i = 0; i < count; i++) out[i] = events.todoCreated({ id: `todo-${from + i}`, text: textOf(from + i) })
  return out
}

/** Commit `total` TodoCreated events in batches of `batch` (setup helper, untimed). */
async function seed(store, events, total, { batch = 100, textOf } = {}) {
  for (let i = 0; i < total; i += batch) {
    store.commit(...makeCreated(events, i, Math.min(batch, total - i), textOf))
  }
  await drain()
}

function countTodos(side, store) {
  return store.query(side.queryDb(side.todos.count()))
}

async function shutdown(store) {
  try {
    await store.shutdown()
  } catch (e) {
    progress('shutdown failed (ignored):', e?.message ?? e)
  }
}

// ---------------------------------------------------------------------------

const N_COMMITS = 10_000

/** `N_COMMITS` single commits on a fresh store: loop and deferred-work ms, each commit's latency (ms). */
async function singleCommits(side, storeId) {
  const store = await side.createStore(storeId)
  gc()
  const lat = new Float64Array(N_COMMITS)
  progress(`${side.side}: ${N_COMMITS} single commits…`)
  const t0 = performance.now()
  for (let i = 0; i < N_COMMITS; i++) {
    const a = performance.now()
    store.commit(side.events.todoCreated({ id: `todo-${i}`, text: `todo ${i}` }))
    lat[i] = performance.now() - a
    if (i % 1000 === 999) progress(`  ${i + 1} commits, ${((performance.now() - t0) / 1000).toFixed(1)} s`)
  }
  const loopMs = performance.now() - t0
  const drainMs = await drain()
  const rows = countTodos(side, store)
  await shutdown(store)
  if (rows !== N_COMMITS) throw new Error(`expected ${N_COMMITS} todos, found ${rows}`)
  return { loopMs, drainMs, lat }
}

const usPerCommit = ({ loopMs, drainMs }) => round(((loopMs + drainMs) * 1000) / N_COMMITS)

async function commit10k(side) {
  const run = await singleCommits(side, 'bench-commit10k')
  const { loopMs, drainMs, lat } = run
  const deciles = sliceMeans(Array.from(lat), 10).map((ms) => round(ms * 1000))
  return {
    metrics: {
      usPerCommit: usPerCommit(run),
      usPerCommitSync: round((loopMs * 1000) / N_COMMITS),
      medianUs: round(median(lat) * 1000),
      firstDecileUs: deciles[0],
      lastDecileUs: deciles[9],
      decileGrowth: round(deciles[9] / deciles[0], 3),
      decilesUs: deciles,
    },
    info: { commits: N_COMMITS, loopMs: round(loopMs), drainMs: round(drainMs) },
  }
}

// ---------------------------------------------------------------------------

const SUB_ROWS = 1000
const SUB_WARMUP = 50
const SUB_ITERS = 1000
const SUB_TIMEOUT_MS = 5000

async function measureSubscription(side, store, query$, label) {
  let pending = null // resolve fn of the current iteration
  let calls = 0
  const unsubscribe = store.subscribe(query$, () => {
    calls++
    if (pending !== null) {
      const t = performance.now()
      const resolve = pending
      pending = null
      resolve(t)
    }
  })
  await drain() // let any initial (sync or async) callback pass
  const lat = []
  const id = 'todo-0'
  let completed = false
  const warmup = side.limits?.subWarmup ?? SUB_WARMUP
  const iters = side.limits?.subIterations ?? SUB_ITERS
  for (let i = 0; i < warmup + iters; i++) {
    let timer
    const fired = new Promise((resolve) => {
      pending = resolve
    })
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${label}: callback did not fire within ${SUB_TIMEOUT_MS} ms`)), SUB_TIMEOUT_MS)
    })
    const ev = completed ? side.events.todoUncompleted({ id }) : side.events.todoCompleted({ id })
    completed = !completed
    const t0 = performance.now()
    store.commit(ev)
    const tFired = await Promise.race([fired, timeout])
    clearTimeout(timer)
    if (i >= warmup) lat.push((tFired - t0) * 1000)
    // Untimed: give deferred work of this commit a chance to run, as between two user actions.
    await macrotask()
  }
  if (typeof unsubscribe === 'function') unsubscribe()
  return {
    medianUs: round(median(lat)),
    p99Us: round(percentile(lat, 99)),
    meanUs: round(mean(lat)),
    callbacks: calls,
  }
}

async function commitToSubscriber(side) {
  const store = await side.createStore('bench-sub')
  await seed(store, side.events, SUB_ROWS)
  gc()
  const { todos, queryDb } = side
  progress(`${side.side}: commit→subscriber, count query…`)
  const count = await measureSubscription(side, store, queryDb(todos.count().where({ completed: false })), 'count')
  gc()
  progress(`${side.side}: commit→subscriber, list query…`)
  const list = await measureSubscription(side, store, queryDb(todos.orderBy('id', 'asc')), 'list')
  await shutdown(store)
  const iterations = side.limits?.subIterations ?? SUB_ITERS
  return {
    notes: iterations === SUB_ITERS ? [] : [`timed ${iterations} commits per query, not ${SUB_ITERS} (side's time budget)`],
    metrics: {
      countMedianUs: count.medianUs,
      countP99Us: count.p99Us,
      listMedianUs: list.medianUs,
      listP99Us: list.p99Us,
    },
    info: {
      rows: SUB_ROWS,
      warmup: side.limits?.subWarmup ?? SUB_WARMUP,
      iterations: side.limits?.subIterations ?? SUB_ITERS,
      count,
      list,
    },
  }
}

// ---------------------------------------------------------------------------

const BATCH = 10_000
const Q_DISTINCT_TEXTS = 2000 // text of todo i = `t${i % 2000}` → each text matches 5 rows
const batchText = (i) => `t${i % Q_DISTINCT_TEXTS}`

/** One store.commit(...10k TodoCreated) on a fresh store; returns the (still open) store. */
async function measureBatch(side, storeId = 'bench-batch') {
  const store = await side.createStore(storeId)
  const evs = makeCreated(side.events, 0, BATCH, batchText)
  gc()
  progress(`${side.side}: one commit of ${BATCH} events…`)
  const t0 = performance.now()
  store.commit(...evs)
  const syncMs = performance.now() - t0
  const drainMs = await drain()
  const rows = countTodos(side, store)
  if (rows !== BATCH) throw new Error(`expected ${BATCH} todos, found ${rows}`)
  return {
    store,
    metrics: { batchMs: round(syncMs + drainMs), batchMsSync: round(syncMs) },
    info: { events: BATCH, syncMs: round(syncMs), drainMs: round(drainMs) },
  }
}

async function commitBatch10k(side) {
  const { store, ...r } = await measureBatch(side)
  await shutdown(store)
  return r
}

// ---------------------------------------------------------------------------

const Q_ROWS = BATCH
// Every timed query of every variant uses a key (id or text) that no earlier query in the
// process used, so no result can come from a cache keyed on the query:
//   pk:   ids are a permutation of the 10k rows; pkQueryDb times keys 0–4499 (warm-up 4500–4999),
//         pkBuilder times 5000–9499 (warm-up 9500–9999).
//   scan: texts t0–t1999 each match 5 rows; scanQueryDb times t0–t999, scanBuilder t1000–t1999;
//         warm-up texts match nothing.
const PK_WARMUP = 500
const PK_ITERS = 4500
const SCAN_WARMUP = 200
const SCAN_ITERS = 1000

function timeEach(n, fn) {
  const lat = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const a = performance.now()
    fn(i)
    lat[i] = (performance.now() - a) * 1000
  }
  return Array.from(lat)
}

async function queries(side) {
  const store = await side.createStore('bench-queries')
  await seed(store, side.events, Q_ROWS, { textOf: batchText })
  if (countTodos(side, store) !== Q_ROWS) throw new Error('seeding failed')
  const r = runQueries(side, store)
  await shutdown(store)
  return r
}

/**
 * commitBatch10k, then the queries on the 10k rows it committed, in one process: for a peer
 * needing seconds per 10k events this saves seeding a second store. The batch is still
 * measured on a fresh store in a fresh process; the queries run after a gc().
 */
async function batchAndQueries(side) {
  const batch = await measureBatch(side)
  const q = runQueries(side, batch.store)
  await shutdown(batch.store)
  return { metrics: { ...batch.metrics, ...q.metrics }, info: { batch: batch.info, queries: q.info } }
}

function runQueries(side, store) {
  const { todos, queryDb } = side
  // Distinct ids, spread over the table; warm-up ids are never reused in the timed loop.
  const pkId = (i) => `todo-${(i * 7919) % Q_ROWS}`
  const check = (ok, what) => {
    if (!ok) throw new Error(`wrong query result: ${what}`)
  }

  const results = {}
  // fn(k) runs one query for key index k; timed k = offset … offset+iters-1, warm-up after that.
  const run = (name, warmup, iters, offset, fn, verify) => {
    gc()
    progress(`${side.side}: ${name}…`)
    for (let i = 0; i < warmup; i++) fn(offset + iters + i)
    const lat = timeEach(iters, (i) => fn(offset + i))
    verify(offset + iters - 1)
    results[name] = { medianUs: round(median(lat)), p99Us: round(percentile(lat, 99)), meanUs: round(mean(lat)) }
  }

  let last
  const pkBlock = PK_ITERS + PK_WARMUP
  // pk point query, a fresh queryDb (with deps) per id.
  run('pkQueryDb', PK_WARMUP, PK_ITERS, 0, (k) => {
    const id = pkId(k)
    last = store.query(queryDb(todos.where({ id }).first(), { deps: [id] }))
  }, (k) => check(last?.id === pkId(k), 'pkQueryDb'))
  // pk point query, query builder passed straight to store.query.
  run('pkBuilder', PK_WARMUP, PK_ITERS, pkBlock, (k) => {
    last = store.query(todos.where({ id: pkId(k) }).first())
  }, (k) => check(last?.id === pkId(k), 'pkBuilder'))
  // Non-indexed scan over 10k rows matching 5 rows.
  const text = (k, offset) => (k < offset + SCAN_ITERS ? `t${k}` : `nomatch-${k}`)
  run('scanQueryDb', SCAN_WARMUP, SCAN_ITERS, 0, (k) => {
    const t = text(k, 0)
    last = store.query(queryDb(todos.where({ text: t }), { deps: [t] }))
  }, () => check(last?.length === Q_ROWS / Q_DISTINCT_TEXTS, 'scanQueryDb'))
  run('scanBuilder', SCAN_WARMUP, SCAN_ITERS, SCAN_ITERS, (k) => {
    last = store.query(todos.where({ text: text(k, SCAN_ITERS) }))
  }, () => check(last?.length === Q_ROWS / Q_DISTINCT_TEXTS, 'scanBuilder'))

  return {
    metrics: {
      pkUs: results.pkQueryDb.medianUs,
      pkBuilderUs: results.pkBuilder.medianUs,
      scanUs: results.scanQueryDb.medianUs,
      scanBuilderUs: results.scanBuilder.medianUs,
    },
    info: { rows: Q_ROWS, rowsPerScan: Q_ROWS / Q_DISTINCT_TEXTS, ...results },
  }
}

// ---------------------------------------------------------------------------

const IMPORT_RUNS = 5

async function importTime(side) {
  const script = fileURLToPath(side.importScript)
  const runs = []
  const procMs = []
  for (let i = 0; i < IMPORT_RUNS; i++) {
    const t0 = performance.now()
    const r = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 60_000 })
    procMs.push(performance.now() - t0)
    if (r.status !== 0) throw new Error(`import script failed: ${(r.stderr || r.error?.message || '').trim().split('\n').slice(-5).join(' | ')}`)
    const ms = Number(r.stdout.trim().split('\n').pop())
    if (!Number.isFinite(ms)) throw new Error(`import script printed no number: ${r.stdout}`)
    runs.push(ms)
    progress(`${side.side}: import run ${i + 1}: ${ms.toFixed(1)} ms`)
  }
  return {
    metrics: { importMs: round(median(runs)), processMs: round(median(procMs)) },
    info: { runsMs: runs.map((x) => round(x)), processRunsMs: procMs.map((x) => round(x)) },
  }
}

// ---------------------------------------------------------------------------

const RSS_EVENTS = 100_000
const RSS_CHECKPOINT = 10_000
const RSS_BATCH = 100

const memMB = () => {
  const m = process.memoryUsage()
  return { rss: m.rss / 2 ** 20, heapUsed: m.heapUsed / 2 ** 20, external: m.external / 2 ** 20 }
}

async function rss100k(side) {
  // A side may cap the event count (side.limits.rssEvents) when 100k would blow the time budget;
  // the 10k checkpoint is always measured so the two sides stay comparable.
  const target = Math.min(RSS_EVENTS, side.limits?.rssEvents ?? RSS_EVENTS)
  gc()
  const startMB = memMB()
  const store = await side.createStore('bench-rss')
  await drain()
  gc()
  const emptyMB = memMB()
  progress(`${side.side}: ${target} events in commits of ${RSS_BATCH}…`)
  const checkpoints = {}
  let commitMs = 0
  for (let i = 0; i < target; ) {
    const t0 = performance.now()
    store.commit(...makeCreated(side.events, i, RSS_BATCH))
    i += RSS_BATCH
    if (i === RSS_CHECKPOINT || i === target) {
      commitMs += performance.now() - t0 + (await drain())
      const rows = countTodos(side, store)
      if (rows !== i) throw new Error(`expected ${i} todos, found ${rows}`)
      gc()
      await drain()
      gc()
      checkpoints[i] = memMB()
      progress(`  ${i} events: rss ${checkpoints[i].rss.toFixed(1)} MB, ${(commitMs / 1000).toFixed(1)} s committing`)
    } else {
      commitMs += performance.now() - t0
    }
  }
  const at10k = checkpoints[RSS_CHECKPOINT]
  const at100k = checkpoints[RSS_EVENTS]
  const nullReasons = {}
  if (!at100k) {
    const reason = `capped at ${target} events by the side's time budget (${round(commitMs / 1000, 3)} s for ${target} events)`
    nullReasons.rssMB = reason
    nullReasons.heapUsedMB = reason
  }
  const result = {
    metrics: {
      rssMB: at100k ? round(at100k.rss) : null,
      heapUsedMB: at100k ? round(at100k.heapUsed) : null,
      rssMBAt10k: at10k ? round(at10k.rss) : null,
      heapUsedMBAt10k: at10k ? round(at10k.heapUsed) : null,
    },
    nullReasons,
    info: {
      gcExposed: typeof globalThis.gc === 'function',
      events: target,
      batch: RSS_BATCH,
      commitMs: round(commitMs),
      rssStartMB: round(startMB.rss),
      rssEmptyStoreMB: round(emptyMB.rss),
      checkpoints: Object.fromEntries(
        Object.entries(checkpoints).map(([k, v]) => [k, { rssMB: round(v.rss), heapUsedMB: round(v.heapUsed), externalMB: round(v.external) }]),
      ),
    },
  }
  // Measured while the store is still alive; shut down only afterwards.
  await shutdown(store)
  return result
}

// ---------------------------------------------------------------------------

const WARM_BATCH_ROUNDS = 5
const WARM_BATCH_SKIPPED = 2

/**
 * commit10k and commitBatch10k again in the process that already ran them once, each on a fresh
 * store: the same work once V8 has compiled the commit path and SQLite's wasm. Those goals are
 * measured in a fresh process, where the first thousands of commits and the first batch run on
 * V8's baseline tiers; this tells how much of each figure is that warm-up.
 */
async function warmRepeat(side) {
  const first = await singleCommits(side, 'bench-warm-commit-1')
  const second = await singleCommits(side, 'bench-warm-commit-2')
  const batches = []
  for (let i = 0; i < WARM_BATCH_ROUNDS; i++) {
    const { store, metrics } = await measureBatch(side, `bench-warm-batch-${i}`)
    await shutdown(store)
    batches.push(metrics.batchMs)
  }
  return {
    metrics: {
      commit10kUs: usPerCommit(second),
      batchMs: round(median(batches.slice(WARM_BATCH_SKIPPED))),
    },
    info: { commit10kFirstRunUs: usPerCommit(first), batchRoundsMs: batches },
  }
}

// ---------------------------------------------------------------------------

export const scenarios = { commit10k, commitToSubscriber, commitBatch10k, queries, batchAndQueries, importTime, rss100k, warmRepeat }

/**
 * Entry point of a side's scenario script: `node core.mjs --scenario NAME`. `sideScenarios` are
 * scenarios only that side runs (e.g. Cairn's substrate floor).
 */
export const runScenarioMain = (sideId, loadSide, sideScenarios = {}) => runMain({ ...scenarios, ...sideScenarios }, sideId, loadSide)
