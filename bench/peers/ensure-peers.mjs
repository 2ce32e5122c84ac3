#!/usr/bin/env node
// Installs the benchmark peers (bench/peers/<name>/, each its own npm project with a committed
// lockfile, NOT a workspace of the root) when their node_modules is missing or stale.
//
//   node bench/peers/ensure-peers.mjs [name…]      (default: every peer directory)
//
// Uses `npm ci --ignore-scripts`: no package install script runs, so nothing is downloaded or
// built at install time; every native binary the peers need ships inside an npm package.
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const peersDir = dirname(fileURLToPath(import.meta.url))
const stampName = '.cairn-lock-hash'

const wanted = process.argv.slice(2)
const peers = readdirSync(peersDir, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(peersDir, d.name, 'package.json')))
  .map((d) => d.name)
  .filter((name) => wanted.length === 0 || wanted.includes(name))

const log = (msg) => process.stderr.write(`[ensure-peers] ${msg}\n`)
let failed = false

for (const name of peers) {
  const dir = join(peersDir, name)
  const rel = relative(process.cwd(), dir) || '.'
  const lock = join(dir, 'package-lock.json')
  if (!existsSync(lock)) {
    log(`${rel}: no package-lock.json, cannot install reproducibly — skipped`)
    failed = true
    continue
  }
  const hash = createHash('sha256').update(readFileSync(lock)).digest('hex')
  const stamp = join(dir, 'node_modules', stampName)
  const installed = existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === hash
  if (installed) {
    log(`${rel}: up to date`)
    continue
  }
  const why = existsSync(join(dir, 'node_modules')) ? 'lockfile changed since last install' : 'node_modules missing'
  log(`${rel}: ${why} → npm ci --ignore-scripts --no-audit --no-fund`)
  const t0 = Date.now()
  const r = spawnSync('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], {
    cwd: dir,
    stdio: ['ignore', 2, 2], // keep the caller's stdout clean
  })
  if (r.status !== 0) {
    log(`${rel}: npm ci failed (exit ${r.status ?? r.error?.message})`)
    failed = true
    continue
  }
  writeFileSync(stamp, hash + '\n')
  log(`${rel}: installed in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
}

process.exit(failed ? 1 : 0)
