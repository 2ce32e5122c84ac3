// The substrate floor of a SQLite-backed React app: the same UI with the rows in a table of
// SQLite-in-wasm (@cairn/sqlite, in memory, in the page) and in React state. Each action does the SQL
// a store needs at the least: its writes in one transaction (rows in 64-row INSERTs, as Cairn's
// write queue), then reads back only the rows it changed, and sets the React state. No events, no
// eventlog, no schema, no reactivity: what is left between this and plain React is SQLite itself.
import { createElement as h, useMemo, useState } from 'react'
import { loadSqlite } from '@cairn/sqlite'
import { buildRows, Main, UPDATE_SUFFIX } from '../../lib/react-ui/shared.js'
import { insertRowStatements } from '../../lib/substrate-sql.mjs'

/** Reads rows by id in statements of at most this many bound ids. */
const IDS_PER_SELECT = 64

const openDb = async () => {
  const db = (await loadSqlite()).openInMemory()
  db.execute(`CREATE TABLE rows (id INTEGER PRIMARY KEY, label TEXT NOT NULL DEFAULT '')`)
  db.execute(`CREATE TABLE uiState (id TEXT PRIMARY KEY, selected INTEGER)`)
  return db
}

const toRow = ([id, label]) => ({ id, label })

/** Runs `write` in a transaction. */
const inTransaction = (db, write) => {
  db.execute('BEGIN')
  try {
    write()
    db.execute('COMMIT')
  } catch (error) {
    db.execute('ROLLBACK')
    throw error
  }
}

const insert = (db, rows) => insertRowStatements(db, 'rows', 2, rows.length, (i) => [rows[i].id, rows[i].label])

/** The rows with these ids, by id. */
const readRows = (db, ids) => {
  const byId = new Map()
  for (let start = 0; start < ids.length; start += IDS_PER_SELECT) {
    const chunk = ids.slice(start, start + IDS_PER_SELECT)
    const sql = `SELECT id, label FROM rows WHERE id IN (${chunk.map(() => '?').join(', ')})`
    for (const row of db.selectValues(sql, chunk)) byId.set(row[0], toRow(row))
  }
  return byId
}

const App = ({ db, title }) => {
  const [rows, setRows] = useState([])
  const [selected, setSelected] = useState(null)
  const actions = useMemo(() => {
    // The rows last rendered: the SQL runs in the click handler, not in a state updater.
    let current = []
    const show = (next) => setRows((current = next))
    const create = (count) => {
      const created = buildRows(count)
      inTransaction(db, () => {
        db.execute('DELETE FROM rows')
        insert(db, created)
      })
      show(db.selectValues('SELECT id, label FROM rows ORDER BY id').map(toRow))
    }
    return {
      run: () => create(1000),
      runLots: () => create(10_000),
      add: () => {
        const added = buildRows(1000)
        inTransaction(db, () => insert(db, added))
        const byId = readRows(db, added.map((row) => row.id))
        show(current.concat(added.map((row) => byId.get(row.id))))
      },
      update: () => {
        const changed = []
        inTransaction(db, () => {
          for (let i = 0; i < current.length; i += 10) {
            db.execute('UPDATE rows SET label = ? WHERE id = ?', [current[i].label + UPDATE_SUFFIX, current[i].id])
            changed.push(i)
          }
        })
        const byId = readRows(db, changed.map((i) => current[i].id))
        const next = current.slice()
        for (const i of changed) next[i] = byId.get(current[i].id)
        show(next)
      },
      clear: () => {
        db.execute('DELETE FROM rows')
        show([])
      },
      select: (id) => {
        db.execute('INSERT OR REPLACE INTO uiState (id, selected) VALUES (?, ?)', ['session', id])
        setSelected(db.selectValues('SELECT selected FROM uiState WHERE id = ?', ['session'])[0][0])
      },
      remove: (id) => {
        db.execute('DELETE FROM rows WHERE id = ?', [id])
        show(current.filter((row) => row.id !== id))
      },
    }
  }, [db])
  return h(Main, { title, rows, selected, actions })
}

/** Opens the database, then renders the app into `root`. */
export const mount = async (root, { title }) => {
  const db = await openDb()
  root.render(h(App, { db, title }))
}
