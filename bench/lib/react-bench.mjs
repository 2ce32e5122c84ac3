// The React benchmark (suite `react`), shared by the Cairn script (cairn/react.mjs: Cairn in memory,
// Cairn persisted, plain React) and the LiveStore script (peers/livestore/react.mjs): builds an app
// directory with Vite (cached under .tmp/react-bench/<hash>), serves it on 127.0.0.1, opens it in
// Debian's headless Chromium (playwright-core) and runs one scenario on each implementation, each in
// a fresh page. The page's `window.bench.click(selector)` (bench/lib/react-ui/shared.js) times one
// click: performance.now() before element.click() → the last DOM mutation it caused
// (MutationObserver), once a frame passed with no further mutation.
import { progress } from './stdout-guard.mjs'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { median, percentile, round } from './stats.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const benchDir = join(here, '..')
const repoRoot = join(benchDir, '..')
const harness = join(repoRoot, 'packages/adapter-web/test/fixtures/browser.mjs')

const listFiles = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : [join(dir, e.name)]))

/** Builds `appDir` with Vite once per hash of `inputs` (files and directories) and returns the output directory. */
export async function buildApp(appDir, inputs, { minify = true } = {}) {
  const hash = createHash('sha256').update(minify ? 'min' : 'nomin')
  for (const input of [appDir, join(here, 'react-ui'), fileURLToPath(import.meta.url), ...inputs]) {
    for (const file of statSync(input).isDirectory() ? listFiles(input) : [input]) {
      hash.update(relative(repoRoot, file)).update('\0').update(readFileSync(file)).update('\0')
    }
  }
  const base = join(repoRoot, '.tmp', 'react-bench')
  const outDir = join(base, `${relative(benchDir, appDir).replace(/[\\/]/g, '_')}-${hash.digest('hex').slice(0, 16)}`)
  if (existsSync(join(outDir, 'index.html'))) return outDir
  mkdirSync(base, { recursive: true })
  const { build } = await import('vite')
  const building = `${outDir}.building-${process.pid}`
  const t0 = performance.now()
  await build({
    root: appDir,
    configFile: false,
    logLevel: 'error', // the Cairn build warns that @cairn/sqlite's Node VFS chunk (never loaded in a page) imports node: modules
    mode: 'production',
    // One React for the app, the shared UI and the bindings (resolved from the app's directory).
    resolve: { dedupe: ['react', 'react-dom'] },
    worker: { format: 'es', rolldownOptions: { checks: { bundlerTimings: false } } },
    build: { outDir: building, emptyOutDir: true, minify, target: 'es2022', reportCompressedSize: false, rolldownOptions: { checks: { bundlerTimings: false } } },
  })
  rmSync(outDir, { recursive: true, force: true })
  renameSync(building, outDir)
  // Builds of older inputs of the same app are stale.
  const prefix = outDir.slice(base.length + 1, -16)
  for (const old of readdirSync(base)) if (old.startsWith(prefix) && join(base, old) !== outDir && !old.includes('.building-')) rmSync(join(base, old), { recursive: true, force: true })
  progress(`react-bench: built ${relative(repoRoot, appDir)} in ${round(performance.now() - t0, 0)} ms`)
  return outDir
}

const click = (page, selector) => page.evaluate((s) => window.bench.click(s), selector)
const rowCount = (page) => page.evaluate(() => window.bench.rowCount())
const expectRows = async (page, n, what) => {
  const count = await rowCount(page)
  if (count !== n) throw new Error(`${what}: expected ${n} rows, found ${count}`)
}
const row = (i, part) => `#tbody > tr:nth-child(${i + 1}) a.${part}`

/**
 * The scenarios: `setup` (untimed, once), then `warmup` untimed + `reps` timed repetitions of
 * `rep(page, timed)`, where `timed(selector)` is the one measured click of a repetition. Five
 * warm-up clicks, as js-framework-benchmark does, so that compiled code is measured, not the JIT's
 * first tiers (create 10k: two, for time). `rounds`: fresh pages per implementation (default 2);
 * the clicks of the few-millisecond scenarios vary more from page to page than within one, so
 * those take four.
 */
export const scenarios = {
  create1k: {
    warmup: 5,
    reps: 12,
    rep: async (page, timed) => {
      if ((await rowCount(page)) > 0) await click(page, '#clear')
      await timed('#run')
      await expectRows(page, 1000, 'create 1k')
    },
  },
  create10k: {
    warmup: 2,
    reps: 6,
    rep: async (page, timed) => {
      if ((await rowCount(page)) > 0) await click(page, '#clear')
      await timed('#runlots')
      await expectRows(page, 10_000, 'create 10k')
    },
  },
  update10th: {
    rounds: 4,
    warmup: 5,
    reps: 15,
    setup: async (page) => click(page, '#run'),
    rep: async (page, timed) => {
      const before = await page.evaluate(() => window.bench.rowLabel(990))
      await timed('#update')
      const after = await page.evaluate(() => window.bench.rowLabel(990))
      if (after !== `${before} !!!`) throw new Error(`update: row 990 is ${JSON.stringify(after)} after ${JSON.stringify(before)}`)
    },
  },
  select: {
    rounds: 4,
    warmup: 5,
    reps: 15,
    setup: async (page) => click(page, '#run'),
    rep: async (page, timed, i) => {
      const index = 10 + i * 37
      const id = await page.evaluate((s) => Number(document.querySelector(s).dataset.id), `#tbody > tr:nth-child(${index + 1})`)
      await timed(row(index, 'lbl'))
      const selected = await page.evaluate(() => window.bench.selectedIds())
      if (selected.length !== 1 || selected[0] !== id) throw new Error(`select: expected [${id}] selected, found [${selected}]`)
    },
  },
  remove: {
    rounds: 4,
    warmup: 5,
    reps: 15,
    setup: async (page) => click(page, '#run'),
    rep: async (page, timed) => {
      const before = await rowCount(page)
      await timed(row(4, 'remove'))
      await expectRows(page, before - 1, 'remove')
    },
  },
  append1k: {
    warmup: 5,
    reps: 10,
    rep: async (page, timed) => {
      await click(page, '#run')
      await timed('#add')
      await expectRows(page, 2000, 'append 1k')
    },
  },
  clear: {
    warmup: 5,
    reps: 10,
    rep: async (page, timed) => {
      await click(page, '#run')
      await timed('#clear')
      await expectRows(page, 0, 'clear')
    },
  },
}

