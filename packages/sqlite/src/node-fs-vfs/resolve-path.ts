import fs from 'node:fs'
import path from 'node:path'
import { SqliteError } from '../sqlite-error.js'
import { SQLITE_CANTOPEN } from './constants.js'

/**
 * The absolute, symlink-free path of the database file `databasePath`, once it is clear it can be
 * opened. The checks happen here rather than in the VFS so that each failure gets its own message.
 */
export function resolveDatabasePath(databasePath: string, create: boolean): string {
  if (typeof databasePath !== 'string' || databasePath === '') {
    throw cannotOpen(`openFile needs the path of a database file, got ${JSON.stringify(databasePath)}`, 'Pass a file path; use openInMemory() for a database without a file.')
  }
  const absolute = path.resolve(databasePath)
  const directory = path.dirname(absolute)
  const directoryStats = stat(directory, absolute)
  if (directoryStats === undefined) {
    throw cannotOpen(
      `Cannot open the database file ${absolute}: its directory ${directory} does not exist`,
      `Create the directory first (fs.mkdirSync(dir, { recursive: true })), or pass another path.`,
    )
  }
  if (!directoryStats.isDirectory()) {
    throw cannotOpen(`Cannot open the database file ${absolute}: ${directory} is not a directory`, 'Pass a path inside a directory.')
  }
  const stats = stat(absolute, absolute)
  if (stats === undefined && !create) {
    throw cannotOpen(
      `Cannot open the database file ${absolute}: it does not exist`,
      'Check the path, or pass { create: true } to create an empty database there.',
    )
  }
  if (stats?.isDirectory()) {
    throw cannotOpen(`Cannot open ${absolute} as a database file: it is a directory`, 'Pass the path of a file inside it.')
  }
  // Symbolic links are resolved, so that two paths to one file share its lock file (and SQLite
  // keeps the write-ahead log next to the real file).
  return stats === undefined ? path.join(realPath(directory, absolute), path.basename(absolute)) : realPath(absolute, absolute)
}

function realPath(target: string, databasePath: string): string {
  try {
    return fs.realpathSync(target)
  } catch (error) {
    throw cannotOpen(
      `Cannot open the database file ${databasePath}: ${(error as Error).message}`,
      'Check that the path and its directories exist and are accessible to this process.',
    )
  }
}

/** fs.statSync, undefined for a missing file, a SqliteError for other failures (EACCES, ELOOP, …). */
function stat(target: string, databasePath: string): fs.Stats | undefined {
  try {
    return fs.statSync(target, { throwIfNoEntry: false })
  } catch (error) {
    throw cannotOpen(
      `Cannot open the database file ${databasePath}: ${(error as Error).message}`,
      'Check that the path and its directories exist and are accessible to this process.',
    )
  }
}

function cannotOpen(problem: string, hint: string): SqliteError {
  return new SqliteError({ problem, code: SQLITE_CANTOPEN, hint })
}
