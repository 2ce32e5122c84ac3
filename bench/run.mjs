#!/usr/bin/env node
// Cairn benchmark harness.
//
//   node bench/run.mjs [--only cairn|<peer id>] [--suite NAME[,NAME]] [--scenario NAME[,NAME]]
//                      [--record] [--verbose] [--help]
//
// Runs every scenario of every suite (bench/suites.mjs) as a separate child process
// (`node --expose-gc SCRIPT --scenario NAME`, a fresh heap each time), first for Cairn, then for
// the suite's peer, collects the one JSON object each prints, prints a table per suite, writes
// bench/results/latest.json and, with --record, appends an entry to bench/results/history.json.
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

import { suites as allSuites } from './suites.mjs'
import { settle } from './lib/settle.mjs'

const benchDir = dirname(fileURLToPath(import.meta.url))
const repoRoot = dirname(benchDir)
const resultsDir = join(benchDir, 'results')
const latestPath = join(resultsDir, 'latest.json')
const historyPath = join(resultsDir, 'history.json')

// ---------------------------------------------------------------------------- args

function parseArgs(argv) {
  const opts = { only: null, suites: null, scenarios: null, record: false, verbose: false, build: true }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const value = () => {
      const [, inline] = a.split('=')
      if (inline !== undefined) return inline
      if (i + 1 >= argv.length) die(`${a} needs a value`)
      return argv[++i]
    }
    if (a === '--help' || a === '-h') opts.help = true
    else if (a.startsWith('--only')) opts.only = value()
    else if (a.startsWith('--suite')) opts.suites = value().split(',')
    else if (a.startsWith('--scenario')) opts.scenarios = value().split(',')
    else if (a === '--record') opts.record = true
    else if (a === '--no-build') opts.build = false
    else if (a === '--verbose' || a === '-v') opts.verbose = true
    else die(`unknown argument ${a} (try --help)`)
  }
  return opts
}

function die(msg) {
  process.stderr.write(`bench: ${msg}\n`)
  process.exit(2)
}

const HELP = `Usage: node bench/run.mjs [options]     (or: npm run bench -- [options])

  --only SIDE          run only one side: cairn, or a peer id (${[...new Set(allSuites.map((s) => s.peer?.id).filter(Boolean))].join(', ')})
  --suite A[,B]        run only these suites (${allSuites.map((s) => s.name).join(', ')})
  --scenario A[,B]     run only these scenarios
  --record             append this run to bench/results/history.json (committed)
  --verbose, -v        stream the children's stderr (progress, library logs)
  --no-build           do not build Cairn (tsc -b + bundles) before measuring (incremental: fast when up to date)

Scenarios: ${allSuites.map((s) => s.scenarios.map((c) => `${s.name}/${c.name}`).join(', ')).join(', ')}`

// ---------------------------------------------------------------------------- child runs

const log = (msg) => process.stderr.write(`${msg}\n`)

function runChild(script, scenario, timeoutMs, verbose, prefix) {
  return new Promise((resolve) => {
    const t0 = performance.now()
    const child = spawn(process.execPath, ['--expose-gc', join(benchDir, script), '--scenario', scenario], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderrTail = []
    let partial = ''
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d) => {
      const lines = (partial + d).split('\n')
      partial = lines.pop()
      for (const line of lines) {
        if (verbose) process.stderr.write(`    ${prefix} | ${line}\n`)
        stderrTail.push(line)
      }
      if (stderrTail.length > 200) stderrTail = stderrTail.slice(-100)
    })
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, timeoutMs)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      const wallMs = performance.now() - t0
      if (partial) stderrTail.push(partial)
      let parsed = null
      for (const line of stdout.trim().split('\n').reverse()) {
        try {
          const v = JSON.parse(line)
          if (v && typeof v === 'object') {
            parsed = v
            break
          }
        } catch {
          // not the result line
        }
      }
      if (timedOut) {
        parsed = { ok: false, error: `timed out after ${Math.round(timeoutMs / 1000)} s` }
      } else if (!parsed) {
        const tail = stderrTail.filter((l) => l.trim()).slice(-3).join(' | ')
        parsed = { ok: false, error: `no JSON result (exit ${code ?? signal}): ${tail}`.slice(0, 500) }
      }
      resolve({ ...parsed, childWallMs: Math.round(wallMs) })
    })
  })
}

