// Starts a real PostgreSQL server (Debian's postgresql package) for the tests and the benchmarks:
// initdb in a temp dir, on a free port of 127.0.0.1. Plain JS (types in postgres.d.mts) so that
// the bench scripts, which run under plain Node, share it with the vitest suites.
// initdb and pg_ctl refuse to run as root, so as root they run as the `postgres` user (runuser).
// `findPostgresBin()` is undefined when no PostgreSQL is installed.
import { execFileSync } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const POSTGRES_ROOT = '/usr/lib/postgresql'

/** The newest /usr/lib/postgresql/<version>/bin with initdb and pg_ctl, if any. */
export const findPostgresBin = () => {
  if (!existsSync(POSTGRES_ROOT)) return undefined
  const versions = readdirSync(POSTGRES_ROOT)
    .filter((name) => /^\d+$/.test(name))
    .sort((a, b) => Number(b) - Number(a))
  for (const version of versions) {
    const bin = join(POSTGRES_ROOT, version, 'bin')
    if (existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'pg_ctl'))) return bin
  }
  return undefined
}

/** Why `findPostgresBin()` found nothing, for a skip message. */
export const postgresMissingReason = () => `PostgreSQL is not installed (no ${POSTGRES_ROOT}/<version>/bin with initdb and pg_ctl; Debian: apt-get install postgresql)`

export const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0

/**
 * Tests run without durability (fsync, synchronous_commit and full page writes off: faster, and a
 * test's database dies with it); `durable: true` keeps PostgreSQL's defaults, for benchmarks that
 * compare with SQLite's `synchronous = FULL`.
 */
export async function startPostgres(bin, { durable = false } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-pg-'))
  if (isRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim())
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim())
    chownSync(dir, uid, gid)
  }
  const run = (tool, args) => {
    const command = isRoot ? 'runuser' : join(bin, tool)
    const fullArgs = isRoot ? ['-u', 'postgres', '--', join(bin, tool), ...args] : args
    try {
      return execFileSync(command, fullArgs, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 })
    } catch (error) {
      throw new Error(`${tool} ${args.join(' ')} failed: ${String(error)}\n${error.stdout ?? ''}\n${error.stderr ?? ''}`)
    }
  }
  const data = join(dir, 'data')
  const port = await freePort()
  try {
    run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', ...(durable ? [] : ['--no-sync']), '-E', 'UTF8', '--locale=C'])
    const settings = [`-p ${port}`, `-k ${dir}`, '-c listen_addresses=127.0.0.1']
    if (!durable) settings.push('-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off')
    run('pg_ctl', ['-D', data, '-o', settings.join(' '), '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start'])
  } catch (error) {
    rmSync(dir, { recursive: true, force: true })
    throw error
  }
  let stopped = false
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    createDatabase(name) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`)
      run('psql', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-c', `CREATE DATABASE ${name}`])
      return `postgres://postgres@127.0.0.1:${port}/${name}`
    },
    stop() {
      if (stopped) return
      stopped = true
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop'])
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    },
  }
}
