/**
 * SQLite C constants the VFS needs (https://sqlite.org/c3ref/constlist.html). They are part of
 * SQLite's stable ABI, so they are spelled out instead of being looked up on `capi`.
 */

export const SQLITE_OK = 0
export const SQLITE_ERROR = 1
export const SQLITE_BUSY = 5
export const SQLITE_IOERR = 10
export const SQLITE_NOTFOUND = 12
export const SQLITE_FULL = 13
export const SQLITE_CANTOPEN = 14

export const SQLITE_IOERR_READ = SQLITE_IOERR | (1 << 8)
export const SQLITE_IOERR_SHORT_READ = SQLITE_IOERR | (2 << 8)
export const SQLITE_IOERR_WRITE = SQLITE_IOERR | (3 << 8)
export const SQLITE_IOERR_FSYNC = SQLITE_IOERR | (4 << 8)
export const SQLITE_IOERR_DIR_FSYNC = SQLITE_IOERR | (5 << 8)
export const SQLITE_IOERR_TRUNCATE = SQLITE_IOERR | (6 << 8)
export const SQLITE_IOERR_FSTAT = SQLITE_IOERR | (7 << 8)
export const SQLITE_IOERR_UNLOCK = SQLITE_IOERR | (8 << 8)
export const SQLITE_IOERR_DELETE = SQLITE_IOERR | (10 << 8)
export const SQLITE_IOERR_ACCESS = SQLITE_IOERR | (13 << 8)
export const SQLITE_IOERR_CHECKRESERVEDLOCK = SQLITE_IOERR | (14 << 8)
export const SQLITE_IOERR_LOCK = SQLITE_IOERR | (15 << 8)
export const SQLITE_IOERR_CLOSE = SQLITE_IOERR | (16 << 8)
export const SQLITE_IOERR_DELETE_NOENT = SQLITE_IOERR | (23 << 8)
export const SQLITE_CANTOPEN_ISDIR = SQLITE_CANTOPEN | (2 << 8)
export const SQLITE_CANTOPEN_FULLPATH = SQLITE_CANTOPEN | (3 << 8)

/** Flags of xOpen (https://sqlite.org/c3ref/c_open_autoproxy.html). */
export const SQLITE_OPEN_READONLY = 0x1
export const SQLITE_OPEN_READWRITE = 0x2
export const SQLITE_OPEN_CREATE = 0x4
export const SQLITE_OPEN_DELETEONCLOSE = 0x8
export const SQLITE_OPEN_EXCLUSIVE = 0x10
export const SQLITE_OPEN_MAIN_DB = 0x100

/** Lock levels of xLock/xUnlock. */
export const SQLITE_LOCK_RESERVED = 2

/** xSync flags. */
export const SQLITE_SYNC_DATAONLY = 0x10

/** xAccess flags. */
export const SQLITE_ACCESS_EXISTS = 0
export const SQLITE_ACCESS_READWRITE = 1

/** xDeviceCharacteristics: a write to one sector never damages its neighbours on power loss. */
export const SQLITE_IOCAP_POWERSAFE_OVERWRITE = 0x1000

/** The sector size SQLite assumes for files on disk (it is also the build's default). */
export const SECTOR_SIZE = 4096

/** Longest full path the VFS hands to SQLite, in bytes including the terminating NUL. */
export const MAX_PATHNAME = 1024

/** Milliseconds from the Julian day epoch (noon, 24 Nov 4714 BC) to the Unix epoch. */
export const UNIX_EPOCH_JULIAN_MS = 210_866_760_000_000