/** Opens the Chromium of the adapter-web harness, serves `outDir`, calls `fn({ open, profileDir })`. */
export async function withBrowser(outDir, fn) {
  const side = await import(harness)
  if (!side.hasChromium) throw new Error('/usr/bin/chromium is missing (apt-get install chromium)')
  const server = await side.serve(outDir)
  const browser = await side.launch()
  try {
    const open = async (query) => {
      const page = await browser.context.newPage()
      const errors = []
      page.on('pageerror', (e) => errors.push(e.message))
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()))
      await page.goto(`${server.url}?${query}`)
      await page.waitForFunction(() => window.bench !== undefined, null, { timeout: 30_000 })
      await page.evaluate(() => window.bench.ready)
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))))
      // React's #520 is a recoverable error (a concurrent render that failed and was redone
      // synchronously), logged with console.error; it is counted in `recovered`, not fatal.
      page.recovered = errors.filter((e) => /React error #520/.test(e))
      const fatal = errors.filter((e) => !page.recovered.includes(e))
      if (fatal.length > 0) throw new Error(`page errors: ${fatal.join('; ')}`)
      page.errors = errors
      return page
    }
    return await fn({ open })
  } finally {
    await browser.close()
    await server.close()
    rmSync(browser.userDataDir, { recursive: true, force: true })
  }
}

/**
 * Runs scenario `name` on a fresh page opened with `query`: samples (ms), their median/p90, the
 * synchronous part, and the JS heap (CDP Runtime.getHeapUsage after HeapProfiler.collectGarbage)
 * with the scenario's final DOM and state. `profile` (a file path) records a CPU profile of the
 * timed clicks; `limits` ({ warmup, reps }) overrides the scenario's counts.
 */
export async function runOn(open, query, name, { profile, limits } = {}) {
  const scenario = { ...scenarios[name], ...limits }
  const page = await open(query)
  const cdp = await page.context().newCDPSession(page)
  try {
    if (scenario.setup) await scenario.setup(page)
    const samples = []
    const syncs = []
    if (profile) {
      await cdp.send('Profiler.enable')
      await cdp.send('Profiler.setSamplingInterval', { interval: 100 })
    }
    for (let i = 0; i < scenario.warmup + scenario.reps; i++) {
      const measured = i >= scenario.warmup
      await scenario.rep(
        page,
        async (selector) => {
          if (measured && profile) await cdp.send('Profiler.start')
          const r = await click(page, selector)
          if (measured && profile) {
            const { profile: p } = await cdp.send('Profiler.stop')
            ;(runOn.profiles ??= []).push(p)
          }
          if (measured) {
            samples.push(r.ms)
            syncs.push(r.syncMs)
          }
          return r
        },
        i,
      )
    }
    const fatal = page.errors.filter((e) => !/React error #520/.test(e))
    if (fatal.length > 0) throw new Error(`page errors: ${fatal.join('; ')}`)
    if (profile) {
      writeFileSync(profile, JSON.stringify(runOn.profiles))
      runOn.profiles = []
    }
    await cdp.send('HeapProfiler.collectGarbage')
    const { usedSize } = await cdp.send('Runtime.getHeapUsage')
    return {
      medianMs: round(median(samples), 2),
      p90Ms: round(percentile(samples, 90), 2),
      syncMedianMs: round(median(syncs), 2),
      heapMB: round(usedSize / 1024 / 1024, 2),
      samples: samples.map((x) => round(x, 2)),
      syncSamples: syncs.map((x) => round(x, 2)),
      recoverableReactErrors: page.errors.length - fatal.length,
    }
  } finally {
    await page.close()
  }
}

/**
 * Merges the runs of one implementation (fresh pages, interleaved with the other implementations'
 * runs so that a change of machine load hits all of them alike) into one result over all samples.
 */
export function combineRuns(runs) {
  const samples = runs.flatMap((r) => r.samples)
  const syncs = runs.flatMap((r) => r.syncSamples)
  return {
    medianMs: round(median(samples), 2),
    p90Ms: round(percentile(samples, 90), 2),
    syncMedianMs: round(median(syncs), 2),
    heapMB: round(median(runs.map((r) => r.heapMB)), 2),
    samples: samples.map((x) => round(x, 2)),
    runs: runs.length,
    recoverableReactErrors: runs.reduce((n, r) => n + r.recoverableReactErrors, 0),
  }
}

export const machineLoad = () => loadavg().map((x) => round(x, 2))
