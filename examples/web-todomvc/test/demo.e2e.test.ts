// `npm run demo` end to end: its script (examples/web-todomvc/demo.mjs) runs in a process group of
// its own, as in a terminal, real Chromium windows use the app it serves, and Ctrl-C (SIGINT to the
// group) stops it. The script is started without npm: on Ctrl-C, npm itself exits 130 ("interrupted")
// whatever its script does.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { hasChromium, launchBrowser } from '../../../test/support/browser.mjs'

if (!hasChromium) console.warn('[web-todomvc demo.e2e] /usr/bin/chromium not found (apt-get install chromium): browser tests skipped.')

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url))

interface Demo {
  readonly child: ChildProcess
  readonly url: string
  readonly output: () => string
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/** Runs the demo on a free port with its data in `dataDir`; resolves once it printed its URL. */
const startDemo = (dataDir: string): Promise<Demo> => {
  const child = spawn(process.execPath, ['examples/web-todomvc/demo.mjs', '--port', '0', '--data-dir', dataDir], {
    cwd: repoRoot,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  )
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const url = /Cairn web TodoMVC:\s+(http:\/\/\S+)/.exec(output)?.[1]
      if (url !== undefined) resolve({ child, url, output: () => output, exited })
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    void exited.then(({ code }) => reject(new Error(`The demo exited (${code}) before printing its URL:\n${output}`)))
  })
}

/** Whether any process of the group `pid` leads is still alive. */
const groupAlive = (pid: number): boolean => {
  try {
    process.kill(-pid, 0)
    return true
  } catch {
    return false
  }
}

// The app's DOM, as a user sees it.
const newTodo = (page: Page) => page.getByPlaceholder('What needs to be done?')
const add = async (page: Page, ...texts: string[]) => {
  for (const text of texts) {
    await newTodo(page).fill(text)
    await newTodo(page).press('Enter')
  }
}
const texts = (page: Page) => page.locator('.todo-list li label').allTextContents()
const item = (page: Page, text: string) => page.locator('.todo-list li').filter({ has: page.getByText(text, { exact: true }) })
const count = (page: Page) => page.locator('.todo-count').textContent()
const completed = (page: Page) => page.locator('.todo-list li.completed label').allTextContents()
const connection = (page: Page) => page.locator('.sync-status').getAttribute('data-connection')

