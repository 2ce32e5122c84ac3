// Randomized convergence: three clients (in memory, on files in this process, and on files in a
// process of its own) commit at random while the server process is restarted (SIGTERM or SIGKILL),
// the client process is killed with SIGKILL and restarted, and the in-process file client restarts.
// Every seed must end with the same eventlog and state on every client, holding every committed
// event exactly once. CAIRN_SYNC_SEEDS (default 30) and CAIRN_SYNC_FIRST_SEED (default 1) choose the seeds;
// a failing seed is in the test's name: rerun it with CAIRN_SYNC_FIRST_SEED=<seed> CAIRN_SYNC_SEEDS=1.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Store } from '@cairn/store'
import { describe, expect, it } from 'vitest'
import { events } from './fixtures/app.mjs'
import { ProcessGroup, startClientProcess, startServerProcess, type ClientDump, type ClientProcess, type ServerProcess } from './processes.js'
import { eventlogOf, itemsOf, openClient, restartablePort, waitFor } from './support.js'

const SEEDS = Number(process.env.CAIRN_SYNC_SEEDS ?? 30)
const FIRST_SEED = Number(process.env.CAIRN_SYNC_FIRST_SEED ?? 1)
const OPERATIONS = 24

/** A small deterministic PRNG (mulberry32): the same seed gives the same run of choices. */
const prng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const nameAndArgs = (line: string): string => line.split(':').slice(1, -1).join(':')

describe('randomized sync', { concurrent: true }, () => {
  const seeds = Array.from({ length: SEEDS }, (_, i) => FIRST_SEED + i)
  it.each(seeds)('seed %i: every client converges on every committed event, exactly once', async (seed) => {
    // Resources of this seed only: seeds run concurrently, so nothing is cleaned up per file.
    const processes = new ProcessGroup()
    const stores = new Set<Store<any>>()
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), `cairn-sync-seed-${seed}-`))
    try {
      await runSeed(seed, directory, processes, stores)
    } finally {
      await Promise.all([...stores].map((store) => store.shutdown().catch(() => {})))
      await processes.killAll()
      fs.rmSync(directory, { recursive: true, force: true })
    }
  }, 120_000)
})

const runSeed = async (seed: number, directory: string, processes: ProcessGroup, stores: Set<Store<any>>): Promise<void> => {
  const random = prng(seed)
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!
  const serverDb = path.join(directory, 'server.db')
  let server: ServerProcess = await startServerProcess(processes, serverDb, restartablePort(seed))
  const { url, port } = server
  const fsDirectory = path.join(directory, 'fs')
  const childDirectory = path.join(directory, 'child')
  const memory = await openClient(url, { owner: stores })
  let onFiles: Store<any> = await openClient(url, { baseDirectory: fsDirectory, owner: stores })
  let child: ClientProcess = await startClientProcess(processes, url, childDirectory, 'shared')
  const committed: string[] = []
  const ids: string[] = []

  for (let n = 0; n < OPERATIONS; n++) {
    const roll = random()
    if (roll < 0.72) {
      const kind = ids.length === 0 ? 'add' : pick(['add', 'add', 'rename', 'delete'] as const)
      const event =
        kind === 'add'
          ? events.itemAdded({ id: `i${n}`, text: `t${n}` })
          : kind === 'rename'
            ? events.itemRenamed({ id: pick(ids), text: `t${n}` })
            : events.itemDeleted({ id: pick(ids) })
      if (kind === 'add') ids.push(`i${n}`)
      committed.push(`${event.name}:${JSON.stringify(event.args)}`)
      const target = pick(['memory', 'files', 'process'] as const)
      if (target === 'memory') memory.commit(event)
      else if (target === 'files') onFiles.commit(event)
      else expect(await child.request({ op: 'commit', name: event.name, args: event.args })).toMatchObject({ ok: true })
    } else if (roll < 0.8) {
      await server.stop(random() < 0.5 ? 'SIGTERM' : 'SIGKILL')
      await pause(random() * 50)
      server = await startServerProcess(processes, serverDb, port)
    } else if (roll < 0.86) {
      await child.kill()
      child = await startClientProcess(processes, url, childDirectory, 'shared')
    } else if (roll < 0.92) {
      await onFiles.shutdown()
      onFiles = await openClient(url, { baseDirectory: fsDirectory, owner: stores })
    }
    if (random() < 0.5) await pause(random() * 20)
  }

  const total = committed.length
  let childStatus: { localHead?: number; isSynced?: boolean } = {}
  await waitFor(
    async () => {
      childStatus = ((await child.request({ op: 'status' })).status ?? {}) as typeof childStatus
      return [memory, onFiles].every((store) => store.syncStatus().localHead === total && store.syncStatus().isSynced) &&
        childStatus.localHead === total &&
        childStatus.isSynced === true
    },
    () =>
      `seed ${seed}: all clients at e${total}, synced; got ${JSON.stringify([memory.syncStatus(), onFiles.syncStatus(), childStatus])}`,
    30_000,
  )
  const childDump = (await child.request({ op: 'dump' })) as unknown as ClientDump
  const logs = [await eventlogOf(memory), await eventlogOf(onFiles), childDump.log]
  expect(logs[1], `seed ${seed}`).toEqual(logs[0])
  expect(logs[2], `seed ${seed}`).toEqual(logs[0])
  expect(logs[0]!.map(nameAndArgs).sort(), `seed ${seed}: the log holds each committed event once`).toEqual([...committed].sort())
  const states = [itemsOf(memory), itemsOf(onFiles), childDump.items]
  expect(states[1], `seed ${seed}`).toEqual(states[0])
  expect(states[2], `seed ${seed}`).toEqual(states[0])
}
