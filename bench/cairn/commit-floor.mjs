// The floor of `commit10k` (see bench/lib/substrate-floor.mjs), in a fresh process as that scenario
// runs: after loading SQLite and creating the tables (what the store's boot does before the timed
// loop), 10k single-row INSERTs into todos, each its own statement and implicit transaction (what a
// commit of one event costs SQLite at least), then the 10k eventlog rows in multi-row INSERTs in one
// transaction (the leader's deferred write). Prints the µs per commit of both together.
import { loadSqlite } from '@cairn/sqlite'
import { EVENTLOG_TABLE, insertRows, TODOS_TABLE } from '../lib/substrate-sql.mjs'

const COMMITS = 10_000

const sqlite = await loadSqlite()
const state = sqlite.openInMemory()
const eventlog = sqlite.openInMemory()
state.execute(TODOS_TABLE)
eventlog.execute(EVENTLOG_TABLE)
const timestamp = Date.now()
const t0 = performance.now()
for (let i = 0; i < COMMITS; i++) state.execute('INSERT INTO todos (id, text, completed, deletedAt) VALUES (?, ?, ?, ?)', [`todo-${i}`, `todo ${i}`, 0, null])
insertRows(eventlog, 'eventlog', 11, COMMITS, (i) => [
  i + 1, 0, 0, i, 0, 0, 'v1.TodoCreated', JSON.stringify({ id: `todo-${i}`, text: `todo ${i}` }), 'client-1', 'session-1', timestamp,
])
const us = ((performance.now() - t0) * 1000) / COMMITS
const rows = state.selectValues('SELECT count(*) FROM todos')[0]?.[0]
if (rows !== COMMITS) throw new Error(`expected ${COMMITS} todos, found ${rows}`)
process.stdout.write(`${us}\n`, () => process.exit(0))
