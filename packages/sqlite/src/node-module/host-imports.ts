import { writeSync } from 'node:fs'

/** The imports of `sqlite3.wasm`: Emscripten's C runtime (`env`) and WASI (`wasi_snapshot_preview1`). */
export interface HostImports {
  readonly env: WebAssembly.ModuleImports
  readonly wasi_snapshot_preview1: WebAssembly.ModuleImports
}

// errno values of Emscripten's libc (musl, WASI numbering).
const EBADF = 8
const ENOSYS = 52
const WASM_PAGE = 65536
const STDOUT = 1
const STDERR = 2
/** Room for a time zone name in the buffers tzset fills: POSIX guarantees 6 characters and the NUL. */
const ZONE_NAME_BYTES = 7

/**
 * The host functions the module imports, for a module that only ever touches files through a VFS
 * registered from JS: the system calls of SQLite's built-in unix VFS fail with ENOSYS (it is never
 * used for files: in-memory databases need no file, and the node:fs VFS is registered as the
 * default), while time, local time, heap growth and writes to stdout/stderr work.
 */
export function hostImports(memory: WebAssembly.Memory, maximumPages: number): HostImports {
  const view = (): DataView => new DataView(memory.buffer)
  const noSystemCall = (): number => -ENOSYS
  const badDescriptor = (): number => EBADF
  const env: WebAssembly.ModuleImports = {
    memory,
    emscripten_date_now: () => Date.now(),
    emscripten_get_now: () => performance.now(),
    emscripten_get_heap_max: () => maximumPages * WASM_PAGE,
    emscripten_resize_heap: (requested: number) => growMemory(memory, requested >>> 0, maximumPages),
    _tzset_js: (timezone: number, daylight: number, standardName: number, daylightName: number) => {
      const zone = localZone()
      const data = view()
      data.setInt32(timezone, zone.standardMinutesWest * 60, true)
      data.setInt32(daylight, zone.hasDaylightTime ? 1 : 0, true)
      writeName(memory, standardName, zone.standardName)
      writeName(memory, daylightName, zone.daylightName)
    },
    _localtime_js: (time: bigint, tm: number) => writeLocalTime(view(), new Date(Number(time) * 1000), tm),
    _mmap_js: noSystemCall,
    _munmap_js: noSystemCall,
  }
  for (const name of SYSTEM_CALLS) env[name] = noSystemCall
  const wasi: WebAssembly.ModuleImports = {
    fd_write: (fd: number, iovs: number, count: number, written: number) => {
      if (fd !== STDOUT && fd !== STDERR) return EBADF
      const data = view()
      let total = 0
      for (let index = 0; index < count; index++) {
        const pointer = data.getUint32(iovs + index * 8, true)
        const length = data.getUint32(iovs + index * 8 + 4, true)
        writeSync(fd, new Uint8Array(memory.buffer, pointer, length))
        total += length
      }
      data.setUint32(written, total, true)
      return 0
    },
    fd_read: badDescriptor,
    fd_seek: badDescriptor,
    fd_sync: badDescriptor,
    fd_close: badDescriptor,
    fd_fdstat_get: badDescriptor,
    environ_sizes_get: (count: number, size: number) => {
      const data = view()
      data.setUint32(count, 0, true)
      data.setUint32(size, 0, true)
      return 0
    },
    environ_get: () => 0,
    clock_time_get: (_clock: number, _precision: bigint, time: number) => {
      view().setBigUint64(time, BigInt(Date.now()) * 1_000_000n, true)
      return 0
    },
  }
  return { env, wasi_snapshot_preview1: wasi }
}

const SYSTEM_CALLS = [
  '__syscall_faccessat',
  '__syscall_fchmod',
  '__syscall_chmod',
  '__syscall_fchown32',
  '__syscall_fcntl64',
  '__syscall_openat',
  '__syscall_ioctl',
  '__syscall_fstat64',
  '__syscall_stat64',
  '__syscall_newfstatat',
  '__syscall_lstat64',
  '__syscall_ftruncate64',
  '__syscall_getcwd',
  '__syscall_mkdirat',
  '__syscall_readlinkat',
  '__syscall_rmdir',
  '__syscall_unlinkat',
  '__syscall_utimensat',
]

