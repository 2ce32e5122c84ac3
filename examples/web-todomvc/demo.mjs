/**
 * `npm run demo`: builds the web TodoMVC and serves it from a sync server on one port, so that every
 * window of the app syncs with every other through it.
 *
 *     node examples/web-todomvc/demo.mjs [--port 8787] [--host 127.0.0.1] [--data-dir .demo-data]
 *
 * The sync server keeps its events in <data-dir>/sync.db. Stops cleanly on SIGINT (Ctrl-C) or SIGTERM.
 */
import { mkdirSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { createSyncServer, openSqliteStorage } from '@cairn/sync-server'
import { buildViteApp, repoRoot, staticFiles } from '../../scripts/lib/vite-app.mjs'

const appDir = fileURLToPath(new URL('.', import.meta.url))

const USAGE = 'Usage: npm run demo -- [--port 8787] [--host 127.0.0.1] [--data-dir .demo-data]'
let values
try {
  ;({ values } = parseArgs({
    options: {
      port: { type: 'string', default: '8787' },
      host: { type: 'string', default: '127.0.0.1' },
      'data-dir': { type: 'string', default: join(repoRoot, '.demo-data') },
    },
  }))
} catch (error) {
  console.error(`${error.message}\n${USAGE}`)
  process.exit(2)
}
const port = Number(values.port)
const dataDir = resolve(values['data-dir'])

// Set first, so that Ctrl-C during the build or the start-up also ends the demo cleanly: the build
// can just stop (buildViteApp releases its lock on exit); a server being created is closed once it is.
let server
let starting = false
let stopping = false
const stop = async (signal) => {
  if (stopping) return
  stopping = true
  console.log(`\n${signal}: stopping the demo…`)
  if (starting) return
  await server?.close()
  process.exit(0)
}
process.on('SIGINT', () => void stop('SIGINT'))
process.on('SIGTERM', () => void stop('SIGTERM'))

console.log('Building the web TodoMVC (examples/web-todomvc)…')
const dist = await buildViteApp({
  name: 'web-todomvc',
  root: appDir,
  configFile: join(appDir, 'vite.config.ts'),
  inputs: [
    ...['index.html', 'vite.config.ts', 'src'].map((name) => join(appDir, name)),
    ...['store', 'sqlite', 'adapter-web', 'react', 'sync-ws'].map((name) => join(repoRoot, 'packages', name, 'src')),
  ],
})

mkdirSync(dataDir, { recursive: true })
const dbFile = join(dataDir, 'sync.db')
starting = true
try {
  server = await createSyncServer({
    port,
    host: values.host,
    storage: await openSqliteStorage({ file: dbFile }),
    onRequest: staticFiles(dist),
  })
} catch (error) {
  const hint = error?.code === 'EADDRINUSE' ? ` (another demo running? try --port ${port + 1})` : ''
  console.error(`Cannot start the sync server on ${values.host}:${port}: ${error instanceof Error ? error.message : String(error)}${hint}`)
  process.exit(1)
}
starting = false
if (stopping) {
  await server.close()
  process.exit(0)
}

// 127.0.0.1 and localhost are secure contexts (OPFS and Web Locks need one); another address is not, without HTTPS.
const shownHost = ['0.0.0.0', '::'].includes(server.host) ? 'localhost' : server.host.includes(':') ? `[${server.host}]` : server.host
console.log(`
  Cairn web TodoMVC:  http://${shownHost}:${server.port}/

  Open it in two windows side by side, e.g. a normal and a private one (two clients), and add todos:
  they sync through the server. Take one offline (DevTools > Network > Offline), keep editing, go
  back online: it catches up.

  Sync server:        ${server.url}  (health: http://${shownHost}:${server.port}/health)
  Events stored in:   ${relative(process.cwd(), dbFile) || dbFile}  (to start over: stop, delete it, clear the site's data in the browser)

  Ctrl-C stops the demo.
`)
