// Shared helpers of the sync server tests: temp directories, servers on free ports with a SQLite file
// in a temp dir, and a raw protocol client (plain `ws`) that records what the server sends.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ServerMessage, SyncEvent } from '@cairn/store/sync'
import { afterAll, afterEach } from 'vitest'
import WebSocket from 'ws'
import { createSyncServer, openSqliteStorage, type SyncServer, type SyncServerOptions } from '../src/index.js'

const dirs: string[] = []

/** A fresh temp directory, removed by `cleanupTempDirs`. */
export const tempDir = (prefix = 'cairn-sync-'): string => {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  dirs.push(dir)
  return dir
}

export const cleanupTempDirs = (): void => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
}

/** A server on a free port of 127.0.0.1 with its SQLite file `db` (a new temp file by default). */
export async function startServer(
  options: Omit<SyncServerOptions, 'storage'> & { db?: string } = {},
): Promise<SyncServer & { db: string }> {
  const db = options.db ?? join(tempDir(), 'sync.db')
  const errors: unknown[] = []
  const server = await createSyncServer({
    onError: (error) => errors.push(error),
    ...options,
    storage: await openSqliteStorage({ file: db }),
  })
  return Object.assign(server, { db })
}

export interface Closed {
  readonly code: number
  readonly reason: string
}

/** A protocol client that speaks raw frames: tests send anything and read what came back. */
export class RawClient {
  readonly messages: ServerMessage[] = []
  readonly closed: Promise<Closed>
  private readonly waiters = new Set<() => void>()
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.messages.push(JSON.parse(data.toString()) as ServerMessage)
      for (const wake of this.waiters) wake()
    })
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })))
    ws.on('error', () => {})
  }

  static async open(url: string): Promise<RawClient> {
    const ws = new WebSocket(url)
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve())
      ws.once('error', reject)
    })
    return new RawClient(ws)
  }

  /** Opens a connection and says hello; resolves with the welcome (or throws with what came instead). */
  static async welcomed(url: string, hello: { storeId: string; clientId?: string; installId?: string; payload?: unknown }): Promise<RawClient> {
    const client = await RawClient.open(url)
    client.send({ v: 1, type: 'hello', clientId: 'client1', installId: 'install1', ...hello })
    const answer = await client.next()
    if (answer.type !== 'welcome') throw new Error(`expected welcome, got ${JSON.stringify(answer)}`)
    return client
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message))
  }

  private read = 0

  /** The next message not read yet (waits up to `timeoutMs`). */
  async next(timeoutMs = 5000): Promise<ServerMessage> {
    const deadline = Date.now() + timeoutMs
    while (this.messages.length <= this.read) {
      if (Date.now() > deadline) {
        throw new Error(`no message within ${timeoutMs} ms (${this.messages.length} received, the last ones: ${JSON.stringify(this.messages.slice(-3))})`)
      }
      await this.wait(deadline - Date.now())
    }
    return this.messages[this.read++]!
  }

  /** Reads messages until one matches. */
  async nextOf<T extends ServerMessage['type']>(type: T, timeoutMs = 5000): Promise<Extract<ServerMessage, { type: T }>> {
    for (;;) {
      const message = await this.next(timeoutMs)
      if (message.type === type) return message as Extract<ServerMessage, { type: T }>
    }
  }

  /** Waits `ms` and returns the messages that arrived meanwhile and were not read. */
  async drain(ms = 100): Promise<ServerMessage[]> {
    await new Promise((resolve) => setTimeout(resolve, ms))
    const rest = this.messages.slice(this.read)
    this.read = this.messages.length
    return rest
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer)
        this.waiters.delete(wake)
        resolve()
      }
      const timer = setTimeout(wake, Math.max(0, ms))
      this.waiters.add(wake)
    })
  }

  close(): void {
    this.ws.close()
  }
}

/** Events `from`…`to` (inclusive) of one client, numbered consecutively. */
export const makeEvents = (from: number, to: number, clientId = 'client1', name = 'v1.TodoCreated'): SyncEvent[] => {
  const events: SyncEvent[] = []
  for (let seqNum = from; seqNum <= to; seqNum++) {
    events.push({ name, args: { id: `${clientId}-${seqNum}` }, seqNum, parentSeqNum: seqNum - 1, clientId, sessionId: 's1', timestamp: 1_700_000_000_000 + seqNum })
  }
  return events
}

/** Reads every event of a store through a fresh connection (a non-live pull from 0). */
export async function readAll(url: string, storeId: string): Promise<SyncEvent[]> {
  const client = await RawClient.welcomed(url, { storeId, clientId: 'reader', installId: 'reader-install' })
  client.send({ v: 1, type: 'pull', requestId: 'all', cursor: 0, live: false })
  const events: SyncEvent[] = []
  for (;;) {
    const batch = await client.nextOf('events')
    events.push(...batch.events)
    if (batch.caughtUp) break
  }
  client.close()
  return events
}

/**
 * For a test file: `server` starts a server and `welcomed` opens a welcomed raw client; they, and
 * clients the test pushes to `clients`, are closed after each test, temporary directories after the file.
 */
export const trackServersAndClients = () => {
  const servers: Array<{ close(): Promise<void> }> = []
  const clients: RawClient[] = []
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close()
    await Promise.all(servers.splice(0).map((server) => server.close()))
  })
  afterAll(cleanupTempDirs)
  const server = async (options: Parameters<typeof startServer>[0] = {}) => {
    const started = await startServer(options)
    servers.push(started)
    return started
  }
  const welcomed = async (url: string, hello: Parameters<typeof RawClient.welcomed>[1]) => {
    const client = await RawClient.welcomed(url, hello)
    clients.push(client)
    return client
  }
  return { server, welcomed, clients }
}
