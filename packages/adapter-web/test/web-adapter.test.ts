import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { buildApp, call, hasChromium, launch, openApp, serve, waitReady, warningsOf, type App, type TestBrowser } from './fixtures/browser.mjs'

if (!hasChromium) console.warn('[web-adapter.test] /usr/bin/chromium not found (apt-get install chromium): browser tests skipped.')

let server: { url: string; close: () => Promise<void> }
let browser: TestBrowser

const noSharedWorker = (): void => {
  delete (window as { SharedWorker?: unknown }).SharedWorker
}

describe.skipIf(!hasChromium)('web adapter in Chromium', () => {
  beforeAll(async () => {
    server = await serve(await buildApp())
    browser = await launch()
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  test('persists across a reload; a reloaded tab keeps its session and its per-session client document', async () => {
    const page = await openApp(browser.context, `${server.url}?store=reload`)
    expect(await call(page, 'storageMode')).toBe('persisted')
    const sessionId = await call(page, 'sessionId')
    await call(page, 'commit', 3)
    await call(page, 'setDraft', 'hello')
    await call(page, 'flush')
    await page.reload()
    await waitReady(page)
    expect(await call(page, 'count')).toBe(3)
    expect(await call(page, 'sessionId')).toBe(sessionId)
    expect(await call(page, 'draft')).toBe('hello')
    // Another tab is another session: its document starts from the default.
    const other = await openApp(browser.context, `${server.url}?store=reload`)
    expect(await call(other, 'count')).toBe(3)
    expect(await call(other, 'draft')).toBe('')
    // A tab opened from this one starts with a copy of its sessionStorage, yet is another session.
    const [copy] = await Promise.all([browser.context.waitForEvent('page'), page.evaluate((href) => void window.open(href), page.url())])
    await copy.waitForFunction(() => 'app' in window)
    await waitReady(copy)
    expect(await call(copy, 'sessionId')).not.toBe(sessionId)
    expect(await call(copy, 'draft')).toBe('')
    expect(await call(page, 'sessionId')).toBe(sessionId)
    expect([...page.errors, ...other.errors]).toEqual([])
    await copy.close()
    await other.close()
    await page.close()
  })

  test('a reload right after committing keeps every commit: the next leader writes what the page had not written', async () => {
    const page = await openApp(browser.context, `${server.url}?store=reload-at-once`)
    await call(page, 'commit', 2)
    await call(page, 'flush')
    // The leader worker ends with its page. It is still writing the 2,000 events when the page goes
    // away, and the draft comes after them: without keeping them, a reload loses some or all of it.
    await Promise.all([
      page.waitForEvent('load'),
      page.evaluate(() => {
        const { app } = window as unknown as { app: App }
        void app
          .commit(2000, 'burst')
          .then(() => app.setDraft('typed just before the reload'))
          .then(() => location.reload())
      }),
    ])
    await waitReady(page)
    expect(await call(page, 'count')).toBe(2002)
    expect(await call(page, 'draft')).toBe('typed just before the reload')
    // Written once: another reload finds nothing left to write, and the same data.
    await call(page, 'flush')
    await page.reload()
    await waitReady(page)
    expect(await call(page, 'count')).toBe(2002)
    expect(await page.evaluate(() => Object.keys(localStorage).filter((item) => item.startsWith('cairn-unwritten:')))).toEqual([])
    expect(page.errors).toEqual([])
    await page.close()
  })

  test('a commit in one tab shows in the other, both ways; 1,000 events committed at once all arrive', async () => {
    const url = `${server.url}?store=two-tabs`
    const a = await openApp(browser.context, url)
    const b = await openApp(browser.context, url)
    const latencies: number[] = []
    for (let i = 1; i <= 20; i++) {
      const seen = call(i % 2 === 0 ? a : b, 'waitForCount', i)
      const committed = await call(i % 2 === 0 ? b : a, 'commit', 1)
      latencies.push((await seen) - committed)
    }
    const seen = call(b, 'waitForCount', 1020, 20_000)
    const committed = await call(a, 'commit', 1000, 'burst')
    const burstMs = (await seen) - committed
    latencies.sort((x, y) => x - y)
    console.info(`[web-adapter.test] cross-tab commit → subscriber: median ${latencies[10]!.toFixed(1)} ms, max ${latencies.at(-1)!.toFixed(1)} ms; 1,000 events: ${burstMs.toFixed(0)} ms`)
    expect(await call(b, 'count')).toBe(1020)
    expect(await call(b, 'texts')).toEqual(await call(a, 'texts'))
    // Client-only events reach the other tab too, and per-session documents stay their session's.
    await call(a, 'setDraft', 'from a')
    await call(a, 'commit', 1)
    await call(b, 'waitForCount', 1021)
    expect(await call(b, 'draftOf', await call(a, 'sessionId'))).toBe('from a')
    expect(await call(b, 'draft')).toBe('')
    expect(await call(a, 'draft')).toBe('from a')
    expect([...a.errors, ...b.errors]).toEqual([])
    await a.close()
    await b.close()
  })

  test('two tabs committing at the same time converge on one order (the later one rebases)', async () => {
    const url = `${server.url}?store=concurrent`
    const a = await openApp(browser.context, url)
    const b = await openApp(browser.context, url)
    await Promise.all([call(a, 'commit', 50, 'a'), call(b, 'commit', 50, 'b')])
    await Promise.all([call(a, 'waitForCount', 100), call(b, 'waitForCount', 100)])
    expect(await call(a, 'texts')).toEqual(await call(b, 'texts'))
    await call(a, 'flush')
    await call(b, 'flush')
    const c = await openApp(browser.context, url)
    expect(await call(c, 'count')).toBe(100)
    expect([...a.errors, ...b.errors, ...c.errors]).toEqual([])
    await Promise.all([a.close(), b.close(), c.close()])
  })

  test('a second tab boots from the leader state; closing the leader tab hands the store to the other tab', async () => {
    const url = `${server.url}?store=handover`
    const leader = await openApp(browser.context, url)
    await call(leader, 'commit', 10, 'a')
    await call(leader, 'flush')
    const follower = await openApp(browser.context, url)
    expect(await call(follower, 'count')).toBe(10)
    // Written through the leader tab's worker...
    await call(follower, 'commit', 5, 'b')
    await call(follower, 'flush')
    // ...and a burst still in flight while the leader tab closes: re-sent to the next leader, not lost nor doubled.
    await call(follower, 'commit', 1000, 'c')
    await leader.close()
    await call(follower, 'commit', 5, 'd')
    await call(follower, 'flush')
    const third = await openApp(browser.context, url)
    expect(await call(third, 'count')).toBe(1020)
    expect(new Set(await call(third, 'texts')).size).toBe(1020)
    // The new leader serves both remaining tabs: commits travel between them.
    await call(third, 'commit', 1, 'e')
    await call(follower, 'waitForCount', 1021)
    await call(follower, 'commit', 1, 'f')
    await call(third, 'waitForCount', 1022)
    expect([...leader.errors, ...follower.errors, ...third.errors]).toEqual([])
    await third.close()
    await follower.close()
  })

  test('a new app version with another state schema rebuilds the state from the eventlog at boot', async () => {
    const page = await openApp(browser.context, `${server.url}?store=migrate`)
    await call(page, 'commit', 5)
    await call(page, 'shutdown')
    await page.goto(`${server.url}?store=migrate&schema=v2&worker=v2`)
    await waitReady(page)
    expect(await call(page, 'count')).toBe(5)
    expect(await page.evaluate(() => (window as unknown as { app: App }).app.bootStatuses)).toContain('migrating')
    // The rebuilt state is the one kept: the next boot does not migrate again.
    await page.reload()
    await waitReady(page)
    expect(await call(page, 'count')).toBe(5)
    expect(await page.evaluate(() => (window as unknown as { app: App }).app.bootStatuses)).not.toContain('migrating')
    expect(page.errors).toEqual([])
    await page.close()
  })

  test('without SharedWorker a tab runs its own leader and persists; a second tab falls back to memory with a warning', async () => {
    const url = `${server.url}?store=single-tab`
    const page = await openApp(browser.context, url, { initScript: noSharedWorker })
    expect(await page.evaluate(() => typeof (window as { SharedWorker?: unknown }).SharedWorker)).toBe('undefined')
    expect(await call(page, 'storageMode')).toBe('persisted')
    await call(page, 'commit', 4)
    await call(page, 'flush')
    const second = await openApp(browser.context, url, { initScript: noSharedWorker })
    expect(await call(second, 'storageMode')).toBe('in-memory')
    expect((await warningsOf(second)).join('\n')).toMatch(/another tab holds this store/)
    await second.close()
    await page.reload()
    await waitReady(page)
    expect(await call(page, 'storageMode')).toBe('persisted')
    expect(await call(page, 'count')).toBe(4)
    expect(page.errors).toEqual([])
    await page.close()
  })

  test('without OPFS the store lives in memory, with a warning at boot', async () => {
    const page = await openApp(browser.context, `${server.url}?store=no-opfs&worker=no-opfs`)
    expect(await call(page, 'storageMode')).toBe('in-memory')
    expect((await warningsOf(page)).join('\n')).toMatch(/no OPFS/)
    await call(page, 'commit', 2)
    await call(page, 'flush')
    expect(await call(page, 'count')).toBe(2)
    expect(page.errors).toEqual([])
    await page.close()
  })

  test('resetPersistence starts the store empty', async () => {
    const url = `${server.url}?store=reset`
    const page = await openApp(browser.context, url)
    await call(page, 'commit', 3)
    await call(page, 'shutdown')
    await page.goto(`${url}&reset`)
    await waitReady(page)
    expect(await call(page, 'count')).toBe(0)
    await call(page, 'commit', 1)
    await call(page, 'shutdown')
    await page.goto(url)
    await waitReady(page)
    expect(await call(page, 'count')).toBe(1)
    expect(page.errors).toEqual([])
    await page.close()
  })

  test('a worker built with another schema fails the boot with WorkerSchemaMismatchError', async () => {
    const page = await browser.context.newPage()
    await page.goto(`${server.url}?store=mismatch&worker=mismatch`)
    const error = await page.evaluate(() => (window as unknown as { app: App }).app.bootError)
    expect(error).toMatchObject({ tag: 'StoreBootError', causeTag: 'WorkerSchemaMismatchError' })
    expect(error?.message).toMatch(/events only in the app: .*v1\.TodoCreated.*events only in the worker: v1\.TodoAdded/)
    await page.close()
  })

  test('a worker file that throws while loading fails the boot with LeaderWorkerError', async () => {
    const page = await browser.context.newPage()
    await page.goto(`${server.url}?store=broken&worker=broken`)
    const error = await page.evaluate(() => (window as unknown as { app: App }).app.bootError)
    expect(error).toMatchObject({ tag: 'StoreBootError', causeTag: 'LeaderWorkerError' })
    expect(error?.message).toMatch(/broken on purpose.*must call makeWorker/)
    await page.close()
  })

  test('hardReset in one tab deletes the store and ends it in every tab', async () => {
    const url = `${server.url}?store=hard-reset`
    const a = await openApp(browser.context, url)
    const b = await openApp(browser.context, url)
    await call(a, 'commit', 3)
    await call(b, 'waitForCount', 3)
    await call(b, 'hardReset')
    expect(await call(b, 'isShutdown')).toBe(true)
    await a.waitForFunction(() => (window as unknown as { app: App }).app.isShutdown())
    expect(a.errors.join('\n')).toMatch(/another tab reset the store/)
    await Promise.all([a.close(), b.close()])
    const again = await openApp(browser.context, url)
    expect(await call(again, 'count')).toBe(0)
    expect(await call(again, 'storageMode')).toBe('persisted')
    await again.close()
  })

  test('texts of every length and script come back as committed, in the tab and from the leader after a reload', async () => {
    // Short ASCII texts are copied to and from wasm memory by hand, longer or non-ASCII ones through
    // TextEncoder / TextDecoder: lengths on both sides of the limits, and characters that only the
    // latter handle, in the same texts.
    const ascii = (length: number): string => Array.from({ length }, (_, index) => String.fromCharCode(32 + (index % 95))).join('')
    const texts = [
      '',
      'a',
      ...[23, 24, 25, 63, 64, 65, 127, 128, 129, 300, 5000].map(ascii),
      'café',
      'ü'.repeat(64),
      `${ascii(100)}é`,
      `é${ascii(100)}`,
      '日本語のテキスト'.repeat(20),
      'thumbs 👍🏽 up',
      'nul \u0000 inside',
      '\uFEFFleading byte order mark',
      '\u007F delete',
    ]
    for (const mode of ['in-memory', 'persisted']) {
      const page = await openApp(browser.context, `${server.url}?store=texts-${mode}&mode=${mode}`)
      await call(page, 'commitTexts', texts, 'text')
      expect(await call(page, 'readTexts', 'text', texts.length)).toEqual(texts)
      if (mode === 'persisted') {
        await call(page, 'flush')
        await page.reload()
        await waitReady(page)
        expect(await call(page, 'readTexts', 'text', texts.length)).toEqual(texts)
      }
      expect(page.errors).toEqual([])
      await page.close()
    }
  })

  test('makeInMemoryAdapter keeps the store in the tab only', async () => {
    const url = `${server.url}?store=memory&mode=in-memory`
    const page = await openApp(browser.context, url)
    expect(await call(page, 'storageMode')).toBe('in-memory')
    await call(page, 'commit', 2)
    expect(await call(page, 'count')).toBe(2)
    await page.reload()
    await waitReady(page)
    expect(await call(page, 'count')).toBe(0)
    await page.close()
  })
})

describe.skipIf(!hasChromium)('web adapter across a browser restart', () => {
  test('the store is still there after the browser restarts with the same profile', async () => {
    const server = await serve(await buildApp())
    const first = await launch()
    try {
      const page = await openApp(first.context, `${server.url}?store=restart`)
      await call(page, 'commit', 7)
      await call(page, 'flush')
      await first.close()
      const second = await launch(first.userDataDir)
      try {
        const again = await openApp(second.context, `${server.url}?store=restart`)
        expect(await call(again, 'count')).toBe(7)
        expect(await call(again, 'storageMode')).toBe('persisted')
      } finally {
        await second.close()
      }
    } finally {
      await server.close()
    }
  }, 60_000)
})
