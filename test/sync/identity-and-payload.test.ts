import path from 'node:path'
import { loadSqlite } from '@cairn/sqlite'
import { describe, expect, it } from 'vitest'
import { events } from './fixtures/app.mjs'
import { eventlogOf, itemsOf, openClient, startServer, tempDirectory, waitFor, waitForConvergence } from './support.js'

/** Gives the store in `directory` the client id `clientId` (as if two installations had drawn the same). */
const forceClientId = async (directory: string, clientId: string): Promise<void> => {
  const sqlite = await loadSqlite()
  const db = sqlite.openFile(path.join(directory, 'shared', 'eventlog.db'))
  db.execute("UPDATE eventlog_meta SET value = ? WHERE key = 'clientId'", [clientId])
  db.execute('UPDATE eventlog SET clientId = ?', [clientId])
  db.close()
}

describe('client identity and sync payload', () => {
  it('a client whose id another installation took syncs under a new id, with its events', async () => {
    const server = await startServer()
    const offline = 'ws://127.0.0.1:9/sync'
    const [dirA, dirB] = [tempDirectory(), tempDirectory()]
    for (const [directory, text] of [[dirA, 'from A'], [dirB, 'from B']] as const) {
      const store = await openClient(offline, { baseDirectory: directory })
      store.commit(events.itemAdded({ id: text, text }))
      await store.shutdown()
      await forceClientId(directory, 'same01')
    }

    const warnings: string[] = []
    const originalWarn = console.warn
    console.warn = (message: string) => warnings.push(message)
    try {
      const a = await openClient(server.url, { baseDirectory: dirA })
      await a.awaitConfirmation()
      const b = await openClient(server.url, { baseDirectory: dirB })
      expect(b.clientId).toBe('same01')
      b.commit(events.itemAdded({ id: 'later', text: 'committed after boot' }))
      await waitForConvergence([a, b], 3)
      const log = await eventlogOf(a)
      expect(await eventlogOf(b)).toEqual(log)
      const clientIds = log.map((line) => line.slice(line.lastIndexOf(':') + 1))
      expect(clientIds[0]).toBe('same01')
      expect(clientIds[1]).not.toBe('same01')
      expect(clientIds[2]).toBe(clientIds[1])
      // The session hears of the new id: store.clientId and its next events carry it.
      expect(b.clientId).toBe(clientIds[1])
      b.commit(events.itemAdded({ id: 'after', text: 'committed under the new id' }))
      await waitForConvergence([a, b], 4)
      expect((await eventlogOf(b)).at(-1)?.endsWith(`:${clientIds[1]}`)).toBe(true)
      expect(itemsOf(b)).toEqual(itemsOf(a))
    } finally {
      console.warn = originalWarn
    }
    expect(warnings.some((message) => /client id same01 is taken/.test(message))).toBe(true)
  })

  it('a refused syncPayload fails sync; updateSyncPayload reconnects with a new one without restarting the store', async () => {
    const server = await startServer({ validatePayload: (payload) => (payload as { token?: string })?.token === 'fresh' })
    const writer = await openClient(server.url, { syncPayload: { token: 'fresh' } })
    writer.commit(events.itemAdded({ id: 'a', text: 'A' }))
    await writer.awaitConfirmation()

    const originalError = console.error
    console.error = () => {}
    try {
      const reader = await openClient(server.url, { syncPayload: { token: 'expired' } })
      await waitFor(() => reader.syncStatus().connection === 'failed', () => 'the expired token to be refused')
      expect(reader.syncStatus().error).toMatch(/unauthorized/)
      reader.commit(events.itemAdded({ id: 'b', text: 'B' }))
      await reader.updateSyncPayload({ token: 'fresh' })
      await waitForConvergence([writer, reader], 2)
      expect(itemsOf(reader)).toEqual(itemsOf(writer))
    } finally {
      console.error = originalError
    }
  })
})
