#!/usr/bin/env node
// Bundles each package's published JavaScript (`dist/**/*.js`) with rolldown.
//
//   node scripts/build-bundles.mjs [--if-stale] [--quiet]
//
// Layout: `tsc -b` emits only the type declarations (`dist/**/*.d.ts`, `emitDeclarationOnly` in
// each package's tsconfig.json); this script writes the JavaScript next to them. Entries come
// from each package.json `exports` map: an entry's `source` file is bundled into its `default`
// file, so the map stays the single source of truth.
//
// What gets bundled: the package's own sources (Node 20's ESM loader pays per file, ~1-2 ms each)
// plus the third-party packages listed in BUNDLED_DEPENDENCIES. Every other bare import stays an
// import: the other @cairn/* packages (one copy of the store's runtime per process),
// `@sqlite.org/sqlite-wasm` (it loads its .wasm file relative to itself), `effect` (see below) and
// Node builtins. A package with several entries (`@cairn/store` and `@cairn/store/adapter`) is
// built in one rolldown pass, so modules both entries use land in a shared chunk (`dist/chunks/`)
// and exist once per process.
//
// --if-stale: skip a package whose inputs (its src/, package.json, tsconfig, this script, the
// lockfile) hash to the value recorded in `dist/.bundle-hash` by the last build. Tests use it to
// make sure the dist they spawn is current. Concurrent runs (parallel test files, several
// `npm test`s) serialize on a lock directory.
import { createHash } from 'node:crypto'
import { builtinModules } from 'node:module'
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

/** The packages with a bundled dist, in dependency order. */
export const PACKAGES = ['packages/store', 'packages/sqlite', 'packages/adapter-node', 'packages/sync-server', 'packages/sync-ws', 'packages/adapter-web', 'packages/react']

/**
 * Third-party dependencies inlined into the dist, per package.
 *
 * `effect` is NOT bundled, although that would cut the import of @cairn/store + @cairn/adapter-node
 * from ~300 ms to ~90 ms on Node 20: apps also build schemas with their own
 * `import * as Schema from 'effect/Schema'` and pass them to `Events.synced` / `State.SQLite.json`,
 * and effect does not work across two copies in one process (refinements, `Schema.Class`, and the
 * app's `Schema.decodeUnknownSync` on a column schema all fail). test/build/schema-identity.test.ts
 * checks that case against the built dist; bundling effect back in makes it fail.
 */
const BUNDLED_DEPENDENCIES = {
  '@cairn/store': [],
  '@cairn/sqlite': [],
  '@cairn/adapter-node': [],
  '@cairn/sync-server': [],
  '@cairn/sync-ws': [],
  '@cairn/adapter-web': [],
  '@cairn/react': [],
}

const BUILTINS = new Set(builtinModules)

/** `effect/Schema` → `effect`, `@sqlite.org/sqlite-wasm/x` → `@sqlite.org/sqlite-wasm`, `./a` → null. */
const packageNameOf = (specifier) => {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('\0') || /^[a-zA-Z]:/.test(specifier)) return null
  const parts = specifier.split('/')
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]
}

const isBuiltin = (specifier) => specifier.startsWith('node:') || BUILTINS.has(specifier.split('/')[0])

const HASH_FILE = '.bundle-hash'

// ---------------------------------------------------------------------------- inputs

function listFiles(dir) {
  if (!existsSync(dir)) return []
  const out = []
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) out.push(...listFiles(path))
    else out.push(path)
  }
  return out.sort()
}

function entriesOf(pkgDir) {
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'))
  const input = {}
  for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
    if (typeof target !== 'object' || !target.source || !target.default) continue
    const out = target.default.replace(/^\.\//, '')
    if (!out.startsWith('dist/') || !out.endsWith('.js'))
      throw new Error(`${pkg.name}: exports["${subpath}"].default must be dist/**/*.js, got ${target.default}`)
    input[out.slice('dist/'.length, -'.js'.length)] = join(pkgDir, target.source)
  }
  if (Object.keys(input).length === 0) throw new Error(`${pkg.name}: no exports entry with a "source" condition`)
  const dependencies = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})])
  return { name: pkg.name, input, dependencies }
}

