// The benchmark suites run by bench/run.mjs.
//
// To add benchmarks in a later issue, append a suite (or scenarios to a suite):
//   {
//     name,                       // short id, used in --suite and in result keys "suite/scenario/metric"
//     title,                      // heading printed above the suite's table
//     cairn: 'path/to/script.mjs',// relative to bench/; run as `node --expose-gc SCRIPT --scenario NAME`
//     peer: {                     // optional black-box competitor
//       id: 'livestore',          // used in --only and in the JSON
//       label: 'LiveStore',       // column header
//       script: 'peers/…/x.mjs',  // same protocol as the cairn script
//       dir: 'peers/livestore',   // installed by peers/ensure-peers.mjs (npm ci) before running
//     },
//     scenarios: [{
//       name,                     // passed as --scenario (and used in the table)
//       child,                    // optional: run this scenario name in the child instead; scenarios
//                                 // sharing a `child` share ONE child process per side, whose
//                                 // metrics must cover all of them
//       timeoutMs,                // per child process; a timeout becomes a null result with a reason
//       peer: true|false,         // run the peer for this scenario (default true when the suite has one)
//       metrics: [{ key, label, unit, goal?: { max } | { min }, lowerIsBetter?: true,
//                   cairnOnly?: true }],   // a figure only the Cairn script reports (no peer value expected)
//     }],
//   }
// A scenario script prints ONE JSON object on stdout:
//   { ok: true, metrics: { key: number|null|number[] }, nullReasons?: { key: string }, info?: {...} }
//   { ok: false, error: string }
// Everything else (progress, library logging) goes to stderr.

/** The metrics of one scenario of the `react` suite (Cairn = @cairn/react + the in-memory web adapter). */
const reactMetrics = (what) => [
  { key: 'medianMs', label: `${what}: click → DOM, median`, unit: 'ms' },
  { key: 'p90Ms', label: `${what}: p90`, unit: 'ms' },
  { key: 'vsReact', cairnOnly: true, label: `${what}: Cairn / plain React, medians`, unit: '×', goal: { max: 1.5 } },
  { key: 'vsReactP90', cairnOnly: true, label: `${what}: Cairn / plain React, p90s`, unit: '×' },
  { key: 'reactMedianMs', cairnOnly: true, label: `${what}: plain React useState, median`, unit: 'ms' },
  { key: 'reactP90Ms', cairnOnly: true, label: `${what}: plain React useState, p90`, unit: 'ms' },
  { key: 'sqliteFloorMedianMs', cairnOnly: true, label: `${what}: floor, React + SQLite writes and reads, median`, unit: 'ms' },
  { key: 'sqliteFloorVsReact', cairnOnly: true, label: `${what}: floor / plain React, medians`, unit: '×' },
  { key: 'persistedMedianMs', cairnOnly: true, label: `${what}: Cairn persisted (OPFS), median`, unit: 'ms' },
  { key: 'heapMB', label: `${what}: JS heap after (after GC)`, unit: 'MB' },
  { key: 'reactHeapMB', cairnOnly: true, label: `${what}: JS heap, plain React`, unit: 'MB' },
  { key: 'persistedHeapMB', cairnOnly: true, label: `${what}: JS heap, Cairn persisted`, unit: 'MB' },
]

