import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** Version of package `name` as Node would find it from `fromUrl` (walks up node_modules). */
export function packageVersion(name, fromUrl) {
  let dir = dirname(fileURLToPath(fromUrl))
  for (;;) {
    const p = join(dir, 'node_modules', name, 'package.json')
    if (existsSync(p)) return JSON.parse(readFileSync(p, 'utf8')).version
    const up = dirname(dir)
    if (up === dir) return '?'
    dir = up
  }
}