function inputHash(pkgDir) {
  const hash = createHash('sha256')
  const files = [
    ...listFiles(join(pkgDir, 'src')),
    join(pkgDir, 'package.json'),
    join(pkgDir, 'tsconfig.json'),
    join(root, 'tsconfig.base.json'),
    join(root, 'package-lock.json'),
    fileURLToPath(import.meta.url),
  ]
  for (const file of files) {
    hash.update(relative(root, file).split(sep).join('/'))
    hash.update('\0')
    hash.update(existsSync(file) ? readFileSync(file) : '')
    hash.update('\0')
  }
  return hash.digest('hex')
}

const recordedHash = (pkgDir) => {
  const file = join(pkgDir, 'dist', HASH_FILE)
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : null
}

// ---------------------------------------------------------------------------- build

/** Removes the JavaScript a previous build (or an older `tsc -b` emitting JS) left in dist/. */
function cleanJs(distDir) {
  rmSync(join(distDir, 'chunks'), { recursive: true, force: true })
  rmSync(join(distDir, HASH_FILE), { force: true })
  rmSync(join(distDir, 'THIRD-PARTY-LICENSES.txt'), { force: true })
  for (const file of listFiles(distDir)) {
    if (/\.(m?js)(\.map)?$/.test(file)) rmSync(file)
  }
}

