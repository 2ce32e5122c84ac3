import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { events, v1 } from '../fixtures/todo-app.mjs'
import { ADAPTERS, openStore, storeFiles, storeOpener, tempDirectory } from '../fixtures/stores.js'

const seed = async (base: string) => {
  const store = await openStore(v1.schema, base)
  for (let i = 0; i < 200; i++) store.commit(events.todoCreated({ id: `t${i}`, text: `todo ${i} ${'x'.repeat(100)}` }))
  await store.shutdown()
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe.each(ADAPTERS)('fs storage ($name): damaged files', ({ kind }) => {
  const openStore = storeOpener(kind)

  it('a truncated state database is rebuilt from the eventlog, with a warning', async () => {
    const base = tempDirectory()
    await seed(base)
    const statePath = path.join(base, 'todos', `state-${v1.schema.stateHash}-f1.db`)
    const size = fs.statSync(statePath).size
    fs.truncateSync(statePath, Math.floor(size / 2))
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const store = await openStore(v1.schema, base)
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('is damaged'))
    expect(store.query(v1.table.count())).toBe(200)
  })

  it('a garbage state database is rebuilt from the eventlog, with a warning', async () => {
    const base = tempDirectory()
    await seed(base)
    const statePath = path.join(base, 'todos', `state-${v1.schema.stateHash}-f1.db`)
    fs.writeFileSync(statePath, Buffer.from('this is not a database at all, just some text '.repeat(200)))
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const store = await openStore(v1.schema, base)
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('is damaged'))
    expect(store.query(v1.table.count())).toBe(200)
    expect(storeFiles(base)).toEqual(['eventlog.db', `state-${v1.schema.stateHash}-f1.db`])
  })

  it('a damaged eventlog is a typed error, and nothing is overwritten or deleted', async () => {
    const base = tempDirectory()
    await seed(base)
    const directory = path.join(base, 'todos')
    const eventlogPath = path.join(directory, 'eventlog.db')
    const garbage = Buffer.from('garbage, not SQLite '.repeat(500))
    fs.writeFileSync(eventlogPath, garbage)
    const before = Object.fromEntries(storeFiles(base).map((file) => [file, fs.readFileSync(path.join(directory, file))]))
    await expect(openStore(v1.schema, base)).rejects.toMatchObject({
      _tag: 'StoreBootError',
      cause: { _tag: 'EventlogUnreadableError', path: eventlogPath },
    })
    const after = Object.fromEntries(storeFiles(base).map((file) => [file, fs.readFileSync(path.join(directory, file))]))
    expect(after).toEqual(before)
  })
})
