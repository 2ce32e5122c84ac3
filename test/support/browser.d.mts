// Types of browser.mjs (plain JS, shared by the vitest suites and the bench scripts).
import type { Browser, BrowserContext } from 'playwright-core'

export declare const CHROMIUM: string
export declare const CHROMIUM_ARGS: readonly string[]
/** Whether the tests can run a browser here (`.ci/run` installs Debian's chromium). */
export declare const hasChromium: boolean

/** A browser with its own profile directory, so that OPFS survives a browser restart. */
export interface TestBrowser {
  readonly context: BrowserContext
  readonly userDataDir: string
  close(): Promise<void>
}
/** Launches Chromium with a persistent profile (a new temporary one unless `userDataDir` is given). */
export declare const launch: (userDataDir?: string) => Promise<TestBrowser>
/** Launches Chromium without a profile: each `browser.newContext()` is a separate client. */
export declare const launchBrowser: () => Promise<Browser>