async function bundlePackage(pkgDir) {
  const { rolldown } = await import('rolldown')
  const { name, input, dependencies } = entriesOf(pkgDir)
  const bundled = new Set(BUNDLED_DEPENDENCIES[name] ?? [])
  for (const dep of bundled) if (!dependencies.has(dep)) throw new Error(`${name}: bundles ${dep}, which is not in its dependencies`)
  /** Bare imports stay imports unless their package is bundled; relative ones are our sources. */
  const isExternal = (specifier) => {
    if (isBuiltin(specifier)) return true
    const pkg = packageNameOf(specifier)
    return pkg !== null && !bundled.has(pkg)
  }
  const distDir = join(pkgDir, 'dist')
  const warnings = []
  const entryModules = new Map(Object.entries(input).map(([out, source]) => [source, out]))
  const build = await rolldown({
    input,
    plugins: [separateEntryModules(name, pkgDir, entryModules)],
    cwd: pkgDir,
    platform: 'node',
    tsconfig: join(pkgDir, 'tsconfig.json'),
    transform: { target: 'node20' },
    external: (specifier, importer, isResolved) => !isResolved && isExternal(specifier),
    onLog(level, log) {
      if (level === 'warn') warnings.push(log)
    },
  })
  try {
    cleanJs(distDir)
    const { output } = await build.write({
      dir: distDir,
      format: 'esm',
      entryFileNames: '[name].js',
      chunkFileNames: 'chunks/[name]-[hash].js',
      sourcemap: true,
      // JSDoc stays in src/ and the .d.ts files; the JS keeps legal and /*#__PURE__*/ comments only.
      comments: { legal: true, annotation: true, jsdoc: false },
    })
    if (warnings.length > 0) {
      const text = warnings.map((w) => `  ${w.code ?? ''} ${w.message}`).join('\n')
      throw new Error(`${name}: rolldown warnings (treated as errors):\n${text}`)
    }
    const chunks = output.filter((c) => c.type === 'chunk')
    const thirdParty = new Set()
    for (const chunk of chunks) {
      // Every import left in the output is a sibling chunk, a builtin or a declared dependency.
      for (const spec of [...chunk.imports, ...chunk.dynamicImports]) {
        if (chunks.some((c) => c.fileName === spec) || isBuiltin(spec)) continue
        const pkg = packageNameOf(spec)
        if (pkg === name) continue // a separate entry of this package (see separateEntryModules)
        if (pkg === null || !dependencies.has(pkg) || bundled.has(pkg))
          throw new Error(`${name}: ${chunk.fileName} imports ${spec}, which is not a dependency of ${name}`)
      }
      for (const id of chunk.moduleIds) {
        const match = id.split(sep).join('/').match(/\/node_modules\/((?:@[^/]+\/)?[^/]+)\//)
        if (match) thirdParty.add(match[1])
      }
    }
    for (const pkg of thirdParty) {
      if (!bundled.has(pkg)) throw new Error(`${name}: ${pkg} got bundled but is not in BUNDLED_DEPENDENCIES`)
    }
    writeThirdPartyNotices(distDir, [...thirdParty].sort())
    return chunks.map((c) => ({ fileName: c.fileName, bytes: Buffer.byteLength(c.code) }))
  } finally {
    await build.close()
  }
}

/**
 * Imports of a module that is itself an entry of the package (e.g. `./effect-schema.js`, the
 * entry `@cairn/store/schema`) become imports of that entry by package name instead of copies of
 * the module. Why: bundling `export * as Schema from './effect-schema.js'` (which does
 * `export * from 'effect/Schema'`) makes rolldown build the namespace object at run time, copying
 * every export of effect/Schema into it — apps' bundlers can then not drop the parts of effect they
 * do not use (~100 KB gzipped in a browser app instead of ~25 KB). Only entries listed in
 * SEPARATE_ENTRIES are treated this way.
 */
const SEPARATE_ENTRIES = { '@cairn/store': ['schema'] }

function separateEntryModules(name, pkgDir, entryModules) {
  const separate = new Set(SEPARATE_ENTRIES[name] ?? [])
  return {
    name: 'cairn-separate-entries',
    async resolveId(specifier, importer, options) {
      if (importer === undefined || !specifier.startsWith('.')) return null
      const resolved = await this.resolve(specifier, importer, { ...options, skipSelf: true })
      const out = resolved === null ? undefined : entryModules.get(resolved.id)
      if (out === undefined || !separate.has(out)) return null
      return { id: `${name}/${out}`, external: true }
    },
  }
}

/** Bundled third-party code keeps its license text next to it. */
function writeThirdPartyNotices(distDir, packages) {
  const file = join(distDir, 'THIRD-PARTY-LICENSES.txt')
  rmSync(file, { force: true })
  if (packages.length === 0) return
  const sections = packages.map((pkg) => {
    const pkgDir = join(root, 'node_modules', pkg)
    const meta = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'))
    const licenseFile = readdirSync(pkgDir).find((f) => /^licen[sc]e/i.test(f))
    const text = licenseFile ? readFileSync(join(pkgDir, licenseFile), 'utf8').trim() : `License: ${meta.license}`
    return `${meta.name}@${meta.version} (${meta.license})\n\n${text}\n`
  })
  writeFileSync(file, `This package bundles the following third-party code.\n\n${sections.join('\n---\n\n')}`)
}

// ---------------------------------------------------------------------------- lock

const lockDir = join(root, '.tmp', 'build-bundles.lock')

async function withLock(fn) {
  mkdirSync(dirname(lockDir), { recursive: true })
  const deadline = Date.now() + 120_000
  for (;;) {
    try {
      mkdirSync(lockDir)
      break
    } catch (error) {
      if (error.code !== 'EEXIST') throw error
      // A lock older than a minute belongs to a build that died: take it over.
      try {
        if (Date.now() - statSync(lockDir).mtimeMs > 60_000) rmSync(lockDir, { recursive: true, force: true })
      } catch {}
      if (Date.now() > deadline) throw new Error(`build-bundles: timed out waiting for ${lockDir}`)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }
  try {
    return await fn()
  } finally {
    rmSync(lockDir, { recursive: true, force: true })
  }
}

// ---------------------------------------------------------------------------- main

export async function buildBundles({ ifStale = false, log = console.log } = {}) {
  return withLock(async () => {
    for (const rel of PACKAGES) {
      const pkgDir = join(root, rel)
      const hash = inputHash(pkgDir)
      if (ifStale && recordedHash(pkgDir) === hash) continue
      const t0 = performance.now()
      const chunks = await bundlePackage(pkgDir)
      writeFileSync(join(pkgDir, 'dist', HASH_FILE), `${hash}\n`)
      const total = chunks.reduce((n, c) => n + c.bytes, 0)
      log(
        `[build-bundles] ${rel}: ${chunks.length} file(s), ${(total / 1024).toFixed(1)} KiB, ` +
          `${Math.round(performance.now() - t0)} ms`,
      )
    }
  })
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2)
  for (const a of args) if (a !== '--if-stale' && a !== '--quiet') throw new Error(`build-bundles: unknown argument ${a}`)
  await buildBundles({ ifStale: args.includes('--if-stale'), log: args.includes('--quiet') ? () => {} : console.log })
}
