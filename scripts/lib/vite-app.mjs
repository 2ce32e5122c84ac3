/**
 * Builds and serves the Vite apps of this repository outside of Vite's own commands: the web
 * TodoMVC of `npm run demo` and the test app of the web adapter tests and benchmarks.
 */
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs'
import { extname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url))

const listFiles = (path) =>
  statSync(path).isDirectory()
    ? readdirSync(path, { withFileTypes: true })
        .filter((entry) => entry.name !== 'node_modules' && entry.name !== 'dist')
        .flatMap((entry) => listFiles(join(path, entry.name)))
    : [path]

/** A hash of the files (and of the files under the directories) in `inputs`, the lockfile and this module. */
const inputHash = (inputs) => {
  const hash = createHash('sha256')
  const files = [...inputs.flatMap(listFiles), join(repoRoot, 'package-lock.json'), fileURLToPath(import.meta.url)].sort()
  for (const file of files) hash.update(relative(repoRoot, file)).update('\0').update(readFileSync(file)).update('\0')
  return hash.digest('hex').slice(0, 16)
}

/**
 * Builds the app at `root` once per hash of `inputs` (its sources and those of the packages it
 * bundles) into `.tmp/<name>/<hash>` and resolves to that directory. Concurrent callers (test files
 * running in parallel, a demo started by a test) wait for the one that builds. Workspace packages are
 * bundled from their sources (the `source` export condition), so a build never uses a stale `dist/`.
 * `configFile` is the app's `vite.config.ts`, or false.
 */
export const buildViteApp = async ({ name, root, inputs, configFile = false }) => {
  const base = join(repoRoot, '.tmp', name)
  const outDir = join(base, inputHash(inputs))
  if (existsSync(join(outDir, 'index.html'))) return outDir
  mkdirSync(base, { recursive: true })
  const lock = `${outDir}.lock`
  for (;;) {
    try {
      mkdirSync(lock)
      break
    } catch {
      if (existsSync(join(outDir, 'index.html'))) return outDir
      try {
        // A build takes seconds; a lock older than two minutes belongs to a run that died.
        if (Date.now() - statSync(lock).mtimeMs > 120_000) rmSync(lock, { recursive: true, force: true })
      } catch {}
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  const release = () => rmSync(lock, { recursive: true, force: true })
  // A process that exits mid-build (Ctrl-C on the demo) must not make the next run wait for its lock.
  process.on('exit', release)
  try {
    if (existsSync(join(outDir, 'index.html'))) return outDir
    for (const old of readdirSync(base)) if (!old.endsWith('.lock')) rmSync(join(base, old), { recursive: true, force: true })
    const { build, createLogger } = await import('vite')
    const logger = createLogger('warn')
    const warn = logger.warn
    // Expected, and noise in test and demo output: the Node-only code paths (the node:fs VFS of
    // @cairn/sqlite, the `ws` fallback of @cairn/sync-ws) sit behind dynamic imports browsers never take.
    logger.warn = (message, options) => {
      if (!message.includes('has been externalized for browser compatibility')) warn(message, options)
    }
    const building = `${outDir}.building`
    await build({
      root,
      configFile,
      logLevel: 'warn',
      customLogger: logger,
      resolve: { conditions: ['source'] },
      // The build's timing report is noise in test and demo output.
      worker: { format: 'es', rolldownOptions: { checks: { bundlerTimings: false } } },
      build: {
        outDir: building,
        emptyOutDir: true,
        target: 'es2022',
        reportCompressedSize: false,
        // The app's chunk holds the store and SQLite's JS glue (~600 kB): expected, not a warning.
        chunkSizeWarningLimit: 2000,
        rolldownOptions: { checks: { bundlerTimings: false } },
      },
    })
    renameSync(building, outDir)
    return outDir
  } finally {
    release()
    process.off('exit', release)
  }
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
}

/**
 * A request handler (for `http.createServer` or the sync server's `onRequest`) serving the files of
 * a built app in `dir`; `/` is its `index.html`. Answers 404 for anything else.
 */
export const staticFiles = (dir) => {
  const rootDir = resolve(dir)
  return (request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname)
    if (path === '/favicon.ico') {
      response.writeHead(204).end()
      return
    }
    const file = resolve(rootDir, `.${path === '/' ? '/index.html' : path}`)
    if (!file.startsWith(rootDir + sep) || !existsSync(file) || statSync(file).isDirectory()) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found\n')
      return
    }
    // The files change with every build under the same names (index.html) or are small: no caching.
    response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' })
    response.end(request.method === 'HEAD' ? undefined : readFileSync(file))
  }
}
