import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createSyncServer, openSqliteStorage, type SyncServer } from '@cairn/sync-server'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { buildApp, call, hasChromium, launch, openApp, serve, type TestBrowser } from './fixtures/browser.mjs'

if (!hasChromium) console.warn('[web-sync.test] /usr/bin/chromium not found (apt-get install chromium): browser sync tests skipped.')

describe.skipIf(!hasChromium)('web adapter syncing with a cairn-sync-server', () => {
  let directory: string
  let sync: SyncServer
  let web: { url: string; close: () => Promise<void> }
  const browsers: TestBrowser[] = []

  const startSync = async (port = 0): Promise<SyncServer> =>
    createSyncServer({ port, storage: await openSqliteStorage({ file: path.join(directory, 'sync.db') }) })

  beforeAll(async () => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-web-sync-'))
    sync = await startSync()
    web = await serve(await buildApp(), { '/test-config.json': { syncUrl: sync.url } })
    // Two browsers with their own profiles: two clients of the store.
    browsers.push(await launch(), await launch())
  }, 120_000)

  afterAll(async () => {
    await Promise.all(browsers.map((browser) => browser.close()))
    await web?.close()
    await sync?.close()
    fs.rmSync(directory, { recursive: true, force: true })
  })

  test('two browsers converge, also after both committed while the server was down', async () => {
    const url = `${web.url}?store=synced&worker=sync`
    const first = await openApp(browsers[0]!.context, url)
    const second = await openApp(browsers[1]!.context, url)
    await call(first, 'commit', 3, 'one')
    await call(second, 'waitForCount', 3)
    await call(second, 'commit', 2, 'two')
    await call(first, 'waitForCount', 5)

    const port = sync.port
    await sync.close()
    await call(first, 'commit', 2, 'offline-one')
    await call(second, 'commit', 2, 'offline-two')
    sync = await startSync(port)
    await Promise.all([call(first, 'waitForCount', 9, 20_000), call(second, 'waitForCount', 9, 20_000)])
    expect(await call(first, 'texts')).toEqual(await call(second, 'texts'))
    // A rebased tab writes its events again: both clients persist the same 9 todos.
    await Promise.all([call(first, 'flush'), call(second, 'flush')])
    await first.reload()
    expect(await first.evaluate(() => (window as unknown as { app: { ready: Promise<number> } }).app.ready)).toBeGreaterThan(0)
    expect(await call(first, 'count')).toBe(9)
    expect([...first.errors, ...second.errors]).toEqual([])
  }, 60_000)

  test('a browser that goes offline keeps committing and catches up when back online', async () => {
    const url = `${web.url}?store=offline&worker=sync`
    const first = await openApp(browsers[0]!.context, url)
    const second = await openApp(browsers[1]!.context, url)
    await call(first, 'commit', 1, 'online')
    await call(second, 'waitForCount', 1)
    await browsers[0]!.context.setOffline(true)
    await call(first, 'commit', 3, 'offline')
    await call(second, 'commit', 2, 'meanwhile')
    // Offline for real: the second browser does not get the first one's events.
    await expect(call(second, 'waitForCount', 6, 1500)).rejects.toThrow(/timed out/)
    await browsers[0]!.context.setOffline(false)
    await Promise.all([call(first, 'waitForCount', 6, 20_000), call(second, 'waitForCount', 6, 20_000)])
    expect(await call(first, 'texts')).toEqual(await call(second, 'texts'))
    // A new sync payload (e.g. a refreshed token) reconnects the leader; sync goes on.
    await call(first, 'updateSyncPayload', { token: 'refreshed' })
    await call(first, 'commit', 1, 'after-payload')
    await call(second, 'waitForCount', 7)
    await Promise.all([first.close(), second.close()])
  }, 60_000)
})
