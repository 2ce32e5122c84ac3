import { describe, expect, it } from 'vitest'
import { events, v1 } from '../fixtures/todo-app.mjs'
import { runChildJson, startChild } from '../fixtures/processes.js'
import { openStore, tempDirectory } from '../fixtures/stores.js'

describe('fs storage: one process at a time', () => {
  it('a second process gets a typed error; the first is unaffected', async () => {
    const base = tempDirectory()
    const store = await openStore(v1.schema, base)
    store.commit(events.todoCreated({ id: 'a', text: 'A' }))
    await store.flush()

    const result = await runChildJson<{ error?: string; message?: string }>(['open', base, 'todos'])
    expect(result.error).toBe('DatabaseLockedError')
    expect(result.message).toMatch(/open|lock/i)

    store.commit(events.todoCreated({ id: 'b', text: 'B' }))
    await store.flush()
    expect(store.query(v1.table.count())).toBe(2)
    await store.shutdown()

    expect(await runChildJson(['open', base, 'todos'])).toEqual({ ok: true, count: 2 })
  })

  it('a process killed while holding the store does not lock it forever', async () => {
    const base = tempDirectory()
    const holder = startChild(['hold', base, 'todos'])
    await holder.waitFor(/^ready$/)
    expect((await runChildJson<{ error?: string }>(['open', base, 'todos'])).error).toBe('DatabaseLockedError')
    holder.process.kill('SIGKILL')
    await holder.exited
    expect(await runChildJson(['open', base, 'todos'])).toEqual({ ok: true, count: 0 })
  })
})
