/**
 * `createSyncServer`: the WebSocket sync backend of docs/protocol.md (version 1).
 *
 * One connection carries one store. Each store the server has clients for is a `StoreState`: its
 * `backendId`, the head this process knows, its live pulls and a queue that runs its pushes one at a
 * time (storage serializes appends across processes as well). A pull is served by a pump that reads
 * storage from the pull's cursor until it reaches the head, then goes live: accepted pushes are sent
 * to it directly, in order, without gaps (a live pull that falls behind is pumped again).
 *
 * The parts: options.ts (options, validation), server-core.ts (stores, pulls, push queues),
 * connection.ts (one client connection), frames.ts (the frames sent).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { CLOSE_CODES, HEALTH_PATH, KEEPALIVE_DEFAULTS, PROTOCOL_VERSION, SYNC_PATH } from '@cairn/store/sync'
import { WebSocketServer } from 'ws'
import { openSqliteStorage } from './sqlite-storage.js'
import { checkOptions, resolveLimits, type SyncServer, type SyncServerOptions } from './options.js'
import { ServerCore } from './server-core.js'
import { Connection } from './connection.js'

export type { PayloadContext, PullInfo, PushInfo, SyncServer, SyncServerOptions } from './options.js'

/**
 * Starts a sync server: `ws://host:port/sync` speaks docs/protocol.md, `GET /health` answers
 * `{"ok":true,"version":1}`, other requests go to `onRequest` (404 without it). Resolves once it listens.
 *
 * @throws InvalidSyncServerOptionsError for unusable options; the listen error (e.g. `EADDRINUSE`)
 *   when the port is taken (the storage is closed then).
 */
export async function createSyncServer(options: SyncServerOptions = {}): Promise<SyncServer> {
  checkOptions(options)
  const limits = resolveLimits(options.limits)
  const host = options.host ?? '127.0.0.1'
  const idleTimeoutMs = options.idleTimeoutMs ?? KEEPALIVE_DEFAULTS.idleTimeoutMs
  const storage = options.storage ?? (await openSqliteStorage({ file: './cairn-sync.db' }))
  const reportError =
    options.onError ??
    ((error: unknown) => {
      console.error('[cairn-sync-server]', error)
    })
  const core = new ServerCore(storage, limits, options, reportError)
  const stopNotices = storage.onAppend?.((notice) => core.onNotice(notice))
  const stopResync = storage.onResync?.(() => core.onResync())

  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxMessageBytes * 2, perMessageDeflate: false, clientTracking: false })

  const httpServer = createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname
    if (path === HEALTH_PATH && (request.method === 'GET' || request.method === 'HEAD')) {
      const ok = !core.closing
      response.writeHead(ok ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' })
      response.end(request.method === 'HEAD' ? undefined : JSON.stringify({ ok, version: PROTOCOL_VERSION }))
      return
    }
    const { onRequest } = options
    if (onRequest !== undefined) {
      // A handler that throws (or rejects) must not leave the request hanging.
      Promise.resolve()
        .then(() => onRequest(request, response))
        .catch((error: unknown) => {
          reportError(error)
          if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' })
          response.end()
        })
      return
    }
    response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' })
    response.end(`Not found. The sync endpoint is ws://<host>:<port>${SYNC_PATH}, the health check GET ${HEALTH_PATH}.\n`)
  })

  httpServer.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname
    if (core.closing || path !== SYNC_PATH) {
      const status = core.closing ? '503 Service Unavailable' : '404 Not Found'
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
      return
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      if (core.closing) ws.close(CLOSE_CODES.goingAway, 'server shutting down')
      else core.connections.add(new Connection(core, ws, request.headers))
    })
  })

  const sweeper = setInterval(
    () => {
      const now = performance.now()
      for (const connection of core.connections) {
        if (now - connection.lastActivity > idleTimeoutMs) connection.close(CLOSE_CODES.idle, 'idle timeout')
      }
    },
    Math.max(50, Math.min(5000, Math.floor(idleTimeoutMs / 4))),
  )
  sweeper.unref()

  try {
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject)
      httpServer.listen(options.port ?? 0, host, () => {
        httpServer.off('error', reject)
        resolve()
      })
    })
  } catch (error) {
    clearInterval(sweeper)
    stopNotices?.()
    stopResync?.()
    await storage.close().catch(() => {})
    throw error
  }
  httpServer.on('error', reportError)

  const port = (httpServer.address() as AddressInfo).port
  let closed: Promise<void> | undefined

  return {
    port,
    host,
    url: `ws://${host.includes(':') ? `[${host}]` : host}:${port}${SYNC_PATH}`,
    limits,
    close() {
      closed ??= (async () => {
        core.closing = true
        clearInterval(sweeper)
        stopNotices?.()
        stopResync?.()
        const stopped = new Promise<void>((resolve) => httpServer.close(() => resolve()))
        await Promise.all(
          [...core.connections].map(
            (connection) =>
              new Promise<void>((resolve) => {
                const timer = setTimeout(() => {
                  connection.ws.terminate()
                  resolve()
                }, 2000)
                connection.ws.once('close', () => {
                  clearTimeout(timer)
                  resolve()
                })
                connection.close(CLOSE_CODES.goingAway, 'server shutting down')
              }),
          ),
        )
        httpServer.closeAllConnections()
        await stopped
        await Promise.all([...core.openedStores.values()].map((store) => store.queue))
        await storage.close()
      })()
      return closed
    },
  }
}