// ---------------------------------------------------------------------------- formatting

function fmt(x) {
  if (x === null || x === undefined) return '—'
  if (Array.isArray(x)) return x.map(fmt).join(' ')
  if (typeof x !== 'number' || !Number.isFinite(x)) return String(x)
  const a = Math.abs(x)
  if (a >= 1000) return Math.round(x).toLocaleString('en-US')
  if (a >= 100) return x.toFixed(0)
  if (a >= 10) return x.toFixed(1)
  if (a >= 1) return x.toFixed(2)
  return x.toPrecision(2)
}

function goalText(goal, unit) {
  if (!goal) return ''
  if (goal.max !== undefined) return `≤ ${goal.max.toLocaleString('en-US')} ${unit}`
  if (goal.min !== undefined) return `≥ ${goal.min.toLocaleString('en-US')} ${unit}`
  return ''
}

function passes(goal, value) {
  if (!goal || typeof value !== 'number') return null
  if (goal.max !== undefined && value > goal.max) return false
  if (goal.min !== undefined && value < goal.min) return false
  return true
}

function table(headers, rows, align) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)))
  const line = (cells) =>
    cells.map((c, i) => (align[i] === 'r' ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i]))).join('  ')
  return [line(headers), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n')
}

// ---------------------------------------------------------------------------- history

function readHistory() {
  if (!existsSync(historyPath)) return []
  try {
    const h = JSON.parse(readFileSync(historyPath, 'utf8'))
    return Array.isArray(h) ? h : []
  } catch (e) {
    die(`cannot parse ${historyPath}: ${e.message}`)
  }
}

function previousValue(history, key) {
  for (let i = history.length - 1; i >= 0; i--) {
    const v = history[i]?.metrics?.cairn?.[key]
    if (typeof v === 'number') return { value: v, date: history[i].date }
  }
  return null
}

function gitInfo() {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
    const dirty = execFileSync('git', ['status', '--porcelain'], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() !== ''
    return { commit, dirty }
  } catch {
    return null
  }
}

// ---------------------------------------------------------------------------- main

