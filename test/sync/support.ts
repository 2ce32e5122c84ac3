// Helpers of the client sync tests: a sync server on a free port of 127.0.0.1, stores of the test
// app syncing with it, and ways to compare what clients hold.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { makeAdapter } from '@cairn/adapter-node'
import { loadSqlite } from '@cairn/sqlite'
import { createStorePromise, type Store, type SyncOptions } from '@cairn/store'
import { readEvents, type EncodedEvent } from '@cairn/store/adapter'
import { createSyncServer, openSqliteStorage, type SyncServer } from '@cairn/sync-server'
import { makeWsSync } from '@cairn/sync-ws'
import { afterEach } from 'vitest'
import { schema } from './fixtures/app.mjs'

const directories: string[] = []
const stores = new Set<Store<any>>()
const servers = new Set<SyncServer>()

/** A fresh temporary directory, removed after the test. */
export const tempDirectory = (): string => {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-sync-client-'))
  directories.push(directory)
  return directory
}

afterEach(async () => {
  await Promise.all([...stores].map((store) => store.shutdown().catch(() => {})))
  stores.clear()
  await Promise.all([...servers].map((server) => server.close()))
  servers.clear()
  for (const directory of directories.splice(0)) fs.rmSync(directory, { recursive: true, force: true })
})

/** A sync server (SQLite file in a temp directory) on a free port, closed after the test. */
export const startServer = async (
  options: { readonly file?: string; readonly port?: number; readonly validatePayload?: (payload: unknown) => boolean | Promise<boolean> } = {},
): Promise<SyncServer> => {
  const server = await createSyncServer({
    port: options.port ?? 0,
    ...(options.validatePayload === undefined ? {} : { validatePayload: options.validatePayload }),
    storage: await openSqliteStorage({ file: options.file ?? path.join(tempDirectory(), 'sync.db') }),
  })
  servers.add(server)
  return server
}

/**
 * A port for a server that a test stops and starts again: below Linux's ephemeral range
 * (32768–60999), so no other socket of the machine is given it while the server is down, and
 * distinct per test worker (pid) and per `index` within one.
 */
export const restartablePort = (index: number): number => 20_000 + (((process.pid % 400) * 25 + index) % 10_000)

/** Fast reconnects, so tests that drop connections do not wait long. */
export const testBackend = (url: string) => makeWsSync({ url, backoff: { initialMs: 50, maxMs: 500 } })

/** A store of the test app syncing with `url`; in memory unless `baseDirectory` is given. Shut down after the test. */
export const openClient = async (
  url: string,
  options: {
    readonly baseDirectory?: string
    readonly storeId?: string
    readonly sync?: Partial<SyncOptions>
    readonly syncPayload?: unknown
    /** Where to register the store for shutdown instead of after the test (for concurrent tests). */
    readonly owner?: Set<Store<any>>
  } = {},
): Promise<Store<typeof schema>> => {
  const storage = options.baseDirectory === undefined ? ({ type: 'in-memory' } as const) : ({ type: 'fs', baseDirectory: options.baseDirectory } as const)
  const store = await createStorePromise({
    schema,
    storeId: options.storeId ?? 'shared',
    adapter: makeAdapter({ storage, sync: { backend: testBackend(url), ...options.sync } }),
    syncPayload: options.syncPayload,
  })
  ;(options.owner ?? stores).add(store)
  return store
}

/** Polls `check` until it returns true (or throws after `timeoutMs`, with `describe()` in the message). */
export const waitFor = async (check: () => boolean | Promise<boolean>, describe: () => string, timeoutMs = 20_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${describe()}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/** The events of a store's eventlog, as comparable records (without rebase generations, which are local). */
export const eventlogOf = async (store: Store<any>): Promise<string[]> => {
  const sqlite = await loadSqlite()
  const db = sqlite.openInMemory()
  try {
    db.import(await store._dev.exportEventlogDb())
    return readEvents(db)
      .filter((event: EncodedEvent) => event.seqNum.client === 0)
      .map((event) => `${event.seqNum.global}:${event.name}:${JSON.stringify(event.args)}:${event.clientId}`)
  } finally {
    db.close()
  }
}

/** The app state of a store: every item with its position. */
export const itemsOf = (store: Store<any>): unknown[] =>
  store.query({ query: 'SELECT id, text, position FROM items ORDER BY id', bindValues: {} }) as unknown[]

/** Waits until every store holds `expected` synced events, confirmed by the backend. */
export const waitForConvergence = async (clients: readonly Store<any>[], expected: number): Promise<void> => {
  await waitFor(
    () => clients.every((store) => store.syncStatus().localHead === expected && store.syncStatus().isSynced),
    () => `all clients at e${expected} and synced; got ${JSON.stringify(clients.map((store) => store.syncStatus()))}`,
  )
}
