// Sync server scenarios (suite `sync`) — Cairn only: LiveStore has no self-hosted server to compare.
// Usage: node --expose-gc bench/cairn/sync.mjs --scenario ingest|ingest-postgres|fanout|catchup|memory|store-fanout|store-catchup
//        node bench/cairn/sync.mjs --clients N --url URL --store ID   (the memory scenario's client process)
//        node bench/cairn/sync.mjs --serve                            (the store scenarios' server process)
// Each scenario starts a real `@cairn/sync-server` on 127.0.0.1 (port 0) with SQLite storage in a
// fresh temp directory (removed afterwards; ingest-postgres: a PostgreSQL started for it) and talks to
// it with `makeWsSync` from `@cairn/sync-ws`, raw or through real Cairn stores (store-*).
// Prints one JSON object on stdout; progress goes to stderr.
import { emitResult, progress } from '../lib/stdout-guard.mjs' // must stay the first import
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import { findPostgresBin, postgresMissingReason, startPostgres } from '../../test/support/postgres.mjs'
import { packageVersion } from '../lib/pkg-version.mjs'
import { runScenarioMain } from '../lib/scenario-main.mjs'
import { mean, median, percentile, round } from '../lib/stats.mjs'

const SCRIPT = fileURLToPath(import.meta.url)

/**
 * The per-connection rate limit (default 200 messages/s, a token bucket) would close a connection
 * that pushes one event at a time as fast as the server acknowledges; the bench measures the
 * server's throughput, not that policy, so it is raised. Every other limit keeps its default
 * (maxEventsPerPush 1000, maxEventsPerBatch 1000, maxMessageBytes 1 MiB).
 */
const LIMITS = { maxMessagesPerSecond: 1_000_000 }

const gc = globalThis.gc ?? (() => {})
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

