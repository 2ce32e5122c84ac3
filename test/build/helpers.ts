// Helpers for the tests of the built packages: they run plain `node` (default export conditions,
// so `@cairn/*` resolve to `dist/`, not to `src/` as in the other tests) on a fixture.
import { execFile, spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const fixture = (name: string): string => join(repoRoot, 'test', 'build', 'fixtures', name)

/** A child environment without anything that could change module resolution. */
const childEnv = (): NodeJS.ProcessEnv => {
  const env = { ...process.env }
  delete env.NODE_OPTIONS
  delete env.NODE_PATH
  return env
}

/**
 * Makes sure each package's dist/*.js is built from the current sources (the declarations come from
 * `tsc -b`, which `npm test` runs first; these tests only need the JavaScript).
 */
export function ensureBundlesBuilt(): void {
  const result = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'build-bundles.mjs'), '--if-stale', '--quiet'], {
    cwd: repoRoot,
    env: childEnv(),
    encoding: 'utf8',
  })
  if (result.status !== 0) throw new Error(`scripts/build-bundles.mjs failed:\n${result.stdout}${result.stderr}`)
}

const execFileAsync = promisify(execFile)

/** Runs `node FIXTURE ...args` and parses the one JSON line it prints. */
export async function runFixture<T>(name: string, args: ReadonlyArray<string> = []): Promise<{ report: T; stderr: string }> {
  const { stdout, stderr } = await execFileAsync(process.execPath, [fixture(name), ...args], {
    cwd: repoRoot,
    env: childEnv(),
    encoding: 'utf8',
    timeout: 60_000,
  }).catch((error: { stdout?: string; stderr?: string; message: string }) => {
    throw new Error(`node ${name} ${args.join(' ')} failed: ${error.message}\n${error.stdout ?? ''}\n${error.stderr ?? ''}`)
  })
  const lines = stdout.trim().split('\n')
  return { report: JSON.parse(lines[lines.length - 1] ?? 'null') as T, stderr }
}