describe.skipIf(!hasChromium)('npm run demo: the web TodoMVC in Chromium, synced through the demo server', () => {
  let dataDir: string
  let demo: Demo
  let browser: Browser
  const contexts: BrowserContext[] = []

  /** A new window with its own profile (its own OPFS): another client of the store. */
  const openWindow = async (store: string): Promise<Page> => {
    const context = await browser.newContext()
    contexts.push(context)
    const page = await context.newPage()
    await page.goto(`${demo.url}?store=${store}`)
    await newTodo(page).waitFor()
    return page
  }

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cairn-demo-'))
    // The first run builds the app (seconds); later runs reuse the build of the same sources.
    ;[demo, browser] = await Promise.all([startDemo(dataDir), launchBrowser()])
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    if (demo !== undefined && groupAlive(demo.child.pid!)) process.kill(-demo.child.pid!, 'SIGKILL')
    rmSync(dataDir, { recursive: true, force: true })
  })

  test('prints the URL; the app and the sync health check are served from it', async () => {
    expect(demo.output()).toMatch(/open it in two windows/i)
    const page = await fetch(demo.url)
    expect(page.headers.get('content-type')).toMatch(/text\/html/)
    expect(await page.text()).toContain('<div id="root"></div>')
    const health = await fetch(new URL('/health', demo.url))
    expect(await health.json()).toEqual({ ok: true, version: 1 })
  })

  test('TodoMVC: add, toggle, filters, counts, edit, delete, toggle all, clear completed; reload keeps the todos, the filter and the draft', async () => {
    const page = await openWindow('flows')
    await expect.poll(() => connection(page)).toBe('connected')
    expect(await page.locator('.main').count()).toBe(0)
    expect(await page.locator('.footer').count()).toBe(0)

    await add(page, '  Buy milk  ', 'Walk the dog', 'Write docs')
    expect(await newTodo(page).inputValue()).toBe('')
    await add(page, '   ')
    expect(await texts(page)).toEqual(['Buy milk', 'Walk the dog', 'Write docs'])
    expect(await count(page)).toBe('3 items left')

    await item(page, 'Walk the dog').locator('.toggle').click()
    expect(await completed(page)).toEqual(['Walk the dog'])
    expect(await count(page)).toBe('2 items left')

    await page.getByRole('link', { name: 'Active' }).click()
    expect(await texts(page)).toEqual(['Buy milk', 'Write docs'])
    await page.getByRole('link', { name: 'Completed' }).click()
    expect(await texts(page)).toEqual(['Walk the dog'])
    expect(await page.getByRole('link', { name: 'Completed' }).getAttribute('class')).toBe('selected')
    await page.getByRole('link', { name: 'All' }).click()
    expect(await texts(page)).toHaveLength(3)

    // Edit: double-click, Enter saves (trimmed); Escape cancels; an emptied todo is deleted.
    await item(page, 'Buy milk').locator('label').dblclick()
    await page.locator('.todo-list li .edit').fill(' Buy oat milk ')
    await page.locator('.todo-list li .edit').press('Enter')
    await item(page, 'Write docs').locator('label').dblclick()
    await page.locator('.todo-list li .edit').fill('never saved')
    await page.locator('.todo-list li .edit').press('Escape')
    expect(await texts(page)).toEqual(['Buy oat milk', 'Walk the dog', 'Write docs'])
    await add(page, 'Temporary')
    await item(page, 'Temporary').locator('label').dblclick()
    await page.locator('.todo-list li .edit').fill('')
    await page.locator('.todo-list li .edit').press('Enter')
    expect(await texts(page)).toEqual(['Buy oat milk', 'Walk the dog', 'Write docs'])

    // Delete with the × that shows on hover.
    await item(page, 'Write docs').hover()
    await item(page, 'Write docs').locator('.destroy').click()
    expect(await texts(page)).toEqual(['Buy oat milk', 'Walk the dog'])

    const toggleAll = page.locator('label[for="toggle-all"]')
    await toggleAll.click()
    expect(await completed(page)).toEqual(['Buy oat milk', 'Walk the dog'])
    expect(await count(page)).toBe('0 items left')
    await toggleAll.click()
    expect(await completed(page)).toEqual([])
    expect(await count(page)).toBe('2 items left')

    await item(page, 'Walk the dog').locator('.toggle').click()
    await page.getByRole('button', { name: 'Clear completed' }).click()
    expect(await texts(page)).toEqual(['Buy oat milk'])
    expect(await page.getByRole('button', { name: 'Clear completed' }).count()).toBe(0)

    // The filter and the text being typed are the tab's uiState client document: a reload keeps them.
    await add(page, 'Call mum')
    await page.getByRole('link', { name: 'Active' }).click()
    await newTodo(page).fill('half typed')
    await page.reload()
    await newTodo(page).waitFor()
    expect(await newTodo(page).inputValue()).toBe('half typed')
    expect(await page.getByRole('link', { name: 'Active' }).getAttribute('class')).toBe('selected')
    expect(await texts(page)).toEqual(['Buy oat milk', 'Call mum'])
  })

  test('two windows with their own profiles converge through the sync server', async () => {
    const [a, b] = [await openWindow('shared'), await openWindow('shared')]
    await add(a, 'from A')
    await expect.poll(() => texts(b)).toEqual(['from A'])
    await item(b, 'from A').locator('.toggle').click()
    await add(b, 'from B')
    await expect.poll(() => completed(a)).toEqual(['from A'])
    await expect.poll(() => texts(a)).toEqual(['from A', 'from B'])
    expect(await count(a)).toBe('1 item left')
  })

  test('a window that goes offline keeps working, then catches up; a reload keeps what it synced', async () => {
    const [a, b] = [await openWindow('offline'), await openWindow('offline')]
    await add(a, 'online')
    await expect.poll(() => texts(b)).toEqual(['online'])

    await a.context().setOffline(true)
    await add(a, 'offline 1', 'offline 2')
    await item(a, 'online').locator('.toggle').click()
    await add(b, 'meanwhile')
    expect(await texts(a)).toEqual(['online', 'offline 1', 'offline 2'])
    // The browser's offline event reaches the leader's sync connection: the window says it is
    // offline at once (not after a ping timeout of 30 s) and counts what waits.
    await expect.poll(() => a.locator('.sync-status').textContent(), { timeout: 5_000 }).toBe('Sync: offline · 3 changes to sync')
    // Offline for real: the other window does not get them.
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(await texts(b)).toEqual(['online', 'meanwhile'])

    await a.context().setOffline(false)
    const all = ['online', 'offline 1', 'offline 2', 'meanwhile'].sort()
    await expect.poll(async () => (await texts(a)).sort(), { timeout: 10_000 }).toEqual(all)
    await expect.poll(async () => (await texts(b)).sort(), { timeout: 10_000 }).toEqual(all)
    await expect.poll(() => completed(b)).toEqual(['online'])
    expect(await texts(a)).toEqual(await texts(b))
    await expect.poll(() => a.locator('.sync-status').textContent()).toBe('Sync: online')

    await b.reload()
    await newTodo(b).waitFor()
    expect(await texts(b)).toEqual(await texts(a))
  })

  test('Ctrl-C (SIGINT to its process group) stops the demo: exit 0, no process left', async () => {
    await Promise.all(contexts.map((context) => context.close()))
    process.kill(-demo.child.pid!, 'SIGINT')
    expect(await demo.exited).toEqual({ code: 0, signal: null })
    expect(demo.output()).toMatch(/SIGINT: stopping the demo/)
    expect(groupAlive(demo.child.pid!)).toBe(false)
  })

  test('started again on the same data directory, it still has the events; SIGTERM stops it too', async () => {
    demo = await startDemo(dataDir)
    // A new window (an empty browser profile) gets the todos from the server's database.
    const page = await openWindow('shared')
    await expect.poll(() => texts(page)).toEqual(['from A', 'from B'])
    await page.context().close()
    process.kill(-demo.child.pid!, 'SIGTERM')
    expect(await demo.exited).toEqual({ code: 0, signal: null })
    expect(demo.output()).toMatch(/SIGTERM: stopping the demo/)
    expect(groupAlive(demo.child.pid!)).toBe(false)
  })
})