/**
 * Grows the memory to at least `requested` bytes (malloc asks when its heap runs out), by a quarter
 * more than asked so that a growing database does not grow the memory page by page.
 * @returns 1 on success, 0 when the memory cannot grow that far.
 */
function growMemory(memory: WebAssembly.Memory, requested: number, maximumPages: number): number {
  const currentPages = memory.buffer.byteLength / WASM_PAGE
  const neededPages = Math.ceil(requested / WASM_PAGE)
  if (neededPages <= currentPages) return 1
  if (neededPages > maximumPages) return 0
  const generousPages = Math.min(maximumPages, Math.max(neededPages, Math.ceil(currentPages * 1.25)))
  for (const pages of [generousPages, neededPages]) {
    try {
      memory.grow(pages - currentPages)
      return 1
    } catch {
      // The host refused that much; try exactly what is needed.
    }
  }
  return 0
}

interface LocalZone {
  /** Minutes west of UTC outside daylight saving time (POSIX `timezone` / 60). */
  readonly standardMinutesWest: number
  readonly hasDaylightTime: boolean
  readonly standardName: string
  readonly daylightName: string
}

function localZone(): LocalZone {
  const year = new Date().getFullYear()
  const january = new Date(year, 0, 1).getTimezoneOffset()
  const july = new Date(year, 6, 1).getTimezoneOffset()
  // Standard time is the one further west, in either hemisphere.
  const standardMinutesWest = Math.max(january, july)
  const daylightMinutesWest = Math.min(january, july)
  return {
    standardMinutesWest,
    hasDaylightTime: january !== july,
    standardName: zoneName(standardMinutesWest),
    daylightName: zoneName(daylightMinutesWest),
  }
}

/** `UTC` or `UTC+2`/`UTC-530`-style names: short enough for any tzname buffer. */
function zoneName(minutesWest: number): string {
  if (minutesWest === 0) return 'UTC'
  const east = -minutesWest
  const hours = Math.trunc(Math.abs(east) / 60)
  const minutes = Math.abs(east) % 60
  return `UTC${east < 0 ? '-' : '+'}${hours}${minutes === 0 ? '' : String(minutes).padStart(2, '0')}`.slice(0, ZONE_NAME_BYTES - 1)
}

function writeName(memory: WebAssembly.Memory, pointer: number, name: string): void {
  const bytes = new Uint8Array(memory.buffer, pointer, ZONE_NAME_BYTES)
  bytes.fill(0)
  for (let index = 0; index < name.length; index++) bytes[index] = name.charCodeAt(index)
}

/** Fills the C `struct tm` at `tm` (musl layout: nine ints, `long tm_gmtoff`, `tm_zone`) with `date` in local time. */
function writeLocalTime(data: DataView, date: Date, tm: number): void {
  const startOfYear = new Date(date.getFullYear(), 0, 1)
  const dayOfYear = Math.round((Date.UTC(date.getFullYear(), date.getMonth(), date.getDate()) - Date.UTC(startOfYear.getFullYear(), 0, 1)) / 86_400_000)
  const zone = localZone()
  const fields = [
    date.getSeconds(),
    date.getMinutes(),
    date.getHours(),
    date.getDate(),
    date.getMonth(),
    date.getFullYear() - 1900,
    date.getDay(),
    dayOfYear,
    zone.hasDaylightTime && date.getTimezoneOffset() !== zone.standardMinutesWest ? 1 : 0,
    -date.getTimezoneOffset() * 60,
    0, // tm_zone: SQLite does not read it
  ]
  fields.forEach((value, index) => data.setInt32(tm + index * 4, value, true))
}
