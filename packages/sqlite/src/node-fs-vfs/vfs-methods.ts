import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  SQLITE_ACCESS_EXISTS,
  SQLITE_ACCESS_READWRITE,
  SQLITE_BUSY,
  SQLITE_CANTOPEN,
  SQLITE_CANTOPEN_FULLPATH,
  SQLITE_IOERR_ACCESS,
  SQLITE_IOERR_DELETE,
  SQLITE_IOERR_DELETE_NOENT,
  SQLITE_IOERR_DIR_FSYNC,
  SQLITE_OK,
  SQLITE_OPEN_CREATE,
  SQLITE_OPEN_DELETEONCLOSE,
  SQLITE_OPEN_EXCLUSIVE,
  SQLITE_OPEN_MAIN_DB,
  SQLITE_OPEN_READWRITE,
  UNIX_EPOCH_JULIAN_MS,
} from './constants.js'
import { DatabaseLockedError } from '../database-locked-error.js'
import { errnoOf, openErrorCode } from './errno.js'
import { acquireLock, releaseLock, type HeldLock } from './lock-file.js'
import { sleepSync } from './sleep.js'
import { guarded } from './guarded.js'
import { fillRandom, randomHex } from './random.js'
import type { VfsState } from './vfs-state.js'

const encoder = new TextEncoder()

/**
 * The `sqlite3_vfs` methods (version 2) on `node:fs`. Opening a main database file takes its
 * cross-process lock (see lock-file.ts) before the file itself is opened, so a refused open touches
 * nothing; the lock is released when SQLite closes the file.
 */
export function vfsMethods(state: VfsState, ioMethodsPointer: number) {
  const { memory, files } = state
  const text = (pointer: number): string => memory.cstringAt(pointer)

  return {
    xOpen: (_vfs: number, name: number, file: number, flags: number, outFlags: number): number => {
      // SQLite expects pMethods to be set (NULL on failure) whatever xOpen returns.
      memory.setInt32(file, 0)
      const temporary = name === 0
      const filePath = temporary ? temporaryPath() : text(name)
      let lock: HeldLock | undefined
      try {
        if (flags & SQLITE_OPEN_MAIN_DB) lock = acquireLock(filePath)
        const fd = fs.openSync(filePath, nodeOpenFlags(temporary ? flags | SQLITE_OPEN_EXCLUSIVE : flags), 0o644)
        files.set(file, {
          fd,
          path: filePath,
          deleteOnClose: temporary || (flags & SQLITE_OPEN_DELETEONCLOSE) !== 0,
          lock,
          lockLevel: 0,
        })
      } catch (error) {
        if (lock !== undefined) releaseLock(lock)
        state.lastOpenFailure = { path: filePath, error }
        return error instanceof DatabaseLockedError ? SQLITE_BUSY : openErrorCode(error)
      }
      memory.setInt32(file, ioMethodsPointer)
      if (outFlags !== 0) memory.setInt32(outFlags, flags)
      return SQLITE_OK
    },

    xDelete: guarded(SQLITE_IOERR_DELETE, (_vfs: number, name: number, syncDirectory: number) => {
      const filePath = text(name)
      try {
        fs.unlinkSync(filePath)
      } catch (error) {
        if (errnoOf(error) === 'ENOENT') return SQLITE_IOERR_DELETE_NOENT
        throw error
      }
      if (syncDirectory !== 0 && !syncDirectoryOf(filePath)) return SQLITE_IOERR_DIR_FSYNC
      return SQLITE_OK
    }),

    xAccess: guarded(SQLITE_IOERR_ACCESS, (_vfs: number, name: number, flags: number, outResult: number) => {
      memory.setInt32(outResult, isAccessible(text(name), flags) ? 1 : 0)
      return SQLITE_OK
    }),

    xFullPathname: guarded(SQLITE_CANTOPEN, (_vfs: number, name: number, size: number, out: number) => {
      const encoded = encoder.encode(`${path.resolve(text(name))}\0`)
      if (encoded.length > size) return SQLITE_CANTOPEN_FULLPATH
      memory.heap8().set(encoded, out)
      return SQLITE_OK
    }),

    xRandomness: (_vfs: number, size: number, out: number): number => {
      try {
        fillRandom(memory.heap8().subarray(out, out + size))
        return size
      } catch {
        return 0
      }
    },

    xSleep: (_vfs: number, microseconds: number): number => {
      sleepSync(Math.ceil(microseconds / 1000))
      return microseconds
    },

    xCurrentTime: (_vfs: number, out: number): number => {
      memory.setFloat64(out, (Date.now() + UNIX_EPOCH_JULIAN_MS) / 86_400_000)
      return SQLITE_OK
    },

    xCurrentTimeInt64: (_vfs: number, out: number): number => {
      memory.setInt64(out, Date.now() + UNIX_EPOCH_JULIAN_MS)
      return SQLITE_OK
    },
  }
}

/** A fresh path for an anonymous temp file (SQLite passes no name and deletes it on close). */
function temporaryPath(): string {
  return path.join(os.tmpdir(), `cairn-sqlite-${process.pid}-${randomHex(8)}.tmp`)
}

function nodeOpenFlags(flags: number): number {
  const { O_CREAT, O_EXCL, O_RDONLY, O_RDWR } = fs.constants
  let result = flags & SQLITE_OPEN_READWRITE ? O_RDWR : O_RDONLY
  if (flags & SQLITE_OPEN_CREATE) result |= O_CREAT
  if (flags & SQLITE_OPEN_EXCLUSIVE) result |= O_CREAT | O_EXCL
  return result
}

/**
 * Whether `filePath` exists (SQLITE_ACCESS_EXISTS; an empty regular file counts as missing, so that
 * an empty journal left by a crash is not taken for a hot one), or is readable and writable.
 */
function isAccessible(filePath: string, flags: number): boolean {
  if (flags === SQLITE_ACCESS_EXISTS) {
    const stats = fs.statSync(filePath, { throwIfNoEntry: false })
    return stats !== undefined && (!stats.isFile() || stats.size > 0)
  }
  const mode = flags === SQLITE_ACCESS_READWRITE ? fs.constants.R_OK | fs.constants.W_OK : fs.constants.R_OK
  try {
    fs.accessSync(filePath, mode)
    return true
  } catch {
    return false
  }
}

/** fsyncs the directory of `filePath`, making a deletion durable. Windows cannot, and need not. */
function syncDirectoryOf(filePath: string): boolean {
  if (process.platform === 'win32') return true
  let fd: number | undefined
  try {
    fd = fs.openSync(path.dirname(filePath), 'r')
    fs.fsyncSync(fd)
    return true
  } catch (error) {
    // Some file systems cannot fsync a directory; there is nothing more to make durable.
    return errnoOf(error) === 'EINVAL'
  } finally {
    if (fd !== undefined) fs.closeSync(fd)
  }
}
