// Installs dependencies (and builds the packages) when a fresh clone has none yet, so that
// `npm run demo` and `npm test` work as the first command a new user runs.
import { execSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const run = (command) => execSync(command, { cwd: root, stdio: 'inherit' })

if (!existsSync(join(root, 'node_modules', '.package-lock.json'))) {
  console.log('[cairn] installing dependencies (npm ci)…')
  run('npm ci')
} else if (!existsSync(join(root, 'packages', 'store', 'dist', 'index.js'))) {
  console.log('[cairn] building packages…')
  run('npm run --silent build')
}
