// React benchmark (suite `react`) — Cairn side: the same UI on Cairn with the in-memory adapter
// (measured), on plain React useState (the floor), on plain React with its rows in SQLite-in-wasm
// (the substrate floor: react-app/sqlite-floor.js) and on Cairn with the persisted adapter (OPFS).
// Usage: node bench/cairn/react.mjs --scenario create1k|create10k|update10th|select|remove|append1k|clear [--profile DIR]
// Prints one JSON object on stdout.
import { emitResult } from '../lib/stdout-guard.mjs' // must stay the first import
import { mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

import { packageVersion } from '../lib/pkg-version.mjs'
import { buildApp, combineRuns, machineLoad, runOn, scenarios, withBrowser } from '../lib/react-bench.mjs'
import { runScenarioMain } from '../lib/scenario-main.mjs'
import { round } from '../lib/stats.mjs'

void emitResult
const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..', '..')
const profileIdx = process.argv.indexOf('--profile')
const profileDir = profileIdx >= 0 ? process.argv[profileIdx + 1] : undefined

/** Each implementation runs each scenario this many times (or the scenario's `rounds`), in fresh pages, interleaved. */
const ROUNDS = 2

const run = (name) => async () => {
  const outDir = await buildApp(join(here, 'react-app'), [
    ...['store', 'sqlite', 'adapter-web', 'react'].map((p) => join(root, 'packages', p, 'dist')),
    join(root, 'package-lock.json'),
    join(here, '..', 'lib', 'substrate-sql.mjs'),
  ], { minify: !profileDir }) // profiles get readable function names
  const loadBefore = machineLoad()
  return withBrowser(outDir, async ({ open }) => {
    const impls = ['react', 'react-sqlite', 'cairn', 'cairn-persisted']
    const runs = Object.fromEntries(impls.map((impl) => [impl, []]))
    // Rounds of: the floors, Cairn in memory, Cairn persisted, each in a fresh page; the ratio to
    // plain React compares samples taken under the same machine load.
    const rounds = scenarios[name].rounds ?? ROUNDS
    for (let round = 0; round < rounds; round++) {
      for (const impl of impls) {
        if (profileDir) mkdirSync(profileDir, { recursive: true })
        const profile = profileDir && round === 0 ? join(profileDir, `${name}-${impl}.cpuprofiles.json`) : undefined
        runs[impl].push(await runOn(open, `impl=${impl}`, name, { profile }))
      }
    }
    const results = Object.fromEntries(impls.map((impl) => [impl, combineRuns(runs[impl])]))
    const { cairn, react, 'react-sqlite': sqliteFloor, 'cairn-persisted': persisted } = results
    return {
      metrics: {
        medianMs: cairn.medianMs,
        p90Ms: cairn.p90Ms,
        heapMB: cairn.heapMB,
        reactMedianMs: react.medianMs,
        reactP90Ms: react.p90Ms,
        reactHeapMB: react.heapMB,
        // Three significant digits: with two, a ratio of 1.53 printed as 1.5 and passed the ≤ 1.5 goal.
        vsReact: round(cairn.medianMs / react.medianMs, 3),
        vsReactP90: round(cairn.p90Ms / react.p90Ms, 3),
        sqliteFloorMedianMs: sqliteFloor.medianMs,
        sqliteFloorVsReact: round(sqliteFloor.medianMs / react.medianMs, 3),
        persistedMedianMs: persisted.medianMs,
        persistedP90Ms: persisted.p90Ms,
        persistedHeapMB: persisted.heapMB,
      },
      info: { ...results, rounds, reps: scenarios[name].reps, warmup: scenarios[name].warmup, loadavgBefore: loadBefore, loadavgAfter: machineLoad() },
    }
  })
}

await runScenarioMain(
  Object.fromEntries(Object.keys(scenarios).map((name) => [name, run(name)])),
  'cairn',
  async () => ({ label: `Cairn ${packageVersion('@cairn/react', import.meta.url)} (Chromium)` }),
)
