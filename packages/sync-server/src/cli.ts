/**
 * The `cairn-sync-server` command: starts a sync server until SIGTERM or SIGINT.
 *
 *     cairn-sync-server [--port 8787] [--host 127.0.0.1] [--db ./cairn-sync.db | --postgres <url>]
 */
import { parseArgs } from 'node:util'
import { InvalidSyncServerOptionsError } from './errors.js'
import { openPostgresStorage } from './postgres-storage.js'
import { createSyncServer, type SyncServer } from './server.js'
import { openSqliteStorage } from './sqlite-storage.js'
import type { SyncStorage } from './storage.js'

/** The command's help text. */
export const USAGE = `Usage: cairn-sync-server [options]

Serves the Cairn sync protocol on ws://<host>:<port>/sync and GET /health.

Options:
  --port <n>         TCP port (default 8787; 0 picks a free one)
  --host <address>   interface to listen on (default 127.0.0.1; 0.0.0.0 for every interface)
  --db <file>        SQLite database file holding every store (default ./cairn-sync.db)
  --postgres <url>   store events in Postgres instead (postgres://user:password@host:port/db);
                     several servers may share one database
  -h, --help         show this help

Stops cleanly on SIGTERM or SIGINT.`

/** Parsed command line. */
export interface CliOptions {
  readonly port: number
  readonly host: string
  readonly storage: { readonly type: 'sqlite'; readonly file: string } | { readonly type: 'postgres'; readonly url: string }
}

/**
 * Parses the arguments of `cairn-sync-server`; `'help'` when help was asked for.
 * @throws InvalidSyncServerOptionsError for unknown or malformed options.
 */
export function parseCliArgs(argv: readonly string[]): CliOptions | 'help' {
  let values
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        db: { type: 'string' },
        postgres: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }).values
  } catch (error) {
    throw new InvalidSyncServerOptionsError(error instanceof Error ? error.message : String(error))
  }
  if (values.help === true) return 'help'
  const port = values.port === undefined ? 8787 : Number(values.port)
  if (!/^\d+$/.test(values.port ?? '8787') || !Number.isInteger(port) || port > 65535) {
    throw new InvalidSyncServerOptionsError(`--port must be an integer from 0 to 65535, got ${JSON.stringify(values.port)}.`)
  }
  const host = values.host ?? '127.0.0.1'
  if (host === '') throw new InvalidSyncServerOptionsError('--host must not be empty.')
  if (values.db !== undefined && values.postgres !== undefined) {
    throw new InvalidSyncServerOptionsError('Give either --db or --postgres, not both.')
  }
  if (values.db === '') throw new InvalidSyncServerOptionsError('--db must name a file.')
  if (values.postgres !== undefined) {
    if (!/^postgres(ql)?:\/\//.test(values.postgres)) {
      throw new InvalidSyncServerOptionsError('--postgres must be a URL like postgres://user:password@host:5432/database.')
    }
    return { port, host, storage: { type: 'postgres', url: values.postgres } }
  }
  return { port, host, storage: { type: 'sqlite', file: values.db ?? './cairn-sync.db' } }
}

/** The URL without its password, for logs. */
const redact = (url: string): string => url.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@')

/**
 * Runs the command: parses `argv`, opens the storage, starts the server and stops it on SIGTERM or
 * SIGINT (stops accepting, closes connections with 1001, closes the storage, exits 0). Exits 2 on
 * bad arguments and 1 when the server cannot start.
 */
export async function runCli(argv: readonly string[]): Promise<void> {
  let options: CliOptions | 'help'
  try {
    options = parseCliArgs(argv)
  } catch (error) {
    process.stderr.write(`cairn-sync-server: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`)
    process.exit(2)
  }
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`)
    return
  }
  const where = options.storage.type === 'sqlite' ? `sqlite ${options.storage.file}` : `postgres ${redact(options.storage.url)}`
  // Signal handlers first: a SIGTERM that arrives while the server starts, or right after it printed
  // its address, still shuts it down cleanly.
  let server: SyncServer | undefined
  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    process.stdout.write(`cairn-sync-server: ${signal}, shutting down\n`)
    if (server === undefined) return // Still starting: the start-up below sees `stopping`.
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`cairn-sync-server: shutdown failed: ${error instanceof Error ? error.message : String(error)}\n`)
        process.exit(1)
      },
    )
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
  try {
    const storage: SyncStorage =
      options.storage.type === 'sqlite'
        ? await openSqliteStorage({ file: options.storage.file })
        : await openPostgresStorage({ url: options.storage.url })
    server = await createSyncServer({
      port: options.port,
      host: options.host,
      storage,
      onError: (error) => process.stderr.write(`cairn-sync-server: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`),
    })
  } catch (error) {
    process.stderr.write(`cairn-sync-server: cannot start: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exit(1)
  }
  if (stopping) {
    await server.close()
    process.exit(0)
  }
  process.stdout.write(`cairn-sync-server listening on ${server.url} (storage: ${where})\n`)
}
