import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { events, v1, v2, v3 } from '../fixtures/todo-app.mjs'
import { startChild } from '../fixtures/processes.js'
import { ADAPTERS, openStore, storeFiles, storeOpener, tempDirectory } from '../fixtures/stores.js'

const seed = async (base: string, count: number) => {
  const store = await openStore(v1.schema, base)
  const created = Array.from({ length: count }, (_, i) => events.todoCreated({ id: `t${String(i).padStart(5, '0')}`, text: `todo ${i}` }))
  store.commit(...created)
  store.commit(events.todoCompleted({ id: 't00001' }), events.todoDeleted({ id: 't00002' }))
  await store.shutdown()
}

const stateFile = (schema: { stateHash: string }) => `state-${schema.stateHash}-f1.db`

describe.each(ADAPTERS)('fs storage ($name): automatic migration when the state schema changes', ({ kind }) => {
  const openStore = storeOpener(kind)

  it('adds a column with a default and an index: rebuilt from the eventlog, old state removed', async () => {
    const base = tempDirectory()
    await seed(base, 100)
    const statuses: Array<{ stage: string; done?: number; total?: number }> = []
    const store = await openStore(v2.schema, base, 'todos', (status) =>
      statuses.push({ stage: status.stage, ...('progress' in status ? status.progress : {}) }),
    )
    expect(statuses.filter((s) => s.stage === 'migrating').at(-1)).toEqual({ stage: 'migrating', done: 102, total: 102 })
    expect(store.query(v2.table.count())).toBe(99)
    expect(store.query(v2.table.where({ id: 't00001' }).first())).toEqual({ id: 't00001', text: 'todo 1', completed: true, priority: 3 })
    const indexes = store.query({ query: "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'todos'" })
    expect(indexes).toContainEqual({ name: 'todos_completed' })
    expect(storeFiles(base)).toEqual(['eventlog.db', stateFile(v2.schema)])
  })

  it('renames a table: the new table holds the rows, the old one is gone', async () => {
    const base = tempDirectory()
    await seed(base, 10)
    const store = await openStore(v3.schema, base)
    expect(store.query(v3.table.count())).toBe(9)
    expect(store.query({ query: "SELECT name FROM sqlite_schema WHERE name = 'todos'" })).toEqual([])
    expect(storeFiles(base)).toEqual(['eventlog.db', stateFile(v3.schema)])
  })

  it('going back to an earlier schema rebuilds again, from the same eventlog', async () => {
    const base = tempDirectory()
    await seed(base, 10)
    await (await openStore(v2.schema, base)).shutdown()
    const store = await openStore(v1.schema, base)
    expect(store.query(v1.table.count())).toBe(9)
  })

  it('a rebuild killed half-way is finished by the next boot', async () => {
    const base = tempDirectory()
    await seed(base, 30_000)
    const child = startChild(['boot', base, 'todos', 'v2'], { adapter: kind })
    // Batches of 2,000 events: kill after the first ones committed, before the end.
    await child.waitFor(/^status migrating [1-9]\d*\/30002/)
    child.process.kill('SIGKILL')
    await child.exited
    expect(child.lines.some((line) => line.startsWith('booted'))).toBe(false)
    expect(storeFiles(base)).toContain(`${stateFile(v2.schema)}.building`)

    const statuses: Array<{ stage: string; done?: number; total?: number }> = []
    const store = await openStore(v2.schema, base, 'todos', (status) =>
      statuses.push({ stage: status.stage, ...('progress' in status ? status.progress : {}) }),
    )
    const last = statuses.filter((s) => s.stage === 'migrating').at(-1)!
    // Resumed: only the events after the interrupted build's head were replayed.
    expect(last.total).toBeLessThan(30_002)
    expect(store.query(v2.table.count())).toBe(29_999)
    expect(storeFiles(base)).toEqual(['eventlog.db', stateFile(v2.schema)])
    expect(fs.existsSync(path.join(base, 'todos', `${stateFile(v2.schema)}.building`))).toBe(false)
  })
})
