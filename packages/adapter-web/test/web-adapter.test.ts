import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { buildApp, call, hasChromium, launch, openApp, serve, warningsOf, type TestBrowser } from './fixtures/browser.js'

let server: { url: string; close: () => Promise<void> }
let browser: TestBrowser

describe.skipIf(!hasChromium)('web adapter in Chromium', () => {
  beforeAll(async () => {
    server = await serve(await buildApp())
    browser = await launch()
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  test('persists across a reload', async () => {
    const url = `${server.url}?store=reload`
    const page = await openApp(browser.context, url)
    expect(await call(page, 'storageMode')).toBe('persisted')
    await call(page, 'commit', 3)
    await call(page, 'setDraft', 'hello')
    await call(page, 'flush')
    await page.reload()
    await page.evaluate(() => (window as unknown as { app: { ready: Promise<number> } }).app.ready)
    expect(await call(page, 'count')).toBe(3)
    // Same tab, same session: its per-session client document is back too.
    expect(await call(page, 'draft')).toBe('hello')
    expect(page.errors).toEqual([])
    await page.close()
  })
})