export const suites = [
  {
    name: 'core',
    title: 'Core store (TodoMVC schema, in-memory, Node)',
    cairn: 'cairn/core.mjs',
    peer: { id: 'livestore', label: 'LiveStore', script: 'peers/livestore/core.mjs', dir: 'peers/livestore' },
    scenarios: [
      {
        name: 'commit10k',
        timeoutMs: 240_000,
        metrics: [
          { key: 'usPerCommit', label: 'µs/commit (10k single, incl. deferred work)', unit: 'µs', goal: { max: 20 } },
          { key: 'usPerCommitSync', label: 'µs/commit (sync part of call)', unit: 'µs' },
          { key: 'medianUs', label: 'median µs/commit call', unit: 'µs' },
          { key: 'firstDecileUs', label: 'µs/commit, commits 1–1000', unit: 'µs' },
          { key: 'lastDecileUs', label: 'µs/commit, commits 9001–10000', unit: 'µs' },
          { key: 'decileGrowth', label: 'last/first decile', unit: '×' },
          { key: 'decilesUs', label: 'µs/commit per decile', unit: 'µs', list: true },
        ],
      },
      {
        name: 'commitToSubscriber',
        timeoutMs: 180_000,
        metrics: [
          { key: 'countMedianUs', label: 'commit→subscriber median, count query', unit: 'µs', goal: { max: 50 } },
          { key: 'countP99Us', label: 'commit→subscriber p99, count query', unit: 'µs' },
          { key: 'listMedianUs', label: 'commit→subscriber median, 1k-row list', unit: 'µs' },
          { key: 'listP99Us', label: 'commit→subscriber p99, 1k-row list', unit: 'µs' },
        ],
      },
      {
        name: 'commitBatch10k',
        child: 'batchAndQueries', // the queries then run on the 10k rows this batch committed
        timeoutMs: 180_000,
        metrics: [
          { key: 'batchMs', label: 'commit(...10k events), incl. deferred work', unit: 'ms', goal: { max: 100 } },
          { key: 'batchMsSync', label: 'commit(...10k events), sync part', unit: 'ms' },
        ],
      },
      {
        name: 'queries',
        child: 'batchAndQueries',
        timeoutMs: 180_000,
        metrics: [
          { key: 'pkUs', label: 'pk point query, queryDb+deps, median', unit: 'µs', goal: { max: 10 } },
          { key: 'pkBuilderUs', label: 'pk point query, builder, median', unit: 'µs' },
          { key: 'scanUs', label: 'scan 10k rows → 5, queryDb+deps, median', unit: 'µs', goal: { max: 150 } },
          { key: 'scanBuilderUs', label: 'scan 10k rows → 5, builder, median', unit: 'µs' },
        ],
      },
      {
        name: 'importTime',
        timeoutMs: 180_000,
        metrics: [
          { key: 'importMs', label: 'import store + node adapter, median of 5', unit: 'ms', goal: { max: 150 } },
          { key: 'processMs', label: 'whole import process (spawn→exit)', unit: 'ms' },
        ],
      },
      {
        // Cairn only: the same SQL and imports on the bare substrate (bench/lib/substrate-floor.mjs).
        name: 'substrateFloor',
        peer: false,
        timeoutMs: 180_000,
        metrics: [
          { key: 'commit10kUs', cairnOnly: true, label: 'floor: 10k single INSERTs + eventlog rows, raw SQLite, fresh process, µs each', unit: 'µs' },
          { key: 'batchMs', cairnOnly: true, label: 'floor: 10k rows + 10k eventlog rows, raw SQLite', unit: 'ms' },
          { key: 'pkUs', cairnOnly: true, label: 'floor: pk point query, raw SQLite, median', unit: 'µs' },
          { key: 'scanUs', cairnOnly: true, label: 'floor: scan 10k rows → 5, raw SQLite, median', unit: 'µs' },
          { key: 'importMs', cairnOnly: true, label: 'floor: import effect/Schema alone, median of 5', unit: 'ms' },
        ],
      },
      {
        // Cairn only (the peer needs seconds per 10k events): commit10k and commitBatch10k repeated in
        // the process that ran them once, i.e. with V8's compiled code (core-scenarios.mjs, warmRepeat).
        name: 'warmRepeat',
        peer: false,
        timeoutMs: 180_000,
        metrics: [
          { key: 'commit10kUs', cairnOnly: true, label: 'warm: 10k single commits again in the same process, µs/commit', unit: 'µs' },
          { key: 'batchMs', cairnOnly: true, label: 'warm: commit(...10k events), rounds 3–5 in one process, median', unit: 'ms' },
        ],
      },
      {
        name: 'rss100k',
        timeoutMs: 180_000,
        metrics: [
          { key: 'rssMB', label: 'RSS after 100k events (after gc)', unit: 'MB', goal: { max: 200 } },
          { key: 'heapUsedMB', label: 'JS heap used after 100k events', unit: 'MB' },
          { key: 'rssMBAt10k', label: 'RSS after 10k events', unit: 'MB' },
          { key: 'heapUsedMBAt10k', label: 'JS heap used after 10k events', unit: 'MB' },
        ],
      },
    ],
  },
  {
    name: 'fs',
    title: 'Persisted Node storage (TodoMVC schema, fs adapter)',
    cairn: 'cairn/fs.mjs',
    peer: { id: 'livestore', label: 'LiveStore', script: 'peers/livestore/fs.mjs', dir: 'peers/livestore' },
    scenarios: [
      {
        name: 'commit10kDurable',
        child: 'fs10k', // one child per side: commits, then reopen/rebuild/disk on the store it wrote
        timeoutMs: 480_000,
        metrics: [
          { key: 'totalMs', label: '10k single commits + wait until durable', unit: 'ms', goal: { max: 1000 } },
          { key: 'usPerCommit', label: 'µs/commit incl. wait until durable', unit: 'µs' },
          { key: 'loopMs', label: 'commit loop alone', unit: 'ms' },
          { key: 'durableWaitMs', label: 'wait until durable after the loop', unit: 'ms' },
        ],
      },
      {
        name: 'commitDurableEach',
        child: 'durableEach',
        timeoutMs: 180_000,
        metrics: [
          { key: 'msPerDurableCommit', label: 'commit + wait until durable, mean of 200', unit: 'ms' },
          { key: 'medianMs', label: 'commit + wait until durable, median', unit: 'ms' },
          { key: 'p99Ms', label: 'commit + wait until durable, p99', unit: 'ms' },
        ],
      },
      {
        name: 'reopen10k',
        child: 'fs10k',
        timeoutMs: 480_000,
        metrics: [
          { key: 'reopenMs', label: 'open 10k-event store → ready + count, median of 3', unit: 'ms', goal: { max: 100 } },
          { key: 'rssMB', label: 'RSS after reopening 10k (after gc)', unit: 'MB' },
        ],
      },
      {
        name: 'reopen100k',
        child: 'fs100k',
        timeoutMs: 480_000,
        metrics: [
          { key: 'reopenMs', label: 'open 100k-event store → ready + count, median of 3', unit: 'ms' },
          { key: 'rssMB', label: 'RSS after reopening 100k (after gc)', unit: 'MB' },
        ],
      },
      {
        name: 'rebuild10k',
        child: 'fs10k',
        timeoutMs: 480_000,
        metrics: [
          { key: 'eventsPerSec', label: 'boot with schema v2, rebuild 10k events', unit: 'events/s', goal: { min: 100_000 } },
          { key: 'floorEventsPerSec', cairnOnly: true, label: 'floor: the same rebuild on raw SQLite, fresh process', unit: 'events/s' },
          { key: 'rebuildMs', label: 'boot with schema v2 → ready + count', unit: 'ms' },
          { key: 'rebuildAddedEventsPerSec', label: 'events / (boot with rebuild − boot without), i.e. the rebuild alone', unit: 'events/s' },
        ],
      },
      {
        name: 'rebuild100k',
        child: 'fs100k',
        timeoutMs: 480_000,
        metrics: [
          { key: 'eventsPerSec', label: 'boot with schema v2, rebuild 100k events', unit: 'events/s', goal: { min: 100_000 } },
          { key: 'floorEventsPerSec', cairnOnly: true, label: 'floor: the same rebuild on raw SQLite, fresh process', unit: 'events/s' },
          { key: 'rebuildMs', label: 'boot with schema v2 → ready + count', unit: 'ms' },
          { key: 'rebuildAddedEventsPerSec', label: 'events / (boot with rebuild − boot without), i.e. the rebuild alone', unit: 'events/s' },
        ],
      },
      {
        name: 'disk10k',
        child: 'fs10k',
        timeoutMs: 480_000,
        metrics: [{ key: 'bytesPerEvent', label: 'store directory after shutdown / 10k events', unit: 'B' }],
      },
      {
        name: 'disk100k',
        child: 'fs100k',
        timeoutMs: 480_000,
        metrics: [{ key: 'bytesPerEvent', label: 'store directory after shutdown / 100k events', unit: 'B' }],
      },
    ],
  },
  {
    name: 'sync',
    title: 'Sync (@cairn/sync-server, SQLite storage unless stated, WebSocket clients on 127.0.0.1) — Cairn only',
    cairn: 'cairn/sync.mjs', // no peer: LiveStore has no self-hosted sync server to compare with
    scenarios: [
      {
        name: 'ingest',
        timeoutMs: 120_000,
        metrics: [
          { key: 'eventsPerSec', label: '20k events, pushes of 100, each awaiting its ack', unit: 'events/s', goal: { min: 20_000 } },
          { key: 'batchedMs', label: '20k events in pushes of 100, total', unit: 'ms' },
          { key: 'batchMedianMs', label: 'push of 100 → ack, median', unit: 'ms' },
          { key: 'singleMedianMs', label: 'single-event push → ack, median of 500', unit: 'ms' },
          { key: 'singleP99Ms', label: 'single-event push → ack, p99', unit: 'ms' },
        ],
      },
      {
        name: 'ingest-postgres',
        timeoutMs: 180_000,
        metrics: [
          { key: 'eventsPerSec', label: 'Postgres: 20k events, pushes of 100, each awaiting its ack', unit: 'events/s' },
          { key: 'batchedMs', label: 'Postgres: 20k events in pushes of 100, total', unit: 'ms' },
          { key: 'batchMedianMs', label: 'Postgres: push of 100 → ack, median', unit: 'ms' },
          { key: 'singleMedianMs', label: 'Postgres: single-event push → ack, median of 500', unit: 'ms' },
          { key: 'singleP99Ms', label: 'Postgres: single-event push → ack, p99', unit: 'ms' },
        ],
      },
      {
        name: 'fanout',
        timeoutMs: 180_000,
        metrics: [
          { key: 'deliveryP50Ms', label: 'push → 99 other live clients, p50 of 19,800', unit: 'ms' },
          { key: 'deliveryP99Ms', label: 'push → 99 other live clients, p99', unit: 'ms', goal: { max: 50 } },
          { key: 'deliveryMaxMs', label: 'push → 99 other live clients, max', unit: 'ms' },
          { key: 'ackMedianMs', label: 'push → ack with 100 live pulls, median', unit: 'ms' },
        ],
      },
      {
        name: 'catchup',
        timeoutMs: 180_000,
        metrics: [
          { key: 'catchupMs', label: 'new client: connect + pull 100k events from 0', unit: 'ms', goal: { max: 3000 } },
          { key: 'eventsPerSec', label: 'catch-up rate', unit: 'events/s' },
        ],
      },
      {
        name: 'memory',
        timeoutMs: 240_000,
        metrics: [
          { key: 'kbPerConnection', label: 'server RSS per idle client (live pull), 1k clients', unit: 'KB' },
          { key: 'heapKBPerConnection', label: 'server JS heap per idle client (live pull)', unit: 'KB' },
          { key: 'kbPerConnectionNoPull', label: 'server RSS per connected client, no pull', unit: 'KB' },
          { key: 'rssKBAt0', label: 'server process RSS, 0 clients (after gc)', unit: 'KB' },
          { key: 'rssKBAt1k', label: 'server process RSS, 1k clients with live pulls', unit: 'KB' },
        ],
      },
      {
        name: 'store-fanout',
        timeoutMs: 240_000,
        metrics: [
          { key: 'deliveryP50Ms', label: 'store commit → subscribers of 99 other stores, p50 of 19,800', unit: 'ms' },
          { key: 'deliveryP99Ms', label: 'store commit → subscribers of 99 other stores, p99', unit: 'ms', goal: { max: 50 } },
          { key: 'deliveryMaxMs', label: 'store commit → subscribers of 99 other stores, max', unit: 'ms' },
          { key: 'kbPerStore', label: 'RSS per synced in-memory store (100 in one process)', unit: 'KB' },
          { key: 'heapKBPerStore', label: 'JS heap per synced in-memory store', unit: 'KB' },
        ],
      },
      {
        name: 'store-catchup',
        timeoutMs: 240_000,
        metrics: [
          { key: 'catchupMs', label: 'new store, blocking initial sync of 100k events → ready + count', unit: 'ms', goal: { max: 3000 } },
          { key: 'eventsPerSec', label: 'store catch-up rate', unit: 'events/s' },
          { key: 'rssMB', label: 'RSS of the caught-up store process (after gc)', unit: 'MB' },
        ],
      },
    ],
  },
  {
    name: 'web',
    title: 'Web adapter (@cairn/adapter-web in headless Chromium, OPFS, test app built with Vite) — Cairn only',
    cairn: 'cairn/web.mjs', // no peer: LiveStore's web adapter would need its own app build and worker files
    scenarios: [
      {
        name: 'commit',
        timeoutMs: 120_000,
        metrics: [
          { key: 'meanUs', label: 'commit → subscriber in a tab, mean of 10k', unit: 'µs', goal: { max: 100 } },
          { key: 'p99Us', label: 'commit → subscriber, p99 of the means of 100 commits', unit: 'µs' },
        ],
      },
      {
        name: 'crossTab',
        timeoutMs: 120_000,
        metrics: [
          { key: 'p50Ms', label: 'commit in tab A → subscriber in tab B, p50 of 300', unit: 'ms' },
          { key: 'p99Ms', label: 'commit in tab A → subscriber in tab B, p99', unit: 'ms', goal: { max: 20 } },
          { key: 'burst1000Ms', label: '1,000 events committed at once → all in tab B', unit: 'ms' },
        ],
      },
      {
        name: 'boot10k',
        timeoutMs: 180_000,
        metrics: [
          { key: 'leaderBootMs', label: '10k events: reload → store ready (leader tab)', unit: 'ms' },
          { key: 'secondTabBootMs', label: '10k events: second tab → store ready', unit: 'ms' },
        ],
      },
      {
        name: 'boot100k',
        timeoutMs: 300_000,
        metrics: [
          { key: 'leaderBootMs', label: '100k events: reload → store ready (leader tab)', unit: 'ms' },
          { key: 'secondTabBootMs', label: '100k events: second tab → store ready', unit: 'ms' },
        ],
      },
      {
        name: 'bundle',
        timeoutMs: 120_000,
        metrics: [
          { key: 'appJsGzKB', label: 'minimal app page JS (Cairn + effect/Schema), gzip', unit: 'KB', goal: { max: 60 } },
          { key: 'cairnGzKB', label: '… of which Cairn + app, gzip', unit: 'KB' },
          { key: 'effectGzKB', label: '… of which effect (Schema), gzip', unit: 'KB' },
          { key: 'sqliteGlueGzKB', label: 'sqlite-wasm JS glue (in the page and in the worker), gzip', unit: 'KB' },
          { key: 'leaderWorkerGzKB', label: 'leader worker JS (Cairn + effect, without the glue), gzip', unit: 'KB' },
          { key: 'sharedWorkerGzKB', label: 'shared worker JS, gzip', unit: 'KB' },
          { key: 'wasmGzKB', label: 'sqlite3.wasm, gzip', unit: 'KB' },
          { key: 'wasmKB', label: 'sqlite3.wasm, raw', unit: 'KB' },
        ],
      },
    ],
  },
  {
    name: 'react',
    title: 'React (js-framework-benchmark-style table app in headless Chromium: click → DOM updated)',
    cairn: 'cairn/react.mjs', // Cairn in memory + plain React useState (the floor) + React with SQLite (the substrate floor) + Cairn persisted, one page each
    peer: { id: 'livestore', label: 'LiveStore', script: 'peers/livestore/react.mjs', dir: 'peers/livestore' },
    scenarios: [
      {
        name: 'create1k',
        timeoutMs: 180_000,
        metrics: reactMetrics('create 1,000 rows'),
      },
      {
        name: 'create10k',
        timeoutMs: 300_000,
        metrics: reactMetrics('create 10,000 rows'),
      },
      {
        name: 'update10th',
        timeoutMs: 180_000,
        metrics: reactMetrics('update every 10th row of 1,000'),
      },
      {
        name: 'select',
        timeoutMs: 180_000,
        metrics: reactMetrics('select a row (client document) of 1,000'),
      },
      {
        name: 'remove',
        timeoutMs: 180_000,
        metrics: reactMetrics('remove a row of 1,000'),
      },
      {
        name: 'append1k',
        timeoutMs: 180_000,
        metrics: reactMetrics('append 1,000 rows to 1,000'),
      },
      {
        name: 'clear',
        timeoutMs: 180_000,
        metrics: reactMetrics('clear 1,000 rows'),
      },
    ],
  },
]
