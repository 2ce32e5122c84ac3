import { CairnError } from '@cairn/store'

/**
 * `openFile` refused a database file because another connection holds it: another process (named
 * by `pid`, and `hostname` when the file is on a shared disk), or this very process, which already
 * has the file open. Only one connection may use a database file at a time; see the README.
 */
export class DatabaseLockedError extends CairnError {
  readonly _tag = 'DatabaseLockedError'
  /** The database file that was to be opened (absolute). */
  readonly path: string
  /** The lock file next to it, which names the holder. */
  readonly lockPath: string
  /** The process holding the file, when the lock file says. */
  readonly pid: number | undefined
  /** The machine of that process, when the lock file says. */
  readonly hostname: string | undefined

  constructor(options: {
    readonly path: string
    readonly lockPath: string
    readonly pid: number | undefined
    readonly hostname: string | undefined
    /** Whether the holder is this process. */
    readonly self: boolean
    /** Whether the holder is on another machine (its liveness cannot be checked). */
    readonly remote: boolean
  }) {
    super(lockedMessage(options))
    this.path = options.path
    this.lockPath = options.lockPath
    this.pid = options.pid
    this.hostname = options.hostname
  }
}

function lockedMessage(options: ConstructorParameters<typeof DatabaseLockedError>[0]): string {
  const { path, lockPath, pid, hostname } = options
  if (options.self) {
    return (
      `The database file ${path} is already open in this process (pid ${pid}).\n` +
      'Use the SqliteDb that is open, or close it before opening the file again.'
    )
  }
  if (options.remote) {
    return (
      `The database file ${path} is in use by process ${pid} on another machine (${hostname}), ` +
      `according to its lock file ${lockPath}.\n` +
      `Close that process, or use another directory. If no process on ${hostname} uses the file any more, delete ${lockPath}.`
    )
  }
  const holder = pid === undefined ? 'another process (its lock file is being written)' : `process ${pid}`
  return (
    `The database file ${path} is open in ${holder}, which holds the lock file ${lockPath}.\n` +
    'Close the other process (or its database) first, or give this one another directory.'
  )
}
