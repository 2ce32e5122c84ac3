// Web adapter scenarios (suite `web`) — Cairn only (LiveStore's web adapter needs its own app build).
// Usage: node bench/cairn/web.mjs --scenario commit|crossTab|boot10k|boot100k|bundle
// Each scenario builds the adapter's test app (packages/adapter-web/test/app) with Vite, serves it on
// 127.0.0.1 and drives Debian's Chromium (/usr/bin/chromium) with playwright-core; `bundle` builds
// bench/cairn/web-minimal and measures gzip sizes. Prints one JSON object on stdout.
import { emitResult, progress } from '../lib/stdout-guard.mjs' // must stay the first import
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'

import { packageVersion } from '../lib/pkg-version.mjs'
import { runScenarioMain } from '../lib/scenario-main.mjs'
import { median, percentile, round } from '../lib/stats.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const harness = '../../packages/adapter-web/test/fixtures/browser.mjs'

async function loadSide() {
  const browser = await import(harness)
  if (!browser.hasChromium) throw new Error('/usr/bin/chromium is missing (apt-get install chromium)')
  return { side: 'cairn', label: `Cairn ${packageVersion('@cairn/adapter-web', import.meta.url)} (Chromium)`, ...browser }
}

/** Runs `fn` with a fresh browser profile and the test app served on 127.0.0.1. */
async function withApp(side, fn) {
  const server = await side.serve(await side.buildApp())
  const browser = await side.launch()
  try {
    return await fn(browser.context, server.url)
  } finally {
    await browser.close()
    await server.close()
    rmSync(browser.userDataDir, { recursive: true, force: true })
  }
}

/** Commit → subscriber in one tab (persisted adapter: the leader worker writes in the background). */
async function commit(side) {
  return withApp(side, async (context, url) => {
    const page = await side.openApp(context, `${url}?store=bench-commit`)
    await side.call(page, 'commitLatency', 1000) // warm-up: JIT, statement cache
    const { meanUs, p99Us, notified } = await side.call(page, 'commitLatency', 10_000)
    if (notified !== 10_000) throw new Error(`the subscriber saw ${notified} of 10,000 commits`)
    await side.call(page, 'flush')
    return { metrics: { meanUs: round(meanUs, 1), p99Us: round(p99Us, 1) } }
  })
}

/** One event committed in tab A → visible in tab B's subscription, 300 times. */
async function crossTab(side) {
  return withApp(side, async (context, url) => {
    const a = await side.openApp(context, `${url}?store=bench-cross`)
    const b = await side.openApp(context, `${url}?store=bench-cross`)
    // B records when it first sees each count, independently of when the harness asks.
    await side.call(b, 'trackCounts')
    const samples = []
    for (let i = 1; i <= 330; i++) {
      const committed = await side.call(a, 'commit', 1)
      await side.call(b, 'waitForCount', i, 5000)
      // Both tabs' clocks are performance.timeOrigin-based in one browser process.
      if (i > 30) samples.push((await side.call(b, 'countSeenAt', i)) - committed)
    }
    const target = (await side.call(b, 'count')) + 1000
    const committed = await side.call(a, 'commit', 1000)
    await side.call(b, 'waitForCount', target, 20_000)
    const burst = (await side.call(b, 'countSeenAt', target)) - committed
    return {
      metrics: {
        p50Ms: round(median(samples), 2),
        p99Ms: round(percentile(samples, 99), 2),
        burst1000Ms: round(burst, 1),
      },
    }
  })
}

/** Boot of a tab (navigation start → store ready) with `n` events persisted: first tab (leader) and second tab. */
const boot = (n) => async (side) =>
  withApp(side, async (context, url) => {
    const storeUrl = `${url}?store=bench-boot-${n}`
    const page = await side.openApp(context, storeUrl)
    for (let done = 0; done < n; done += 5000) await side.call(page, 'commit', Math.min(5000, n - done))
    await side.call(page, 'flush')
    const leaderMs = []
    for (let i = 0; i < 3; i++) {
      await page.reload()
      leaderMs.push(await side.waitReady(page))
    }
    if ((await side.call(page, 'count')) !== n) throw new Error(`expected ${n} todos after reload`)
    const second = await side.openApp(context, storeUrl)
    const secondMs = await side.waitReady(second)
    return { metrics: { leaderBootMs: round(median(leaderMs), 1), secondTabBootMs: round(secondMs, 1) } }
  })

