// A session resuming with a new leader (its leader tab went away): caught up from its head, or
// rewound to its confirmed head when the eventlog no longer holds that head as the session knew it
// (the previous leader rebased, and its tab went away before the session heard of it). On a real
// leader and eventlog in Node, syncing with a real cairn-sync-server over WebSocket.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { loadSqlite } from '@cairn/sqlite'
import { consoleLeaderLog, initializeEventlogDb, initializeStateDb, makeLeader, ROOT_SEQ_NUM, type EncodedEvent, type LeaderMessage, type SyncOptions } from '@cairn/store/adapter'
import { createSyncServer, openSqliteStorage, type SyncServer } from '@cairn/sync-server'
import { makeWsSync } from '@cairn/sync-ws'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { PROTOCOL_VERSION, type FromLeader, type Resume } from '../src/protocol.js'
import { LeaderHost } from '../src/worker/leader-host.js'
import { schema } from './app/schema.js'

const v = PROTOCOL_VERSION
let directory: string
let server: SyncServer

beforeAll(async () => {
  directory = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-resume-'))
  server = await createSyncServer({ port: 0, storage: await openSqliteStorage({ file: path.join(directory, 'sync.db') }) })
})

afterAll(async () => {
  await server?.close()
  fs.rmSync(directory, { recursive: true, force: true })
})

/** A leader holding e1 and e2 of session 'A', serving sessions through a LeaderHost. */
const openHost = async (storeId: string, sync: SyncOptions | undefined) => {
  const sqlite = await loadSqlite()
  const [eventlogDb, stateDb] = [sqlite.openInMemory(), sqlite.openInMemory()]
  initializeEventlogDb(eventlogDb)
  initializeStateDb(stateDb, schema)
  const leader = makeLeader({ schema, storeId, eventlogDb, stateDb, sync, onUnknownEvent: () => {}, log: consoleLeaderLog, deleteStorage: async () => {} })
  const created = (global: number, id: string): EncodedEvent => ({
    name: 'v1.TodoCreated',
    args: { id, text: id, createdAt: 1 },
    seqNum: { global, client: 0, rebaseGeneration: 0 },
    parentSeqNum: { global: global - 1, client: 0, rebaseGeneration: 0 },
    clientId: leader.clientId,
    sessionId: 'A',
    timestamp: 1,
  })
  const events = [created(1, 'a'), created(2, 'b')]
  leader.push(events, 0)
  await leader.flush()
  const host = new LeaderHost({ leader, storageMode: 'in-memory', warning: null, eventlogDb, stateDb, release: () => {} })
  return { host, events }
}

/** Resumes a session with `resume`; resolves with the leader messages it gets right after the answer. */
const resumeWith = async (host: LeaderHost, resume: Resume): Promise<LeaderMessage[]> => {
  const channel = new MessageChannel()
  host.attach(channel.port1)
  const messages: LeaderMessage[] = []
  await new Promise<void>((resolve) => {
    channel.port2.onmessage = (event: MessageEvent<FromLeader>) => {
      if (event.data.type === 'message') messages.push(event.data.message)
      // The catch-up follows the answer at once; a macrotask later it is all there.
      if (event.data.type === 'result') setTimeout(resolve, 50)
    }
    channel.port2.postMessage({ v, type: 'hello', id: 1, sessionId: 'S', resume })
  })
  channel.port2.close()
  return messages
}

const tags = (messages: readonly LeaderMessage[]) => messages.filter((message) => message._tag !== 'sync-status')

describe('a session resuming with a new leader', () => {
  const sync = (): SyncOptions => ({ backend: makeWsSync({ url: server.url }) })

  test('gets the events after its head when the eventlog holds that head as it knew it', async () => {
    const { host, events } = await openHost('resume-holds', sync())
    const messages = await resumeWith(host, { head: events[0]!.seqNum, headSessionId: 'A', confirmed: ROOT_SEQ_NUM })
    expect(tags(messages)).toEqual([{ _tag: 'advance', events: [events[1]] }])
    await host.close()
  })

  test.each([
    ['another session’s event at its head', { global: 2, client: 0, rebaseGeneration: 0 }, 'other'],
    ['its head rebased to another generation', { global: 2, client: 0, rebaseGeneration: 1 }, 'A'],
    ['a head whose session it never learned', { global: 2, client: 0, rebaseGeneration: 0 }, null],
  ] as const)('is rewound to its confirmed head with every event after it, given %s', async (_, head, headSessionId) => {
    const { host, events } = await openHost(`resume-rewind-${String(headSessionId)}-${head.rebaseGeneration}`, sync())
    const messages = await resumeWith(host, { head, headSessionId, confirmed: ROOT_SEQ_NUM })
    expect(tags(messages)).toEqual([{ _tag: 'rewind', to: ROOT_SEQ_NUM, events }])
    // Before the status: a newer confirmed head would let the session drop what it must undo.
    expect(messages[0]!._tag).toBe('rewind')
    await host.close()
  })

  test('without sync nothing is ever rebased: a head of unknown session is caught up, not rewound', async () => {
    const { host, events } = await openHost('resume-no-sync', undefined)
    const messages = await resumeWith(host, { head: events[0]!.seqNum, headSessionId: null, confirmed: ROOT_SEQ_NUM })
    expect(tags(messages)).toEqual([{ _tag: 'advance', events: [events[1]] }])
    await host.close()
  })
})
