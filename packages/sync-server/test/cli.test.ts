// The `cairn-sync-server` command as a real child process (the built package, as `npx` would run it).
import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ensureBundlesBuilt, repoRoot } from '../../../test/build/helpers.js'
import { cleanupTempDirs, makeEvents, RawClient, readAll, tempDir } from './helpers.js'
import { findPostgresBin, startPostgres, type PostgresServer } from '../../../test/support/postgres.mjs'

const bin = join(repoRoot, 'packages', 'sync-server', 'bin', 'cairn-sync-server.mjs')

interface Running {
  readonly child: ChildProcess
  readonly url: string
  readonly port: number
  output(): string
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

const children: ChildProcess[] = []

/** Starts the command; resolves once it printed its URL (or rejects with what it printed when it exited first). */
const start = (args: string[]): Promise<Running> => {
  const child = spawn(process.execPath, [bin, ...args], { cwd: tempDir(), stdio: ['ignore', 'pipe', 'pipe'] })
  children.push(child)
  let out = ''
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()))
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })))
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL printed within 20 s:\n${out}`)), 20_000)
    const check = () => {
      const match = /listening on (ws:\/\/127\.0\.0\.1:(\d+)\/sync)/.exec(out)
      if (match === null) return
      clearTimeout(timer)
      resolve({ child, url: match[1]!, port: Number(match[2]), output: () => out, exited })
    }
    child.stdout!.on('data', check)
    void exited.then(() => {
      clearTimeout(timer)
      reject(Object.assign(new Error(`exited before listening:\n${out}`), { output: out, exited }))
    })
  })
}

/** Runs the command to its end. */
const run = (args: string[]): Promise<{ code: number | null; output: string }> =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: tempDir(), stdio: ['ignore', 'pipe', 'pipe'] })
    children.push(child)
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.on('exit', (code) => resolve({ code, output }))
  })

beforeAll(() => ensureBundlesBuilt(), 120_000)
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
})
afterAll(cleanupTempDirs)

describe('cairn-sync-server', () => {
  it('serves /health and the protocol; SIGTERM closes connections with 1001 and exits 0; a restart on the same --db keeps the events', async () => {
    const db = join(tempDir(), 'events.db')
    const server = await start(['--port', '0', '--db', db])
    expect(server.output()).toContain(`(storage: sqlite ${db})`)
    const health = await fetch(`http://127.0.0.1:${server.port}/health`)
    expect([health.status, await health.json()]).toEqual([200, { ok: true, version: 1 }])
    const client = await RawClient.welcomed(server.url, { storeId: 'todos' })
    client.send({ v: 1, type: 'push', requestId: 'p', events: makeEvents(1, 3) })
    expect(await client.nextOf('pushAck')).toMatchObject({ head: 3 })
    server.child.kill('SIGTERM')
    expect(await client.closed).toEqual({ code: 1001, reason: 'server shutting down' })
    expect(await server.exited).toEqual({ code: 0, signal: null })
    expect(server.output()).toContain('SIGTERM, shutting down')

    const again = await start(['--port', String(server.port), '--db', db])
    expect(again.port).toBe(server.port)
    expect(await readAll(again.url, 'todos')).toEqual(makeEvents(1, 3))
    again.child.kill('SIGINT')
    expect(await again.exited).toEqual({ code: 0, signal: null })
  })

  it('defaults to ./cairn-sync.db and 127.0.0.1', async () => {
    const server = await start(['--port', '0'])
    expect(server.output()).toContain('(storage: sqlite ./cairn-sync.db)')
    server.child.kill('SIGTERM')
    expect((await server.exited).code).toBe(0)
  })

  it('bad arguments: exit 2 with the reason and the usage', async () => {
    for (const [args, reason] of [
      [['--port', 'eighty'], '--port must be an integer'],
      [['--port', '70000'], '--port must be an integer'],
      [['--frobnicate'], "Unknown option '--frobnicate'"],
      [['--db', 'a.db', '--postgres', 'postgres://x/y'], 'either --db or --postgres'],
      [['--postgres', 'mysql://x/y'], '--postgres must be a URL'],
      [['extra'], 'Unexpected argument'],
    ] as const) {
      const { code, output } = await run([...args])
      expect(code, args.join(' ')).toBe(2)
      expect(output).toContain(reason)
      expect(output).toContain('Usage: cairn-sync-server')
    }
    const help = await run(['--help'])
    expect(help.code).toBe(0)
    expect(help.output).toContain('--postgres <url>')
  })

  it('cannot start: a --db file in use by another server, a port in use → exit 1 with the reason', async () => {
    const db = join(tempDir(), 'events.db')
    const first = await start(['--port', '0', '--db', db])
    const locked = await run(['--port', '0', '--db', db])
    expect(locked.code).toBe(1)
    expect(locked.output).toContain('in use by another process')
    const portTaken = await run(['--port', String(first.port), '--db', join(tempDir(), 'other.db')])
    expect(portTaken.code).toBe(1)
    expect(portTaken.output).toContain('EADDRINUSE')
    first.child.kill('SIGTERM')
    expect((await first.exited).code).toBe(0)
  })
})

const pgBin = findPostgresBin()
describe.skipIf(pgBin === undefined)('cairn-sync-server --postgres', () => {
  let pg: PostgresServer
  beforeAll(async () => {
    pg = await startPostgres(pgBin!)
  }, 120_000)
  afterAll(() => pg?.stop())

  it('two processes on one database: a push through one reaches a live client of the other; SIGTERM exits 0', async () => {
    const url = pg.createDatabase('cli')
    const one = await start(['--port', '0', '--postgres', url])
    const two = await start(['--port', '0', '--postgres', url])
    expect(one.output()).toContain('(storage: postgres postgres://postgres@127.0.0.1:')
    const reader = await RawClient.welcomed(two.url, { storeId: 's', clientId: 'r', installId: 'ir' })
    reader.send({ v: 1, type: 'pull', requestId: 'live', cursor: 0, live: true })
    await reader.nextOf('events')
    const writer = await RawClient.welcomed(one.url, { storeId: 's', clientId: 'w', installId: 'iw' })
    writer.send({ v: 1, type: 'push', requestId: 'p', events: makeEvents(1, 2, 'w') })
    expect((await reader.nextOf('events')).events).toEqual(makeEvents(1, 2, 'w'))
    for (const server of [one, two]) server.child.kill('SIGTERM')
    expect((await one.exited).code).toBe(0)
    expect((await two.exited).code).toBe(0)
  })
})