const listFiles = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : [join(dir, e.name)]))

const gzKB = (bytes) => round(gzipSync(bytes, { level: 9 }).length / 1024, 3)

/**
 * Builds bench/cairn/web-minimal with Vite (minified, production) and measures gzip -9 sizes. The
 * sqlite-wasm JavaScript glue gets a chunk of its own, so Cairn + effect/Schema + the app is measured
 * apart from it.
 */
async function bundle() {
  const { build } = await import('vite')
  const outDir = await mkdtemp(join(tmpdir(), 'cairn-web-bundle-'))
  const split = {
    groups: [
      { name: 'sqlite-wasm', test: /@sqlite\.org[\\/]sqlite-wasm/ },
      { name: 'effect', test: /node_modules[\\/]effect[\\/]/ },
    ],
  }
  try {
    await build({
      root: join(here, 'web-minimal'),
      configFile: false,
      logLevel: 'error',
      worker: { format: 'es', rolldownOptions: { checks: { bundlerTimings: false }, output: { codeSplitting: split } } },
      build: {
        outDir,
        target: 'es2022',
        reportCompressedSize: false,
        rolldownOptions: { checks: { bundlerTimings: false }, output: { codeSplitting: split } },
      },
    })
    const files = listFiles(outDir).map((file) => ({ file, name: file.slice(outDir.length + 1), bytes: readFileSync(file) }))
    progress(files.map((f) => `${f.name} ${round(f.bytes.length / 1024, 1)} KB, ${gzKB(f.bytes)} KB gz`).join('\n'))
    const js = files.filter((f) => f.name.endsWith('.js'))
    const sum = (list) => round(list.reduce((n, f) => n + gzipSync(f.bytes, { level: 9 }).length, 0) / 1024, 3)
    const byName = new Map(js.map((f) => [f.name, f]))
    // The JS a context loads: its entry and, transitively, the chunks it imports statically.
    const closure = (entry) => {
      const seen = new Set()
      const visit = (f) => {
        if (f === undefined || seen.has(f)) return
        seen.add(f)
        for (const [, spec] of f.bytes.toString('utf8').matchAll(/(?:import|from)\s*["']\.\/([^"']+\.js)["']/g)) {
          visit(byName.get(join(dirname(f.name), spec)))
        }
      }
      visit(entry)
      return [...seen]
    }
    const htmlEntry = /src="\/?([^"]+\.js)"/.exec(readFileSync(join(outDir, 'index.html'), 'utf8'))?.[1]
    const pageAll = closure(byName.get(htmlEntry))
    const workerAll = closure(js.find((f) => /livestore\.worker/.test(f.name)))
    const isGlue = (f) => /sqlite-wasm-/.test(f.name)
    // Cairn + effect/Schema + the app, as the page loads them; the sqlite glue is reported apart.
    const page = pageAll.filter((f) => !isGlue(f))
    const effect = page.filter((f) => /assets\/effect-/.test(f.name))
    const wasm = files.filter((f) => f.name.endsWith('.wasm'))
    return {
      metrics: {
        appJsGzKB: sum(page),
        effectGzKB: sum(effect),
        cairnGzKB: sum(page.filter((f) => !effect.includes(f))),
        sqliteGlueGzKB: sum(pageAll.filter(isGlue)),
        leaderWorkerGzKB: sum(workerAll.filter((f) => !isGlue(f))),
        sharedWorkerGzKB: sum(js.filter((f) => /shared-worker/.test(f.name))),
        wasmGzKB: sum(wasm),
        wasmKB: round(wasm.reduce((n, f) => n + f.bytes.length, 0) / 1024, 1),
      },
      info: { page: pageAll.map((f) => f.name), worker: workerAll.map((f) => f.name), totalBytes: files.reduce((n, f) => n + statSync(f.file).size, 0) },
    }
  } finally {
    rmSync(outDir, { recursive: true, force: true })
  }
}

await runScenarioMain({ commit, crossTab, boot10k: boot(10_000), boot100k: boot(100_000), bundle }, 'cairn', loadSide)
