import fs from 'node:fs'

const HEADER = Buffer.from('SQLite format 3\0', 'latin1')

/**
 * Whether `file` starts with SQLite's header and is as long as the header says. A file that was
 * truncated (or is not a database at all) fails this check without SQLite having to read it. With a
 * write-ahead log next to it the file may legitimately be shorter, so only the header is checked.
 */
export const isValidDatabaseFile = (file: string): boolean => {
  const size = fs.statSync(file).size
  if (size === 0) return true
  if (size < 100) return false
  const header = Buffer.alloc(100)
  const fd = fs.openSync(file, 'r')
  try {
    fs.readSync(fd, header, 0, 100, 0)
  } finally {
    fs.closeSync(fd)
  }
  if (!header.subarray(0, 16).equals(HEADER)) return false
  if (fs.existsSync(`${file}-wal`)) return true
  const rawPageSize = header.readUInt16BE(16)
  const pageSize = rawPageSize === 1 ? 65536 : rawPageSize
  const pageCount = header.readUInt32BE(28)
  return pageCount === 0 || size >= pageSize * pageCount
}

/** Removes a database file and the journal files SQLite may keep next to it. */
export const removeDatabaseFile = (file: string): void => {
  for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(`${file}${suffix}`, { force: true })
}