function withTimeout(promise, ms, what) {
  let timer
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not done after ${Math.round(ms / 1000)} s`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

async function loadSide() {
  const { createSyncServer, openSqliteStorage, openPostgresStorage } = await import('@cairn/sync-server')
  const { makeWsSync } = await import('@cairn/sync-ws')
  const { createStorePromise, queryDb } = await import('@cairn/store')
  const { makeAdapter } = await import('@cairn/adapter-node')
  const { schema, events, todos } = await import('./schema.mjs')
  return {
    side: 'cairn',
    label: `Cairn ${packageVersion('@cairn/sync-server', import.meta.url)}`,
    createSyncServer,
    openSqliteStorage,
    openPostgresStorage,
    makeWsSync,
    createStorePromise,
    queryDb,
    makeAdapter,
    schema,
    events,
    todos,
  }
}

/**
 * A server on 127.0.0.1:0; `stop()` closes it and removes its temp directory. Storage: SQLite in that
 * directory, or the PostgreSQL database at `postgresUrl`.
 */
async function startServer(side, tag, { postgresUrl } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `cairn-bench-sync-${tag}-`))
  const storage = postgresUrl
    ? await side.openPostgresStorage({ url: postgresUrl })
    : await side.openSqliteStorage({ file: path.join(dir, 'sync.db') })
  const server = await side.createSyncServer({ port: 0, host: '127.0.0.1', storage, limits: LIMITS, onError: (e) => progress('server error:', e?.stack ?? e) })
  return {
    server,
    dir,
    async stop() {
      try {
        await server.close()
      } finally {
        fs.rmSync(dir, { recursive: true, force: true })
      }
    },
  }
}

/** Connects and resolves with the connection and the backend head once it is `connected`. */
function connect(backend, { storeId, clientId }) {
  const conn = backend.connect({ storeId, clientId, installId: `install-${clientId}`, payload: undefined })
  return new Promise((resolve, reject) => {
    const off = conn.onStatus((s) => {
      if (s.state === 'connected') {
        queueMicrotask(() => off?.())
        resolve({ conn, head: s.head })
      } else if (s.state === 'failed') reject(s.error instanceof Error ? s.error : new Error(String(s.error)))
    })
  })
}

/** Starts the live pull after `cursor`; resolves once the first caughtUp batch arrived. */
function pullLive(conn, cursor, onBatch) {
  return new Promise((resolve) => {
    let caughtUp = false
    conn.onEvents((batch) => {
      onBatch?.(batch)
      if (!caughtUp && batch.caughtUp) {
        caughtUp = true
        resolve()
      }
    })
    conn.pull(cursor)
  })
}

const event = (clientId, seqNum, i) => ({
  name: 'v1.TodoCreated',
  args: { id: `todo-${clientId}-${i}`, text: `todo ${i}` },
  seqNum,
  parentSeqNum: seqNum - 1,
  clientId,
  sessionId: 'bench-session',
  timestamp: Date.now(),
})

/** Pushes `n` events built on `head`; throws on a rejection. Resolves with the new head. */
async function pushBatch(conn, clientId, head, n, from = head) {
  const events = new Array(n)
  for (let i = 0; i < n; i++) events[i] = event(clientId, head + 1 + i, from + i)
  const r = await conn.push(events)
  if (!r.ok) throw new Error(`push rejected (${r.reason}) at head ${head}, backend head ${r.head}`)
  if (r.head !== head + n) throw new Error(`push acked head ${r.head}, expected ${head + n}`)
  return r.head
}

const closeAll = (conns) => Promise.all(conns.map((c) => c.close()))

// ---------------------------------------------------------------------------- scenarios

const INGEST_EVENTS = 20_000
const INGEST_BATCH = 100
const SINGLE_PUSHES = 500
const SINGLE_WARMUP = 20

async function ingest(side) {
  const srv = await startServer(side, 'ingest')
  try {
    return await measureIngest(side, srv.server.url, 'ingest')
  } finally {
    await srv.stop()
  }
}

/**
 * The ingest scenario on a PostgreSQL server started for it (Debian's package, found by
 * test/support/postgres.mjs), with its default durability (fsync, synchronous_commit on) to compare
 * with SQLite's `synchronous = FULL`. Without PostgreSQL every metric is null with the reason.
 */
async function ingestPostgres(side) {
  const bin = findPostgresBin()
  if (bin === undefined) {
    const reason = `skipped: ${postgresMissingReason()}`
    progress(`ingest-postgres: ${reason}`)
    const keys = ['eventsPerSec', 'batchedMs', 'batchMedianMs', 'singleMedianMs', 'singleP99Ms']
    return { metrics: Object.fromEntries(keys.map((k) => [k, null])), nullReasons: Object.fromEntries(keys.map((k) => [k, reason])) }
  }
  progress(`ingest-postgres: starting PostgreSQL (${bin})…`)
  const pg = await startPostgres(bin, { durable: true })
  try {
    const srv = await startServer(side, 'ingest-postgres', { postgresUrl: pg.createDatabase('bench') })
    try {
      const r = await measureIngest(side, srv.server.url, 'ingest-postgres')
      return { ...r, info: { ...r.info, postgres: bin } }
    } finally {
      await srv.stop()
    }
  } finally {
    pg.stop()
  }
}

/** Pushes INGEST_EVENTS in pushes of INGEST_BATCH, then single events, to the server at `url`. */
async function measureIngest(side, url, tag) {
  const backend = side.makeWsSync({ url })
  const { conn, head: head0 } = await connect(backend, { storeId: 'bench-ingest', clientId: 'writer' })
  gc()
  progress(`${tag}: ${INGEST_EVENTS} events in pushes of ${INGEST_BATCH}…`)
  let head = head0
  const batchLat = []
  const t0 = performance.now()
  while (head - head0 < INGEST_EVENTS) {
    const a = performance.now()
    head = await pushBatch(conn, 'writer', head, INGEST_BATCH)
    batchLat.push(performance.now() - a)
  }
  const batchedMs = performance.now() - t0

  progress(`${tag}: ${SINGLE_PUSHES} single-event pushes (+${SINGLE_WARMUP} untimed)…`)
  for (let i = 0; i < SINGLE_WARMUP; i++) head = await pushBatch(conn, 'writer', head, 1)
  const lat = new Float64Array(SINGLE_PUSHES)
  for (let i = 0; i < SINGLE_PUSHES; i++) {
    const a = performance.now()
    head = await pushBatch(conn, 'writer', head, 1)
    lat[i] = performance.now() - a
  }
  await conn.close()
  return {
    metrics: {
      eventsPerSec: round((INGEST_EVENTS / batchedMs) * 1000),
      batchedMs: round(batchedMs),
      batchMedianMs: round(median(batchLat)),
      singleMedianMs: round(median(lat)),
      singleP99Ms: round(percentile(lat, 99)),
    },
    info: { batchP99Ms: round(percentile(batchLat, 99)), singleMeanMs: round(mean(Array.from(lat))), head, limits: LIMITS },
  }
}

const FANOUT_CLIENTS = 100
const FANOUT_PUSHES = 200
const FANOUT_WARMUP = 10

async function fanout(side) {
  const srv = await startServer(side, 'fanout')
  try {
    const backend = side.makeWsSync({ url: srv.server.url })
    const storeId = 'bench-fanout'
    progress(`fanout: connecting ${FANOUT_CLIENTS} clients…`)
    const clients = await withTimeout(
      Promise.all(Array.from({ length: FANOUT_CLIENTS }, (_, i) => connect(backend, { storeId, clientId: `c${i}` }))),
      60_000,
      'connecting the clients',
    )
    const conns = clients.map((c) => c.conn)
    // Per round: the push's start time, how many other clients still wait, and the latencies.
    let round_ = null
    const deliveries = []
    await Promise.all(
      conns.map((conn, i) =>
        pullLive(conn, clients[i].head, (batch) => {
          if (i === 0 || !round_) return
          for (const e of batch.events) {
            if (e.seqNum !== round_.seqNum) continue
            const t = performance.now() - round_.t0
            if (round_.timed) deliveries.push(t)
            if (--round_.pending === 0) round_.done()
          }
        }),
      ),
    )
    const writer = conns[0]
    let head = clients[0].head
    gc()
    progress(`fanout: ${FANOUT_PUSHES} single pushes (+${FANOUT_WARMUP} untimed) to ${FANOUT_CLIENTS - 1} live pulls…`)
    const ackLat = []
    for (let k = 0; k < FANOUT_WARMUP + FANOUT_PUSHES; k++) {
      const timed = k >= FANOUT_WARMUP
      const all = new Promise((resolve) => {
        round_ = { seqNum: head + 1, t0: 0, pending: FANOUT_CLIENTS - 1, timed, done: resolve }
      })
      round_.t0 = performance.now()
      head = await pushBatch(writer, 'c0', head, 1, k)
      if (timed) ackLat.push(performance.now() - round_.t0)
      await withTimeout(all, 10_000, `push ${k}: delivery to every client`)
      round_ = null
    }
    await closeAll(conns)
    const expected = FANOUT_PUSHES * (FANOUT_CLIENTS - 1)
    if (deliveries.length !== expected) throw new Error(`expected ${expected} deliveries, got ${deliveries.length}`)
    return {
      notes: [`the server and the ${FANOUT_CLIENTS} clients share one Node process (one event loop): a latency includes the other clients' callbacks and parsing`],
      metrics: {
        deliveryP50Ms: round(median(deliveries)),
        deliveryP99Ms: round(percentile(deliveries, 99)),
        deliveryMaxMs: round(Math.max(...deliveries)),
        ackMedianMs: round(median(ackLat)),
      },
      info: { deliveries: deliveries.length, deliveryMeanMs: round(mean(deliveries)), ackP99Ms: round(percentile(ackLat, 99)) },
    }
  } finally {
    await srv.stop()
  }
}

