// Real processes for the sync tests: the `cairn-sync-server` command and synced client stores
// (fixtures/client-process.mjs), each a plain Node process on the built packages.
import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
const SERVER_BIN = path.join(repoRoot, 'packages', 'sync-server', 'bin', 'cairn-sync-server.mjs')
const CLIENT = fileURLToPath(new URL('./fixtures/client-process.mjs', import.meta.url))

/** The processes one test started, to kill them all when it ends (tests of a file may run concurrently). */
export class ProcessGroup {
  readonly #running = new Set<ChildProcess>()

  /** Watches `child`; resolves once it exited. */
  track(child: ChildProcess): Promise<void> {
    this.#running.add(child)
    return new Promise((resolve) =>
      child.on('exit', () => {
        this.#running.delete(child)
        resolve()
      }),
    )
  }

  async killAll(): Promise<void> {
    const exits = [...this.#running].map((child) => new Promise((resolve) => child.once('exit', resolve)))
    for (const child of this.#running) child.kill('SIGKILL')
    await Promise.all(exits)
  }
}

/** A `cairn-sync-server` process. */
export interface ServerProcess {
  readonly url: string
  readonly port: number
  /** Sends `signal` and resolves once the process is gone. */
  stop(signal: 'SIGTERM' | 'SIGKILL'): Promise<void>
}

/**
 * Starts `cairn-sync-server --port <port>` (0: a free port) on a SQLite file (`--db`) or a Postgres
 * database (`--postgres <url>` when `storage` is a postgres:// URL); resolves once it listens.
 */
export const startServerProcess = (group: ProcessGroup, storage: string, port = 0): Promise<ServerProcess> => {
  const storageArgs = storage.startsWith('postgres://') ? ['--postgres', storage] : ['--db', storage]
  const child = spawn(process.execPath, [SERVER_BIN, ...storageArgs, '--port', String(port), '--host', '127.0.0.1'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const exited = group.track(child)
  let output = ''
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the sync server printed no URL within 20 s:\n${output}`)), 20_000)
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const match = /listening on (ws:\/\/127\.0\.0\.1:(\d+)\/sync)/.exec(output)
      if (match === null) return
      clearTimeout(timer)
      resolve({
        url: match[1]!,
        port: Number(match[2]),
        stop: async (signal) => {
          child.kill(signal)
          await exited
        },
      })
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    void exited.then(() => {
      clearTimeout(timer)
      reject(new Error(`the sync server exited before listening:\n${output}`))
    })
  })
}

/** What a client process answers to `dump`. */
export interface ClientDump {
  readonly log: string[]
  readonly items: unknown[]
}

/** A synced store in its own process (fixtures/client-process.mjs). */
export interface ClientProcess {
  /** Sends a command and resolves with the answer (see client-process.mjs). */
  request(command: Record<string, unknown>): Promise<Record<string, unknown>>
  /** Kills the process at once. */
  kill(): Promise<void>
}

export const startClientProcess = (group: ProcessGroup, url: string, baseDirectory: string, storeId: string): Promise<ClientProcess> => {
  const child = spawn(process.execPath, [CLIENT, url, baseDirectory, storeId], { stdio: ['pipe', 'pipe', 'pipe'] })
  const exited = group.track(child)
  let nextId = 1
  const waiting = new Map<number, (answer: Record<string, unknown>) => void>()
  let stderr = ''
  let buffered = ''
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString()
      let newline: number
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const answer = JSON.parse(buffered.slice(0, newline)) as Record<string, unknown>
        buffered = buffered.slice(newline + 1)
        if (answer.ready === true) resolve(client)
        else waiting.get(answer.id as number)?.(answer)
      }
    })
    void exited.then(() => {
      reject(new Error(`the client process exited before it was ready:\n${stderr}`))
      for (const answer of waiting.values()) answer({ error: `the client process exited:\n${stderr}` })
      waiting.clear()
    })
    const client: ClientProcess = {
      request: (command) => {
        const id = nextId++
        return new Promise((answered) => {
          waiting.set(id, (answer) => {
            waiting.delete(id)
            answered(answer)
          })
          child.stdin!.write(`${JSON.stringify({ ...command, id })}\n`)
        })
      },
      kill: async () => {
        child.kill('SIGKILL')
        await exited
      },
    }
  })
}
