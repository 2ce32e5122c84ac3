import path from 'node:path'
import { loadSqlite } from '@cairn/sqlite'
import { initializeStateDb, readEvents, replayEventlog } from '@cairn/store/adapter'
import { describe, expect, it } from 'vitest'
import { v1 } from '../fixtures/todo-app.mjs'
import { startChild } from '../fixtures/processes.js'
import { ADAPTERS, dumpTables, openBytes, storeOpener, tempDirectory } from '../fixtures/stores.js'

/** Killing and reopening costs more with a worker (each process starts a worker thread too): fewer cycles. */
const CYCLES = { thread: Number(process.env.CAIRN_CRASH_CYCLES ?? 20), worker: Number(process.env.CAIRN_CRASH_CYCLES ?? 10) }

/** A small deterministic PRNG (mulberry32), so a failing seed can be replayed. */
const random = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

describe.each(ADAPTERS)('fs storage ($name): crash safety', ({ kind }) => {
  const openStore = storeOpener(kind)
  const cycles = CYCLES[kind]

  it(`SIGKILL at random moments loses no acknowledged commit and corrupts nothing (${cycles} cycles)`, async () => {
    const seed = Number(process.env.CAIRN_CRASH_SEED ?? Date.now() % 1_000_000)
    console.log(`crash test (${kind}) seed: ${seed} (replay with CAIRN_CRASH_SEED=${seed})`)
    const next = random(seed)
    const base = tempDirectory()
    const sqlite = await loadSqlite()
    let acknowledged = 0

    for (let cycle = 0; cycle < cycles; cycle++) {
      const child = startChild(['commit-loop', base, 'todos'], { adapter: kind })
      await child.waitFor(/^start /)
      await child.waitFor(/^ack /)
      await new Promise((resolve) => setTimeout(resolve, Math.floor(next() * 120)))
      child.process.kill('SIGKILL')
      await child.exited
      const acks = child.lines.filter((line) => line.startsWith('ack ')).map((line) => Number(line.slice(4)))
      acknowledged = Math.max(acknowledged, ...acks)

      const context = `seed ${seed}, cycle ${cycle}, ${acknowledged} acknowledged`
      const store = await openStore(v1.schema, base)
      const ids = new Set(store.query(v1.table.select('id')) as string[])
      for (let i = 0; i < acknowledged; i++) if (!ids.has(`t${i}`)) throw new Error(`t${i} lost (${context})`)

      // The booted state equals a fresh materialization of the eventlog.
      const eventlog = await openBytes(await store._dev.exportEventlogDb())
      const fresh = sqlite.openInMemory()
      initializeStateDb(fresh, v1.schema)
      replayEventlog({ schema: v1.schema, eventlogDb: eventlog, stateDb: fresh, onUnknownEvent: () => {} })
      expect(dumpTables(await openBytes(store._dev.exportDb())), context).toEqual(dumpTables(fresh))
      expect(readEvents(eventlog).map((e) => e.seqNum.global), context).toEqual(readEvents(eventlog).map((_, i) => i + 1))
      await store.shutdown()

      for (const file of ['eventlog.db', `state-${v1.schema.stateHash}-f1.db`]) {
        const db = sqlite.openFile!(path.join(base, 'todos', file), { create: false })
        try {
          expect(db.select('PRAGMA integrity_check'), `${file}, ${context}`).toEqual([{ integrity_check: 'ok' }])
        } finally {
          db.close()
        }
      }
    }
    expect(acknowledged).toBeGreaterThan(cycles)
  }, 240_000)
})
