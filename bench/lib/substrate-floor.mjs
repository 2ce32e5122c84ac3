// The core suite's `substrateFloor` scenario (Cairn side only): the parts of the goals' work that
// Cairn's substrate alone costs in a fresh process, with no store logic on top. It tells which goal
// gaps are Cairn's overhead and which are below what SQLite-in-wasm and effect/Schema allow:
//
//   batch  10k TodoMVC rows + 10k eventlog rows (the same tables and multi-row INSERTs the store
//          uses), one transaction each, on @cairn/sqlite's raw connection — the floor of
//          `commitBatch10k` (which also validates, encodes, materializes and keeps undo information);
//   pk / scan  the `queries` scenario's two SQL statements on the raw connection, same keys, same
//          warm-up and timed counts (medians);
//   commit  10k single-row INSERTs, each its own statement, then the 10k eventlog rows, in a fresh
//          process (bench/cairn/commit-floor.mjs), median of 3 — the floor of `commit10k`: SQLite's
//          wasm starts in V8's baseline compiler, so the first thousands cost several times the rest;
//   import  `effect/Schema` alone, fresh process, median of 5 — the floor of `importTime`, since
//          @cairn/store re-exports Schema.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { progress } from './stdout-guard.mjs'
import { median, round } from './stats.mjs'
import { EVENTLOG_TABLE, insertRows, TODOS_TABLE } from './substrate-sql.mjs'

const ROWS = 10_000
const DISTINCT_TEXTS = 2_000 // as in the queries scenario: each text matches 5 rows
const PK_WARMUP = 500
const PK_ITERS = 4_500
const SCAN_WARMUP = 200
const SCAN_ITERS = 1_000
const IMPORT_RUNS = 5
const COMMIT_RUNS = 3

const medianUs = (iters, warmup, run) => {
  for (let i = 0; i < warmup; i++) run(iters + i)
  const lat = new Float64Array(iters)
  for (let i = 0; i < iters; i++) {
    const a = performance.now()
    run(i)
    lat[i] = (performance.now() - a) * 1000
  }
  return round(median(Array.from(lat)))
}

/** Runs `script` (which prints one number) in `runs` fresh processes: their median and each run. */
const freshProcessMedian = (script, runs) => {
  const values = []
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 60_000 })
    const value = Number(r.stdout.trim().split('\n').pop())
    if (r.status !== 0 || !Number.isFinite(value)) throw new Error(`${script} failed: ${r.stderr || r.stdout}`)
    values.push(value)
  }
  return { median: round(median(values)), runs: values.map((x) => round(x)) }
}

/**
 * The scenario: `loadSqlite` is @cairn/sqlite's; `importScript` prints the ms `effect/Schema` takes
 * to import, `commitScript` the µs per commit of the commit floor, each in a fresh process.
 */
export async function substrateFloor({ loadSqlite, importScript, commitScript }) {
  const sqlite = await loadSqlite()
  const state = sqlite.openInMemory()
  const eventlog = sqlite.openInMemory()
  state.execute(TODOS_TABLE)
  eventlog.execute(EVENTLOG_TABLE)
  progress('cairn: substrate floor: 10k rows + 10k eventlog rows…')
  const id = (i) => `todo-${i}`
  const text = (i) => `t${i % DISTINCT_TEXTS}`
  const timestamp = Date.now()
  const cpu0 = process.cpuUsage()
  const stateMs = insertRows(state, 'todos', 4, ROWS, (i) => [id(i), text(i), 0, null])
  const eventlogMs = insertRows(eventlog, 'eventlog', 11, ROWS, (i) => [
    i + 1, 0, 0, i, 0, 0, 'v1.TodoCreated', JSON.stringify({ id: id(i), text: text(i) }), 'client-1', 'session-1', timestamp,
  ])
  const cpu = process.cpuUsage(cpu0)
  const count = state.select('SELECT COUNT(*) AS n FROM todos')[0]?.n
  if (count !== ROWS) throw new Error(`expected ${ROWS} rows, found ${count}`)

  progress('cairn: substrate floor: pk and scan queries…')
  // The queries scenario's keys: a permutation of the ids; texts matching 5 rows, warm-up texts none.
  const pkUs = medianUs(PK_ITERS, PK_WARMUP, (k) => state.select('SELECT * FROM todos WHERE id = ? LIMIT 1', [id((k * 7919) % ROWS)]))
  const scanUs = medianUs(SCAN_ITERS, SCAN_WARMUP, (k) => state.select('SELECT * FROM todos WHERE text = ?', [k < SCAN_ITERS ? text(k) : `none-${k}`]))
  state.close()
  eventlog.close()

  progress('cairn: substrate floor: 10k single INSERTs in fresh processes…')
  const commits = freshProcessMedian(fileURLToPath(commitScript), COMMIT_RUNS)
  progress('cairn: substrate floor: import effect/Schema…')
  const effectImport = freshProcessMedian(fileURLToPath(importScript), IMPORT_RUNS)
  return {
    metrics: {
      batchMs: round(stateMs + eventlogMs),
      pkUs,
      scanUs,
      commit10kUs: commits.median,
      importMs: effectImport.median,
    },
    info: {
      batchStateMs: round(stateMs),
      batchEventlogMs: round(eventlogMs),
      // Process CPU time of the batch: on a loaded machine the wall time above can be far larger.
      batchCpuMs: round((cpu.user + cpu.system) / 1000),
      commit10kRunsUs: commits.runs,
      importRunsMs: effectImport.runs,
    },
  }
}
