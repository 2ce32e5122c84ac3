// Debian's Chromium driven by playwright-core (which downloads no browser), for the browser tests
// and benchmarks: the web adapter's and the web TodoMVC's.
import { existsSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from 'playwright-core'

export const CHROMIUM = '/usr/bin/chromium'
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** Whether the tests can run a browser here (`.ci/run` installs Debian's chromium). */
export const hasChromium = existsSync(CHROMIUM)

/** Launches Chromium with a persistent profile (a new temporary one unless `userDataDir` is given). */
export const launch = async (userDataDir) => {
  const dir = userDataDir ?? (await mkdtemp(join(tmpdir(), 'cairn-chromium-')))
  const context = await chromium.launchPersistentContext(dir, { executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true })
  return { context, userDataDir: dir, close: () => context.close() }
}

/** Launches Chromium without a profile: each `browser.newContext()` is a separate client (its own OPFS, cookies, storage). */
export const launchBrowser = () => chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true })
