// The core suite's `substrateFloor` scenario (Cairn side only): the parts of the goals' work that
// Cairn's substrate alone costs in a fresh process, with no store logic on top. It tells which goal
// gaps are Cairn's overhead and which are below what SQLite-in-wasm and effect/Schema allow:
//
//   batch  10k TodoMVC rows + 10k eventlog rows (the same tables and multi-row INSERTs the store
//          uses), one transaction each, on @cairn/sqlite's raw connection — the floor of
//          `commitBatch10k` (which also validates, encodes, materializes and keeps undo information);
//   pk / scan  the `queries` scenario's two SQL statements on the raw connection, same keys, same
//          warm-up and timed counts (medians);
//   import  `effect/Schema` alone, fresh process, median of 5 — the floor of `importTime`, since
//          @cairn/store re-exports Schema.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { progress } from './stdout-guard.mjs'
import { median, round } from './stats.mjs'

const ROWS = 10_000
const DISTINCT_TEXTS = 2_000 // as in the queries scenario: each text matches 5 rows
const ROWS_PER_INSERT = 64 // as in the store's write queue and eventlog
const PK_WARMUP = 500
const PK_ITERS = 4_500
const SCAN_WARMUP = 200
const SCAN_ITERS = 1_000
const IMPORT_RUNS = 5

const TODOS = `CREATE TABLE todos (id TEXT PRIMARY KEY, text TEXT NOT NULL DEFAULT '', completed INTEGER NOT NULL DEFAULT 0, deletedAt INTEGER)`
const EVENTLOG = `CREATE TABLE eventlog (seqNumGlobal INTEGER NOT NULL, seqNumClient INTEGER NOT NULL,
  seqNumRebaseGeneration INTEGER NOT NULL, parentSeqNumGlobal INTEGER NOT NULL, parentSeqNumClient INTEGER NOT NULL,
  parentSeqNumRebaseGeneration INTEGER NOT NULL, name TEXT NOT NULL, argsJson TEXT NOT NULL, clientId TEXT NOT NULL,
  sessionId TEXT NOT NULL, timestamp INTEGER NOT NULL, PRIMARY KEY (seqNumGlobal, seqNumClient)) WITHOUT ROWID`

/** Inserts `count` rows of `width` values (`valuesOf(i)`) as multi-row INSERTs in one transaction; returns ms. */
const insertRows = (db, table, width, count, valuesOf) => {
  const row = `(${Array(width).fill('?').join(', ')})`
  const sqlFor = (rows) => `INSERT INTO ${table} VALUES ${Array(rows).fill(row).join(', ')}`
  const t0 = performance.now()
  db.execute('BEGIN')
  for (let start = 0; start < count; start += ROWS_PER_INSERT) {
    const rows = Math.min(ROWS_PER_INSERT, count - start)
    const values = []
    for (let i = start; i < start + rows; i++) for (const value of valuesOf(i)) values.push(value)
    db.execute(sqlFor(rows), values)
  }
  db.execute('COMMIT')
  return performance.now() - t0
}

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

const importMs = (script) => {
  const runs = []
  for (let i = 0; i < IMPORT_RUNS; i++) {
    const r = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 60_000 })
    const ms = Number(r.stdout.trim().split('\n').pop())
    if (r.status !== 0 || !Number.isFinite(ms)) throw new Error(`import-effect-schema failed: ${r.stderr || r.stdout}`)
    runs.push(ms)
  }
  return { ms: round(median(runs)), runsMs: runs.map((x) => round(x)) }
}

/** The scenario: `loadSqlite` is @cairn/sqlite's; `importScript` prints the ms `effect/Schema` takes to import. */
export async function substrateFloor({ loadSqlite, importScript }) {
  const sqlite = await loadSqlite()
  const state = sqlite.openInMemory()
  const eventlog = sqlite.openInMemory()
  state.execute(TODOS)
  eventlog.execute(EVENTLOG)
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

  progress('cairn: substrate floor: import effect/Schema…')
  const effectImport = importMs(fileURLToPath(importScript))
  return {
    metrics: {
      batchMs: round(stateMs + eventlogMs),
      pkUs,
      scanUs,
      importMs: effectImport.ms,
    },
    info: {
      batchStateMs: round(stateMs),
      batchEventlogMs: round(eventlogMs),
      // Process CPU time of the batch: on a loaded machine the wall time above can be far larger.
      batchCpuMs: round((cpu.user + cpu.system) / 1000),
      importRunsMs: effectImport.runsMs,
    },
  }
}
