import fs from 'node:fs'
import {
  SECTOR_SIZE,
  SQLITE_IOCAP_POWERSAFE_OVERWRITE,
  SQLITE_IOERR_CHECKRESERVEDLOCK,
  SQLITE_IOERR_CLOSE,
  SQLITE_IOERR_FSTAT,
  SQLITE_IOERR_FSYNC,
  SQLITE_IOERR_LOCK,
  SQLITE_IOERR_READ,
  SQLITE_IOERR_SHORT_READ,
  SQLITE_IOERR_TRUNCATE,
  SQLITE_IOERR_UNLOCK,
  SQLITE_IOERR_WRITE,
  SQLITE_LOCK_RESERVED,
  SQLITE_NOTFOUND,
  SQLITE_OK,
  SQLITE_SYNC_DATAONLY,
} from './constants.js'
import { releaseLock } from './lock-file.js'
import { guarded, toNumber } from './guarded.js'
import type { OpenFile, VfsState } from './vfs-state.js'

/**
 * The `sqlite3_io_methods` (version 1: no shared memory, no memory mapping) of files opened by the
 * VFS, on synchronous `node:fs` calls. Reads and writes go straight between the file and the wasm
 * heap. Locks are only recorded: the database is used by one connection, which the lock file
 * guarantees across processes, and WAL runs in exclusive locking mode.
 */
export function ioMethods(state: VfsState) {
  const { memory, files } = state

  const file = (pointer: number): OpenFile => {
    const open = files.get(pointer)
    if (open === undefined) throw new Error(`No open file at ${pointer}`)
    return open
  }

  return {
    xClose: guarded(SQLITE_IOERR_CLOSE, (pointer: number) => {
      const open = file(pointer)
      files.delete(pointer)
      try {
        fs.closeSync(open.fd)
        if (open.deleteOnClose) fs.rmSync(open.path, { force: true })
      } finally {
        if (open.lock !== undefined) releaseLock(open.lock)
      }
      return SQLITE_OK
    }),

    xRead: guarded(SQLITE_IOERR_READ, (pointer: number, buffer: number, amount: number, offset: bigint | number) => {
      const { fd } = file(pointer)
      const position = toNumber(offset)
      const heap = memory.heap8()
      let done = 0
      while (done < amount) {
        const read = fs.readSync(fd, heap, buffer + done, amount - done, position + done)
        if (read === 0) break
        done += read
      }
      if (done === amount) return SQLITE_OK
      // SQLite relies on the missing tail being zeroed.
      heap.fill(0, buffer + done, buffer + amount)
      return SQLITE_IOERR_SHORT_READ
    }),

    xWrite: guarded(SQLITE_IOERR_WRITE, (pointer: number, buffer: number, amount: number, offset: bigint | number) => {
      const { fd } = file(pointer)
      const position = toNumber(offset)
      const heap = memory.heap8()
      let done = 0
      while (done < amount) done += fs.writeSync(fd, heap, buffer + done, amount - done, position + done)
      return SQLITE_OK
    }),

    xTruncate: guarded(SQLITE_IOERR_TRUNCATE, (pointer: number, size: bigint | number) => {
      fs.ftruncateSync(file(pointer).fd, toNumber(size))
      return SQLITE_OK
    }),

    xSync: guarded(SQLITE_IOERR_FSYNC, (pointer: number, flags: number) => {
      const { fd } = file(pointer)
      if (flags & SQLITE_SYNC_DATAONLY) fs.fdatasyncSync(fd)
      else fs.fsyncSync(fd)
      return SQLITE_OK
    }),

    xFileSize: guarded(SQLITE_IOERR_FSTAT, (pointer: number, outSize: number) => {
      memory.setInt64(outSize, fs.fstatSync(file(pointer).fd).size)
      return SQLITE_OK
    }),

    xLock: guarded(SQLITE_IOERR_LOCK, (pointer: number, level: number) => {
      file(pointer).lockLevel = level
      return SQLITE_OK
    }),

    xUnlock: guarded(SQLITE_IOERR_UNLOCK, (pointer: number, level: number) => {
      file(pointer).lockLevel = level
      return SQLITE_OK
    }),

    xCheckReservedLock: guarded(SQLITE_IOERR_CHECKRESERVEDLOCK, (pointer: number, outResult: number) => {
      memory.setInt32(outResult, file(pointer).lockLevel >= SQLITE_LOCK_RESERVED ? 1 : 0)
      return SQLITE_OK
    }),

    // No file control is implemented; SQLITE_NOTFOUND lets SQLite use its defaults.
    xFileControl: (_pointer: number, _op: number, _argument: number) => SQLITE_NOTFOUND,

    xSectorSize: (_pointer: number) => SECTOR_SIZE,

    xDeviceCharacteristics: (_pointer: number) => SQLITE_IOCAP_POWERSAFE_OVERWRITE,
  }
}
