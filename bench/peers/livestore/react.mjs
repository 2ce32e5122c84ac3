// React benchmark (suite `react`) — LiveStore 0.4.0 side (black-box peer): the same UI on
// @livestore/react + @livestore/adapter-web's in-memory adapter (app in ./react-app).
// Usage: node bench/peers/livestore/react.mjs --scenario NAME [--profile DIR]
import { emitResult } from '../../lib/stdout-guard.mjs' // must stay the first import
import { mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

import { packageVersion } from '../../lib/pkg-version.mjs'
import { buildApp, machineLoad, runOn, scenarios, withBrowser } from '../../lib/react-bench.mjs'
import { runScenarioMain } from '../../lib/scenario-main.mjs'

void emitResult
const here = dirname(fileURLToPath(import.meta.url))
const profileIdx = process.argv.indexOf('--profile')
const profileDir = profileIdx >= 0 ? process.argv[profileIdx + 1] : undefined

// LiveStore 0.4.0 did not show 10,000 rows within 60 s of the click in a first run (the page's
// limit per click): create10k makes one timed click, no warm-up, and reports null if it does not settle.
const limits = { create10k: { warmup: 0, reps: 1 } }

const run = (name) => async () => {
  const outDir = await buildApp(join(here, 'react-app'), [join(here, 'package-lock.json')], { minify: !profileDir }) // profiles get readable function names
  const loadBefore = machineLoad()
  return withBrowser(outDir, async ({ open }) => {
    if (profileDir) mkdirSync(profileDir, { recursive: true })
    const profile = profileDir ? join(profileDir, `${name}-livestore.cpuprofiles.json`) : undefined
    let r
    try {
      r = await runOn(open, 'impl=livestore', name, { profile, limits: limits[name] })
    } catch (error) {
      if (!/no DOM change settled/.test(String(error?.message))) throw error
      const reason = `the DOM had not settled 60 s after the click (${String(error.message).replace(/^.*Error: /, '')})`
      return { metrics: { medianMs: null, p90Ms: null, heapMB: null }, nullReasons: { medianMs: reason, p90Ms: reason, heapMB: reason } }
    }
    return {
      metrics: { medianMs: r.medianMs, p90Ms: r.p90Ms, heapMB: r.heapMB },
      notes: [
        ...(limits[name] ? [`${limits[name].reps} timed repetitions after ${limits[name].warmup} warm-up (budget)`] : []),
        ...(r.recoverableReactErrors > 0 ? [`React logged ${r.recoverableReactErrors} recoverable error(s) #520 (a concurrent render redone synchronously) while the page booted or ran`] : []),
      ],
      info: { livestore: r, reps: limits[name]?.reps ?? scenarios[name].reps, warmup: limits[name]?.warmup ?? scenarios[name].warmup, loadavgBefore: loadBefore, loadavgAfter: machineLoad() },
    }
  })
}

await runScenarioMain(
  Object.fromEntries(Object.keys(scenarios).map((name) => [name, run(name)])),
  'livestore',
  async () => ({ label: `LiveStore ${packageVersion('@livestore/react', import.meta.url)} (Chromium)` }),
)