const CATCHUP_EVENTS = 100_000
const CATCHUP_BATCH = 1_000

async function catchup(side) {
  const srv = await startServer(side, 'catchup')
  try {
    const backend = side.makeWsSync({ url: srv.server.url })
    const storeId = 'bench-catchup'
    progress(`catchup: pre-filling ${CATCHUP_EVENTS} events in pushes of ${CATCHUP_BATCH} (untimed)…`)
    const { conn: writer, head: head0 } = await connect(backend, { storeId, clientId: 'writer' })
    let head = head0
    const tFill = performance.now()
    while (head - head0 < CATCHUP_EVENTS) head = await pushBatch(writer, 'writer', head, CATCHUP_BATCH)
    const fillMs = performance.now() - tFill
    await writer.close()
    gc()
    progress('catchup: a new client pulls from 0…')
    const t0 = performance.now()
    const conn = backend.connect({ storeId, clientId: 'reader', installId: 'install-reader', payload: undefined })
    let connectedAt = null
    conn.onStatus((s) => {
      if (s.state === 'connected' && connectedAt === null) connectedAt = performance.now() - t0
    })
    let received = 0
    let batches = 0
    let last = 0
    const done = new Promise((resolve, reject) => {
      conn.onEvents((batch) => {
        batches++
        for (const e of batch.events) {
          if (e.seqNum !== last + 1) reject(new Error(`gap: got ${e.seqNum} after ${last}`))
          last = e.seqNum
        }
        received += batch.events.length
        if (received >= CATCHUP_EVENTS) resolve()
      })
    })
    conn.pull(0)
    await withTimeout(done, 60_000, 'catch-up')
    const ms = performance.now() - t0
    await conn.close()
    return {
      metrics: {
        catchupMs: round(ms),
        eventsPerSec: round((CATCHUP_EVENTS / ms) * 1000),
      },
      info: { received, batches, connectMs: round(connectedAt), prefillMs: round(fillMs), prefillEventsPerSec: round((CATCHUP_EVENTS / fillMs) * 1000) },
    }
  } finally {
    await srv.stop()
  }
}

