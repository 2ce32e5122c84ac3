/**
 * `@cairn/adapter-web/shared-worker`: the shared worker of `makePersistedAdapter`, one for all tabs
 * of the app. Import it with Vite as
 * `import LiveStoreSharedWorker from '@cairn/adapter-web/shared-worker?sharedworker'` and pass it as
 * `sharedWorker`; loading the module starts it.
 *
 * It connects every tab's session to the current leader worker of its store: for each session and
 * leader it makes a MessageChannel and hands one end to each, so sessions and the leader then talk
 * directly. When another tab's worker becomes leader (the leader tab closed or reloaded), every
 * session gets a channel to the new leader.
 */
import { LeaderProtocolError } from './errors.js'
import { parse, PROTOCOL_VERSION, type FromShared, type ToSessions, type ToShared } from './protocol.js'

interface SharedWorkerScope {
  onconnect: ((event: MessageEvent) => void) | null
}

interface StoreRoute {
  /** The `sessions` port of the store's current leader worker. */
  leader: MessagePort | undefined
  /** Tab ports by session connection. */
  readonly sessions: Map<string, MessagePort>
}

const v = PROTOCOL_VERSION
const routes = new Map<string, StoreRoute>()

const routeOf = (key: string): StoreRoute => {
  let route = routes.get(key)
  if (route === undefined) {
    route = { leader: undefined, sessions: new Map() }
    routes.set(key, route)
  }
  return route
}

/** Gives the session of `tab` a channel of its own to the leader. */
const link = (key: string, leader: MessagePort, tab: MessagePort): void => {
  const channel = new MessageChannel()
  leader.postMessage({ v, type: 'session', port: channel.port1 } satisfies ToSessions, [channel.port1])
  tab.postMessage({ v, type: 'connect', key, port: channel.port2 } satisfies FromShared, [channel.port2])
}

const receive = (tab: MessagePort, data: unknown): void => {
  const message = parse<ToShared>('shared', data)
  if (message instanceof LeaderProtocolError) {
    console.error('[cairn] the shared worker ignored a message:', message)
    return
  }
  const route = routeOf(message.key)
  switch (message.type) {
    case 'leader':
      route.leader = message.port
      for (const session of route.sessions.values()) link(message.key, message.port, session)
      return
    case 'session':
      route.sessions.set(message.connection, tab)
      if (route.leader !== undefined) link(message.key, route.leader, tab)
      return
    case 'bye':
      route.sessions.delete(message.connection)
      return
  }
}

const scope = globalThis as unknown as SharedWorkerScope
scope.onconnect = (event) => {
  const tab = event.ports[0]
  if (tab === undefined) return
  tab.onmessage = (message) => receive(tab, message.data)
  tab.start()
}
