import fs from 'node:fs'
import os from 'node:os'
import { DatabaseLockedError } from '../database-locked-error.js'
import { randomHex } from './random.js'
import { sleepSync } from './sleep.js'

/**
 * Cross-process ownership of a database file: a lock file next to it (`<database>.lock`) names the
 * process that has the database open. It is created atomically (`O_CREAT | O_EXCL`), so of two
 * processes opening the same file only one succeeds; the other reads who holds it and fails with a
 * DatabaseLockedError. The holder deletes it on close and, as far as Node allows, on exit. A process
 * killed without running its exit handlers (SIGKILL, a crash, power loss) leaves the lock file
 * behind: it is taken over once its process is gone.
 */

/** What a lock file says about its holder. */
interface LockOwner {
  readonly pid: number
  readonly hostname: string
  /** Random, per lock: tells two locks of the same process apart, and ours from a replacement. */
  readonly token: string
}

/** A lock this process holds. */
export interface HeldLock {
  readonly lockPath: string
  readonly content: string
}

/** Locks held by this process, released by `release` or on exit. */
const held = new Set<HeldLock>()
let exitHookInstalled = false

/**
 * An unreadable lock file is either being written right now (open and write are two steps) or was
 * left half-written by a crash; it is only taken over once it is older than this.
 */
const HALF_WRITTEN_GRACE_MS = 2_000
/** How long a takeover waits before checking it won, so a concurrent takeover shows up. */
const TAKEOVER_SETTLE_MS = 25
const ATTEMPTS = 10

export function lockPathFor(databasePath: string): string {
  return `${databasePath}.lock`
}

/**
 * Takes the lock of `databasePath` or throws a DatabaseLockedError naming its holder. Other failures
 * (the directory is read-only, …) throw the Node error.
 */
export function acquireLock(databasePath: string): HeldLock {
  const lockPath = lockPathFor(databasePath)
  const owner: LockOwner = { pid: process.pid, hostname: os.hostname(), token: randomHex(8) }
  const content = `${JSON.stringify(owner)}\n`
  let seen: ReturnType<typeof readLock>
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (tryCreate(lockPath, content)) return hold({ lockPath, content })
    seen = readLock(lockPath)
    // Released between our create and read: try again.
    if (seen === undefined) continue
    if (seen.owner === undefined) {
      if (Date.now() - seen.modifiedMs < HALF_WRITTEN_GRACE_MS) {
        sleepSync(20)
        continue
      }
    } else if (isHeld(seen.owner)) {
      throw lockedError(databasePath, lockPath, seen.owner)
    }
    if (takeOver(lockPath, seen.raw, content)) return hold({ lockPath, content })
  }
  throw lockedError(databasePath, lockPath, seen?.owner)
}

/** Deletes the lock file if it is still ours. Never throws. */
export function releaseLock(lock: HeldLock): void {
  held.delete(lock)
  try {
    if (fs.readFileSync(lock.lockPath, 'utf8') === lock.content) fs.unlinkSync(lock.lockPath)
  } catch {
    // Already gone, or unreadable: nothing of ours to delete.
  }
}

function hold(lock: HeldLock): HeldLock {
  held.add(lock)
  if (!exitHookInstalled) {
    exitHookInstalled = true
    // Runs on process.exit() and when the event loop empties; not on signals with default handling
    // or SIGKILL, whose leftover locks are taken over once the process is gone.
    process.once('exit', () => {
      for (const lock of held) releaseLock(lock)
    })
  }
  return lock
}

/**
 * Creates the lock file with its content in one step: the content goes to a file of our own, which
 * is then hard-linked as the lock file (failing if one exists). A process killed meanwhile leaves
 * at most that file of its own, never a half-written lock file that the next process, restarted
 * right after the crash, would have to wait for. Where hard links are not supported, the lock file
 * is created and then written.
 */
function tryCreate(lockPath: string, content: string): boolean {
  let own: string
  try {
    own = writeOwnCopy(lockPath, content)
  } catch {
    return tryCreateInPlace(lockPath, content)
  }
  try {
    fs.linkSync(own, lockPath)
    return true
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EEXIST') return false
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'ENOSYS' || code === 'EXDEV') return tryCreateInPlace(lockPath, content)
    throw error
  } finally {
    fs.rmSync(own, { force: true })
  }
}

function tryCreateInPlace(lockPath: string, content: string): boolean {
  let fd: number
  try {
    fd = fs.openSync(lockPath, 'wx', 0o644)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw error
  }
  try {
    fs.writeSync(fd, content)
  } catch (error) {
    fs.closeSync(fd)
    fs.rmSync(lockPath, { force: true })
    throw error
  }
  fs.closeSync(fd)
  return true
}

function readLock(lockPath: string): { raw: string; owner: LockOwner | undefined; modifiedMs: number } | undefined {
  try {
    const raw = fs.readFileSync(lockPath, 'utf8')
    const modifiedMs = fs.statSync(lockPath).mtimeMs
    return { raw, owner: parseOwner(raw), modifiedMs }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

function parseOwner(raw: string): LockOwner | undefined {
  try {
    const value: unknown = JSON.parse(raw)
    if (typeof value !== 'object' || value === null) return undefined
    const { pid, hostname, token } = value as Record<string, unknown>
    if (!Number.isSafeInteger(pid) || typeof hostname !== 'string' || typeof token !== 'string') return undefined
    return { pid: pid as number, hostname, token }
  } catch {
    return undefined
  }
}

/**
 * Whether the holder may still be using the database. A process on another machine cannot be
 * checked, so it counts as alive; `process.kill(pid, 0)` tests a local one without signalling it
 * (EPERM: alive, but another user's).
 */
function isHeld(owner: LockOwner): boolean {
  if (owner.hostname !== os.hostname() || owner.pid === process.pid) return true
  try {
    process.kill(owner.pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Replaces a stale lock file (`staleRaw`) with ours: a fresh lock file is written under a unique
 * name and renamed over the stale one (atomic), unless the lock file changed meanwhile. Two processes
 * taking over at once both rename; the last rename wins, so each checks after a short pause whether
 * the lock file still holds its content, and the loser backs off.
 */
function takeOver(lockPath: string, staleRaw: string, content: string): boolean {
  const fresh = writeOwnCopy(lockPath, content)
  try {
    if (readLock(lockPath)?.raw !== staleRaw) return false
    fs.renameSync(fresh, lockPath)
  } finally {
    fs.rmSync(fresh, { force: true })
  }
  sleepSync(TAKEOVER_SETTLE_MS)
  return readLock(lockPath)?.raw === content
}

/** Writes `content` to a new file of this process's own next to the lock file; returns its path. */
function writeOwnCopy(lockPath: string, content: string): string {
  const own = `${lockPath}.${randomHex(6)}.tmp`
  fs.writeFileSync(own, content, { flag: 'wx', mode: 0o644 })
  return own
}

function lockedError(path: string, lockPath: string, owner: LockOwner | undefined): DatabaseLockedError {
  return new DatabaseLockedError({
    path,
    lockPath,
    pid: owner?.pid,
    hostname: owner?.hostname,
    self: owner?.pid === process.pid && owner.hostname === os.hostname(),
    remote: owner !== undefined && owner.hostname !== os.hostname(),
  })
}