const MEMORY_CLIENTS = 1_000

function memKB() {
  gc()
  gc()
  const m = process.memoryUsage()
  return { rssKB: Math.round(m.rss / 1024), heapUsedKB: Math.round(m.heapUsed / 1024), externalKB: Math.round(m.external / 1024) }
}

/**
 * This script as a helper process (`args`: `--clients …` or `--serve`) that reports on stdout one
 * line per step (`waitFor(word)`), takes commands on stdin and exits when stdin closes (`stop()`).
 */
function spawnHelper(args) {
  const child = spawn(process.execPath, [SCRIPT, ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  const lines = []
  const waiters = []
  let buf = ''
  child.stdout.setEncoding('utf8').on('data', (d) => {
    buf += d
    let nl
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl)
      buf = buf.slice(nl + 1)
      lines.push(line)
      for (const w of waiters.splice(0)) w()
    }
  })
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)))
  const waitFor = async (word) => {
    for (;;) {
      const line = lines.find((l) => l.startsWith(word))
      if (line) return line
      const err = lines.find((l) => l.startsWith('error'))
      if (err) throw new Error(`client process: ${err}`)
      const r = await Promise.race([new Promise((res) => waiters.push(res)), exited.then((c) => ({ exit: c }))])
      if (r?.exit !== undefined) throw new Error(`client process exited (${r.exit}) before "${word}"`)
    }
  }
  return {
    waitFor,
    send: (cmd) => child.stdin.write(`${cmd}\n`),
    async stop() {
      child.stdin.end()
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exited
      clearTimeout(t)
    },
  }
}

async function memory(side) {
  const srv = await startServer(side, 'memory')
  let clients = null
  try {
    const storeId = 'bench-memory'
    // Warm the server's code paths (hello, push, live pull, close) before the baseline.
    const backend = side.makeWsSync({ url: srv.server.url })
    const { conn, head } = await connect(backend, { storeId, clientId: 'warmup' })
    await pullLive(conn, head)
    await pushBatch(conn, 'warmup', head, 10)
    await conn.close()
    await sleep(200)
    const base = memKB()
    progress(`memory: baseline RSS ${base.rssKB} KB; connecting ${MEMORY_CLIENTS} clients from another process…`)
    // The clients live in a separate process so that the server's process holds only the server.
    clients = spawnHelper(['--clients', String(MEMORY_CLIENTS), '--url', srv.server.url, '--store', storeId])
    await withTimeout(clients.waitFor('connected'), 120_000, 'connecting the clients')
    await sleep(500)
    const connected = memKB()
    clients.send('pull')
    await withTimeout(clients.waitFor('pulling'), 120_000, 'starting the live pulls')
    await sleep(500)
    const pulling = memKB()
    const per = (a, key) => round((a[key] - base[key]) / MEMORY_CLIENTS)
    await clients.stop()
    clients = null
    return {
      notes: [
        `the ${MEMORY_CLIENTS} clients run in a separate process; figures are the server process's own (after gc()), minus its baseline with 0 clients`,
      ],
      metrics: {
        rssKBAt0: base.rssKB,
        rssKBAt1k: pulling.rssKB,
        kbPerConnection: per(pulling, 'rssKB'),
        heapKBPerConnection: per(pulling, 'heapUsedKB'),
        kbPerConnectionNoPull: per(connected, 'rssKB'),
      },
      info: { base, connected, pulling, clients: MEMORY_CLIENTS },
    }
  } finally {
    if (clients) await clients.stop()
    await srv.stop()
  }
}

// ---------------------------------------------------------------------------- real stores (store-*)

/**
 * The store scenarios' server runs in a process of its own (`--serve`), as it would in production:
 * the stores' process then measures the stores, and the server gets the machine's other core.
 */
async function startServerProcess() {
  const proc = spawnHelper(['--serve'])
  try {
    const line = await withTimeout(proc.waitFor('url '), 30_000, 'starting the server process')
    return { url: line.slice('url '.length), stop: () => proc.stop() }
  } catch (e) {
    await proc.stop()
    throw e
  }
}

