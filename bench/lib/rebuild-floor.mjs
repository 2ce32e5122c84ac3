// The floor of the fs suite's rebuild scenarios (Cairn side only): what rebuilding the state of a
// store of TodoCreated events costs SQLite-in-wasm alone, in the same fresh process as Cairn's
// rebuild phase and timed the same way, from loading SQLite to the count. It reads the store's
// eventlog file in batches of 2,000 with the store's SELECT, parses each event's arguments, and
// writes the v2 todos rows into a new state file with the store's pragmas and multi-row INSERTs,
// one transaction per batch that also advances a head row, as the store's replay does. No schema
// decoding, no materializer: the gap to Cairn's figure is Cairn's own work.
import path from 'node:path'
import { round } from './stats.mjs'
import { insertRowStatements, TODOS_V2_TABLE } from './substrate-sql.mjs'

const BATCH = 2_000
const SELECT = `SELECT seqNumGlobal, seqNumClient, seqNumRebaseGeneration, parentSeqNumGlobal, parentSeqNumClient,
  parentSeqNumRebaseGeneration, name, argsJson, clientId, sessionId, timestamp
  FROM eventlog WHERE seqNumGlobal >= ? ORDER BY seqNumGlobal, seqNumClient LIMIT ?`

/** Rebuilds `<dir>/<storeId>`'s state into a new file; resolves to { ms, count }. */
export async function rebuildFloor({ loadSqlite, dir, storeId, expect }) {
  const t0 = performance.now()
  const sqlite = await loadSqlite()
  const storeDir = path.join(dir, storeId)
  const eventlog = sqlite.openFile(path.join(storeDir, 'eventlog.db'), { create: false })
  const state = sqlite.openFile(path.join(storeDir, 'floor-state.db'), { synchronous: 'normal' })
  state.execute(TODOS_V2_TABLE)
  state.execute('CREATE TABLE head (id INTEGER PRIMARY KEY, seqNumGlobal INTEGER NOT NULL)')
  state.execute('INSERT INTO head VALUES (0, 0)')
  let after = 0
  for (;;) {
    // The first batch starts at global 1; later ones repeat the previous batch's last row first.
    const rows = eventlog.selectValues(SELECT, [after, after === 0 ? BATCH : BATCH + 1])
    const fresh = after === 0 ? rows : rows.slice(1)
    if (fresh.length === 0) break
    const todos = fresh.map((row) => {
      if (row[6] !== 'v1.TodoCreated') throw new Error(`rebuild floor: unexpected event ${row[6]}`)
      const { id, text } = JSON.parse(row[7])
      return [id, text, 0, null, 0]
    })
    after = fresh.at(-1)[0]
    state.execute('BEGIN')
    insertRowStatements(state, 'todos', 5, todos.length, (i) => todos[i])
    state.execute('UPDATE head SET seqNumGlobal = ? WHERE id = 0', [after])
    state.execute('COMMIT')
  }
  const count = state.selectValues('SELECT count(*) FROM todos WHERE priority = 0')[0][0]
  const ms = performance.now() - t0
  eventlog.close()
  state.close()
  if (count !== expect) throw new Error(`rebuild floor: expected ${expect} todos, found ${count}`)
  return { ms: round(ms), count }
}