async function main() {
  const opts = parseArgs(process.argv.slice(2))
  if (opts.help) {
    process.stdout.write(HELP + '\n')
    return 0
  }
  const suites = allSuites
    .filter((s) => !opts.suites || opts.suites.includes(s.name))
    .map((s) => ({ ...s, scenarios: s.scenarios.filter((c) => !opts.scenarios || opts.scenarios.includes(c.name)) }))
    .filter((s) => s.scenarios.length > 0)
  if (suites.length === 0) die('no scenario matches the given --suite/--scenario')
  const knownSides = new Set(['cairn', ...allSuites.map((s) => s.peer?.id).filter(Boolean)])
  if (opts.only && !knownSides.has(opts.only)) die(`--only: unknown side ${opts.only} (one of ${[...knownSides].join(', ')})`)
  const runCairn = !opts.only || opts.only === 'cairn'
  const runPeer = (suite) => suite.peer && (!opts.only || opts.only === suite.peer.id)

  // Install the peers that will run.
  const peerDirs = [...new Set(suites.filter(runPeer).map((s) => s.peer.dir.replace(/^peers\//, '')))]
  if (peerDirs.length > 0) {
    const r = spawnSync(process.execPath, [join(benchDir, 'peers', 'ensure-peers.mjs'), ...peerDirs], {
      stdio: ['ignore', 2, 2],
    })
    if (r.status !== 0) log('bench: installing peers failed; their scenarios will report errors')
  }

  // Build Cairn (incremental) so that a stale dist/ is never measured.
  let build = null
  if (runCairn && opts.build) {
    const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc')
    if (existsSync(tsc)) {
      log('bench: tsc -b + bundles …')
      const r = spawnSync(process.execPath, [tsc, '-b'], { cwd: repoRoot, stdio: ['ignore', 2, 2] })
      const bundles =
        r.status === 0
          ? spawnSync(process.execPath, [join(repoRoot, 'scripts', 'build-bundles.mjs'), '--if-stale'], { cwd: repoRoot, stdio: ['ignore', 2, 2] })
          : r
      build = { ok: bundles.status === 0 }
      if (!build.ok) log('bench: WARNING: the build failed; Cairn is measured from whatever dist/ holds (possibly stale or missing)')
    }
  }

  const history = readHistory()
  const started = new Date()
  const results = {
    date: started.toISOString(),
    git: gitInfo(),
    machine: {
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      cpu: os.cpus()[0]?.model ?? '?',
      cpus: os.cpus().length,
      memGB: Math.round(os.totalmem() / 2 ** 30),
    },
    options: { only: opts.only, suites: opts.suites, scenarios: opts.scenarios },
    build,
    suites: {},
  }
  let cairnFailed = false
  const childCache = new Map()

  for (const suite of suites) {
    const sr = (results.suites[suite.name] = { title: suite.title, peer: suite.peer?.id ?? null, scenarios: {} })
    for (const sc of suite.scenarios) {
      const entry = (sr.scenarios[sc.name] = {})
      const sides = []
      if (runCairn) sides.push(['cairn', suite.cairn])
      if (runPeer(suite) && sc.peer !== false) sides.push([suite.peer.id, suite.peer.script])
      for (const [side, script] of sides) {
        const child = sc.child ?? sc.name
        const cacheKey = `${side}|${script}|${child}`
        const name = `${suite.name}/${sc.name} ${side}`
        if (childCache.has(cacheKey)) {
          log(`▶ ${name}: from the ${child} child above`)
          entry[side] = childCache.get(cacheKey)
          continue
        }
        const settled = await settle()
        log(`▶ ${name}${child !== sc.name ? ` (child scenario ${child})` : ''} …${settled.waitedMs > 2_000 ? ` (after ${(settled.waitedMs / 1000).toFixed(1)} s for the machine to settle)` : ''}`)
        const r = await runChild(script, child, sc.timeoutMs ?? 300_000, opts.verbose, name)
        r.settle = { waitedMs: Math.round(settled.waitedMs), busy: settled.busy === null ? null : Math.round(settled.busy * 100) / 100 }
        childCache.set(cacheKey, r)
        entry[side] = r
        log(`  ${r.ok ? 'ok' : `FAILED: ${r.error}`} (${(r.childWallMs / 1000).toFixed(1)} s)`)
        if (side === 'cairn' && !r.ok) cairnFailed = true
      }
    }
  }

  // Rows: one per metric.
  const rows = []
  for (const suite of suites) {
    for (const sc of suite.scenarios) {
      const entry = results.suites[suite.name].scenarios[sc.name]
      for (const m of sc.metrics) {
        const key = `${suite.name}/${sc.name}/${m.key}`
        const valueOf = (r) => (r?.ok ? (r.metrics?.[m.key] ?? null) : null)
        const reasonOf = (r) => {
          if (!r || (m.cairnOnly && r !== entry.cairn)) return null
          if (!r.ok) return r.error
          if (r.metrics?.[m.key] == null) return r.nullReasons?.[m.key] ?? 'not reported'
          return null
        }
        const cairn = valueOf(entry.cairn)
        const peer = suite.peer && !m.cairnOnly ? valueOf(entry[suite.peer.id]) : null
        const prev = previousValue(history, key)
        rows.push({
          key,
          suite: suite.name,
          scenario: sc.name,
          metric: m.key,
          label: m.label,
          unit: m.unit,
          list: !!m.list,
          cairn,
          peer,
          peerId: suite.peer?.id ?? null,
          cairnReason: entry.cairn ? reasonOf(entry.cairn) : null,
          peerReason: suite.peer && entry[suite.peer.id] ? reasonOf(entry[suite.peer.id]) : null,
          ratio: typeof cairn === 'number' && typeof peer === 'number' && peer !== 0 ? cairn / peer : null,
          goal: m.goal ?? null,
          pass: passes(m.goal, cairn),
          previous: prev?.value ?? null,
          previousDate: prev?.date ?? null,
          changePct: typeof cairn === 'number' && prev && prev.value !== 0 ? ((cairn - prev.value) / prev.value) * 100 : null,
        })
      }
    }
  }
  results.rows = rows

  // Print one table per suite.
  for (const suite of suites) {
    const srows = rows.filter((r) => r.suite === suite.name)
    const peerLabel = suite.peer?.label ?? 'peer'
    const labels = Object.fromEntries(
      Object.entries(results.suites[suite.name].scenarios).flatMap(([, e]) => Object.entries(e).map(([s, r]) => [s, r.label])),
    )
    const out = []
    out.push('')
    out.push(`${suite.title}`)
    out.push(`  ${[labels.cairn ?? 'Cairn', suite.peer && (labels[suite.peer.id] ?? peerLabel)].filter(Boolean).join(' vs ')} — Node ${results.machine.node}, ${results.machine.cpus}× ${results.machine.cpu}`)
    out.push('')
    const body = srows
      .filter((r) => !r.list)
      .map((r) => [
        r.scenario,
        `${r.label} [${r.unit}]`,
        fmt(r.cairn),
        fmt(r.peer),
        r.ratio === null ? '—' : r.ratio >= 0.01 ? `${r.ratio.toFixed(2)}×` : `1/${Math.round(1 / r.ratio)}`,
        goalText(r.goal, r.unit),
        r.pass === null ? (r.goal ? 'n/a' : '') : r.pass ? 'PASS' : 'FAIL',
        fmt(r.previous),
        r.changePct === null ? '' : `${r.changePct >= 0 ? '+' : ''}${r.changePct.toFixed(1)}%`,
      ])
    // A suite without a peer (e.g. sync) gets no peer and ratio columns.
    const keep = (_, i) => suite.peer || (i !== 3 && i !== 4)
    out.push(
      table(
        ['scenario', 'metric', 'Cairn', peerLabel, `Cairn/${peerLabel}`, 'goal (Cairn)', 'pass', 'prev Cairn', 'Δ'].filter(keep),
        body.map((cells) => cells.filter(keep)),
        ['l', 'l', 'r', 'r', 'r', 'l', 'l', 'r', 'r'].filter(keep),
      ),
    )
    for (const r of srows.filter((x) => x.list)) {
      out.push('')
      out.push(`${r.scenario}: ${r.label} [${r.unit}]`)
      out.push(`  Cairn:        ${fmt(r.cairn)}`)
      if (suite.peer) out.push(`  ${(peerLabel + ':').padEnd(13)} ${fmt(r.peer)}`)
    }
    const notes = new Map()
    // A child shared by several scenarios returns one result object: print its notes once,
    // labelled with every scenario it covers.
    const scenariosOf = new Map()
    for (const [scName, e] of Object.entries(results.suites[suite.name].scenarios)) {
      for (const [side, r] of Object.entries(e)) {
        if (!scenariosOf.has(r)) scenariosOf.set(r, { side, names: [] })
        scenariosOf.get(r).names.push(scName)
      }
    }
    for (const [r, { side, names }] of scenariosOf) {
      for (const n of r.notes ?? []) notes.set(`${side === 'cairn' ? 'Cairn' : peerLabel} ${names.join('/')}: ${n}`, true)
    }
    for (const r of srows) {
      if (r.cairnReason) notes.set(`Cairn ${r.scenario}: ${r.cairnReason}`, true)
      if (r.peerReason) notes.set(`${peerLabel} ${r.scenario}: ${r.peerReason}`, true)
    }
    if (notes.size > 0) {
      out.push('')
      out.push('Notes and missing values:')
      for (const n of notes.keys()) out.push(`  - ${n}`)
    }
    if (build && !build.ok) out.push('', 'WARNING: the build failed: Cairn figures come from a possibly stale dist/.')
    process.stdout.write(out.join('\n') + '\n')
  }

  mkdirSync(resultsDir, { recursive: true })
  writeFileSync(latestPath, JSON.stringify(results, null, 2) + '\n')
  log(`\nFull results: ${latestPath}`)

  if (opts.record) {
    const metrics = {}
    for (const r of rows) {
      if (r.cairn !== null) (metrics.cairn ??= {})[r.key] = r.cairn
      if (r.peer !== null) (metrics[r.peerId] ??= {})[r.key] = r.peer
    }
    history.push({
      date: results.date,
      git: results.git,
      machine: results.machine,
      partial: Boolean(opts.only || opts.suites || opts.scenarios),
      metrics,
    })
    writeFileSync(historyPath, JSON.stringify(history, null, 2) + '\n')
    log(`Recorded in ${historyPath} (${history.length} entries)`)
  }
  return cairnFailed ? 1 : 0
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`bench: ${e?.stack ?? e}\n`)
    process.exit(2)
  },
)