/** A Cairn store (bench TodoMVC schema, in memory) syncing with `url` through its own `makeWsSync`. */
const openStore = (side, url, storeId, sync = {}) =>
  side.createStorePromise({
    schema: side.schema,
    storeId,
    adapter: side.makeAdapter({ storage: { type: 'in-memory' }, sync: { backend: side.makeWsSync({ url }), ...sync } }),
  })

async function waitUntil(check, what, ms = 60_000) {
  const deadline = performance.now() + ms
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`${what}: not done after ${Math.round(ms / 1000)} s`)
    await sleep(10)
  }
}

const STORE_FANOUT_STORES = 100
const STORE_FANOUT_COMMITS = 200
const STORE_FANOUT_WARMUP = 10
const STORE_FANOUT_GAP_MS = 5

async function storeFanout(side) {
  const server = await startServerProcess()
  const stores = []
  try {
    const storeId = 'bench-store-fanout'
    progress(`store-fanout: opening ${STORE_FANOUT_STORES} stores (in memory, each with its own WebSocket)…`)
    const tOpen = performance.now()
    // The per-store cost is measured from the second store on: the first also pays the one-time
    // costs of the process (compiling SQLite's wasm, the code of the store).
    stores.push(await openStore(side, server.url, storeId))
    const base = memKB()
    for (let i = 1; i < STORE_FANOUT_STORES; i++) stores.push(await openStore(side, server.url, storeId))
    await waitUntil(() => stores.every((s) => s.syncStatus().connection === 'connected'), 'connecting the stores')
    const openMs = performance.now() - tOpen
    await sleep(200)
    const opened = memKB()

    // One query the TodoCreated event changes; each of the 99 readers subscribes to it. A round
    // expects the count its commit produces, so the initial callback and stale ones are ignored.
    const count = side.queryDb(side.todos.count())
    let round_ = null
    const deliveries = []
    const firstOfRound = []
    const lastOfRound = []
    const unsubscribe = stores.slice(1).map((store) =>
      store.subscribe(count, (n) => {
        if (!round_ || n !== round_.count) return
        const t = performance.now() - round_.t0
        if (round_.timed) {
          if (round_.pending === STORE_FANOUT_STORES - 1) firstOfRound.push(t)
          deliveries.push(t)
        }
        if (--round_.pending === 0) {
          // The last store of a round waited for the 98 others: its latency is the round's length.
          if (round_.timed) lastOfRound.push(t)
          round_.done()
        }
      }),
    )
    const writer = stores[0]
    gc()
    progress(`store-fanout: ${STORE_FANOUT_COMMITS} commits (+${STORE_FANOUT_WARMUP} untimed), ${STORE_FANOUT_GAP_MS} ms apart, to ${STORE_FANOUT_STORES - 1} subscribed stores…`)
    for (let k = 0; k < STORE_FANOUT_WARMUP + STORE_FANOUT_COMMITS; k++) {
      const all = new Promise((resolve) => {
        round_ = { count: k + 1, t0: 0, pending: STORE_FANOUT_STORES - 1, timed: k >= STORE_FANOUT_WARMUP, done: resolve }
      })
      round_.t0 = performance.now()
      writer.commit(side.events.todoCreated({ id: `todo-${k}`, text: `todo ${k}` }))
      await withTimeout(all, 10_000, `commit ${k}: every subscriber called`)
      round_ = null
      await sleep(STORE_FANOUT_GAP_MS)
    }
    for (const off of unsubscribe) off()
    await writer.awaitConfirmation()
    const expected = STORE_FANOUT_COMMITS * (STORE_FANOUT_STORES - 1)
    if (deliveries.length !== expected) throw new Error(`expected ${expected} subscriber calls, got ${deliveries.length}`)
    const per = (key) => round((opened[key] - base[key]) / (STORE_FANOUT_STORES - 1))
    return {
      notes: [
        `the ${STORE_FANOUT_STORES} stores share one Node process (one event loop, one clock): a latency includes the stores served before it; the server runs in a process of its own`,
      ],
      metrics: {
        deliveryP50Ms: round(median(deliveries)),
        deliveryP99Ms: round(percentile(deliveries, 99)),
        deliveryMaxMs: round(Math.max(...deliveries)),
        kbPerStore: per('rssKB'),
        heapKBPerStore: per('heapUsedKB'),
      },
      info: {
        deliveries: deliveries.length,
        deliveryMeanMs: round(mean(deliveries)),
        firstOfRoundMedianMs: round(median(firstOfRound)),
        lastOfRoundMedianMs: round(median(lastOfRound)),
        lastOfRoundP99Ms: round(percentile(lastOfRound, 99)),
        openMs: round(openMs),
        base,
        opened,
      },
    }
  } finally {
    await Promise.all(stores.map((s) => s.shutdown().catch(() => {})))
    await server.stop()
  }
}

