// Helpers of the sync-ws tests: a minimal client that commits, pushes and rebases like a sync processor
// would (on top of makeWsSync), status recording, and fake servers that misbehave on purpose.
import type { ClientMessage, SyncConnection, SyncConnectionStatus, SyncEvent } from '@cairn/store/sync'
import { WebSocketServer, type WebSocket } from 'ws'

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Polls `check` until it returns true (or throws with `what` after `timeoutMs`). */
export async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(10)
  }
}

/** Records a connection's statuses. */
export const recordStatuses = (connection: SyncConnection): SyncConnectionStatus[] => {
  const statuses: SyncConnectionStatus[] = []
  connection.onStatus((status) => statuses.push(status))
  return statuses
}

/**
 * A client on top of a `SyncConnection`: `commit` adds pending events; `sync` pushes them on the head
 * it has pulled, and after a rejection waits for the pull to deliver the missing events and pushes
 * them again renumbered (a rebase without state). `delivered` is everything the pull delivered.
 */
export class SimClient {
  readonly delivered: SyncEvent[] = []
  private pending: Array<{ name: string; args: unknown }> = []
  private counter = 0
  rejections = 0

  constructor(
    readonly connection: SyncConnection,
    readonly clientId: string,
  ) {
    connection.onEvents((batch) => this.delivered.push(...batch.events))
    connection.pull(0)
  }

  get head(): number {
    return this.delivered.at(-1)?.seqNum ?? 0
  }

  commit(count: number): void {
    for (let i = 0; i < count; i++) this.pending.push({ name: 'v1.Note', args: { by: this.clientId, n: ++this.counter } })
  }

  /** Pushes until every pending event is accepted; retries after connection losses. */
  async sync(): Promise<void> {
    while (this.pending.length > 0) {
      const head = this.head
      const events: SyncEvent[] = this.pending.map((event, i) => ({
        ...event,
        seqNum: head + i + 1,
        parentSeqNum: head + i,
        clientId: this.clientId,
        sessionId: 'session',
        timestamp: Date.now(),
      }))
      let result
      try {
        result = await this.connection.push(events)
      } catch (error) {
        if ((error as { _tag?: string })._tag !== 'SyncConnectionLostError') throw error
        await sleep(20)
        continue
      }
      const target = result.head
      if (result.ok) this.pending = []
      else this.rejections++
      await until(() => this.head >= target, `${this.clientId} to pull up to ${target}`)
    }
  }
}

/** A WebSocket server that hands each connection and its decoded messages to the test. */
export async function startFakeServer(
  onConnection: (ws: WebSocket, received: ClientMessage[]) => void,
): Promise<{ url: string; port: number; connections: number; close(): Promise<void> }> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' })
  await new Promise((resolve) => wss.once('listening', resolve))
  const state = { connections: 0 }
  wss.on('connection', (ws) => {
    state.connections++
    const received: ClientMessage[] = []
    ws.on('message', (data) => received.push(JSON.parse(data.toString()) as ClientMessage))
    ws.on('error', () => {})
    onConnection(ws, received)
  })
  const { port } = wss.address() as { port: number }
  return {
    url: `ws://127.0.0.1:${port}/sync`,
    port,
    get connections() {
      return state.connections
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate()
        wss.close(() => resolve())
      }),
  }
}

/** A welcome frame with default limits. */
export const welcomeFrame = (head = 0, limits: Record<string, number> = {}): string =>
  JSON.stringify({
    v: 1,
    type: 'welcome',
    backendId: 'fake-backend',
    head,
    limits: { maxMessageBytes: 1048576, maxEventsPerPush: 1000, maxEventsPerBatch: 1000, maxMessagesPerSecond: 200, ...limits },
  })

/** Calls `handler` for each message the client sends on this socket. */
export const onClientMessage = (ws: WebSocket, handler: (message: ClientMessage) => void): void => {
  ws.on('message', (data) => handler(JSON.parse(data.toString()) as ClientMessage))
}
