import { describe, expect, it } from 'vitest'
import { events, v1 } from '../fixtures/todo-app.mjs'
import { runChildJson, startChild } from '../fixtures/processes.js'
import { ADAPTERS, storeFiles, storeOpener, tempDirectory } from '../fixtures/stores.js'

describe.each(ADAPTERS)('fs storage ($name): one process at a time', ({ kind }) => {
  const openStore = storeOpener(kind)

  it('a second process gets a typed error; the first is unaffected', async () => {
    const base = tempDirectory()
    const store = await openStore(v1.schema, base)
    store.commit(events.todoCreated({ id: 'a', text: 'A' }))
    await store.flush()

    const result = await runChildJson<{ error?: string; message?: string }>(['open', base, 'todos'], { adapter: kind })
    expect(result.error).toBe('DatabaseLockedError')
    expect(result.message).toMatch(/open|lock/i)

    store.commit(events.todoCreated({ id: 'b', text: 'B' }))
    await store.flush()
    expect(store.query(v1.table.count())).toBe(2)
    await store.shutdown()

    expect(await runChildJson(['open', base, 'todos'], { adapter: kind })).toEqual({ ok: true, count: 2 })
  })

  it('a process killed while holding the store does not lock it forever', async () => {
    const base = tempDirectory()
    const holder = startChild(['hold', base, 'todos'], { adapter: kind })
    await holder.waitFor(/^ready$/)
    expect((await runChildJson<{ error?: string }>(['open', base, 'todos'], { adapter: kind })).error).toBe('DatabaseLockedError')
    holder.process.kill('SIGKILL')
    await holder.exited
    expect(await runChildJson(['open', base, 'todos'], { adapter: kind })).toEqual({ ok: true, count: 0 })
  })

  it('storage { type: "fs" } without baseDirectory keeps the store in .cairn/ under the working directory', async () => {
    const cwd = tempDirectory()
    expect(await runChildJson(['open', '-', 'todos'], { adapter: kind, cwd })).toEqual({ ok: true, count: 0 })
    expect(await runChildJson(['open', '-', 'todos'], { adapter: kind, cwd })).toEqual({ ok: true, count: 0 })
    expect(storeFiles(cwd, '.cairn/todos')).toEqual(['eventlog.db', `state-${v1.schema.stateHash}-f1.db`])
  })
})