const STORE_CATCHUP_EVENTS = 100_000

async function storeCatchup(side) {
  const server = await startServerProcess()
  let store = null
  try {
    const storeId = 'bench-store-catchup'
    progress(`store-catchup: pre-filling ${STORE_CATCHUP_EVENTS} events in raw pushes of ${CATCHUP_BATCH} (untimed)…`)
    const { conn: writer, head: head0 } = await connect(side.makeWsSync({ url: server.url }), { storeId, clientId: 'writer' })
    let head = head0
    while (head - head0 < STORE_CATCHUP_EVENTS) head = await pushBatch(writer, 'writer', head, CATCHUP_BATCH)
    await writer.close()
    gc()
    progress('store-catchup: a new store boots with a blocking initial sync…')
    const t0 = performance.now()
    store = await openStore(side, server.url, storeId, { initialSyncOptions: { _tag: 'Blocking', timeout: 60_000 } })
    const bootMs = performance.now() - t0
    const todos = store.query(side.queryDb(side.todos.count()))
    const ms = performance.now() - t0
    // The blocking initial sync gives up after its timeout and boots anyway: check it did not.
    if (todos !== STORE_CATCHUP_EVENTS) throw new Error(`the store booted with ${todos} todos, expected ${STORE_CATCHUP_EVENTS}`)
    const status = store.syncStatus()
    const mem = memKB()
    return {
      metrics: {
        catchupMs: round(ms),
        eventsPerSec: round((STORE_CATCHUP_EVENTS / ms) * 1000),
        rssMB: round(mem.rssKB / 1024),
      },
      info: { bootMs: round(bootMs), syncStatus: status, mem },
    }
  } finally {
    await store?.shutdown().catch(() => {})
    await server.stop()
  }
}

/** The store scenarios' server process: prints `url …`, stops when stdin closes. */
async function serveProcess() {
  const out = (line) => new Promise((r) => fs.write(1, `${line}\n`, () => r()))
  try {
    const srv = await startServer(await loadSide(), 'serve')
    await out(`url ${srv.server.url}`)
    process.stdin.resume()
    process.stdin.on('end', async () => {
      await srv.stop()
      process.exit(0)
    })
  } catch (e) {
    await out(`error ${String(e?.message ?? e).split('\n')[0]}`)
    process.exit(1)
  }
}

// ---------------------------------------------------------------------------- client process (memory)

async function clientProcess(argv) {
  const arg = (k) => argv[argv.indexOf(k) + 1]
  const n = Number(arg('--clients'))
  const { makeWsSync } = await import('@cairn/sync-ws')
  const backend = makeWsSync({ url: arg('--url') })
  // A raw line on the real stdout (fd 1; stdout-guard routes process.stdout to stderr).
  const out = (line) => new Promise((r) => fs.write(1, `${line}\n`, () => r()))
  try {
    const clients = []
    for (let i = 0; i < n; i += 100) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(100, n - i) }, (_, j) => connect(backend, { storeId: arg('--store'), clientId: `m${i + j}` })),
      )
      clients.push(...batch)
    }
    await out('connected')
    const rl = (await import('node:readline')).createInterface({ input: process.stdin })
    rl.on('line', async (cmd) => {
      if (cmd === 'pull') {
        await Promise.all(clients.map((c) => pullLive(c.conn, c.head)))
        await out('pulling')
      }
    })
    rl.on('close', async () => {
      await closeAll(clients.map((c) => c.conn))
      process.exit(0)
    })
  } catch (e) {
    await out(`error ${String(e?.message ?? e).split('\n')[0]}`)
    process.exit(1)
  }
}

// ---------------------------------------------------------------------------- entry point

const argv = process.argv.slice(2)
if (argv.includes('--clients')) await clientProcess(argv)
else if (argv.includes('--serve')) await serveProcess()
else
  await runScenarioMain(
    { ingest, 'ingest-postgres': ingestPostgres, fanout, catchup, memory, 'store-fanout': storeFanout, 'store-catchup': storeCatchup },
    'cairn',
    loadSide,
    argv,
  )
