import type { FileVfs } from '../file-vfs.js'
import type { SqliteRuntime } from '../runtime.js'
import { SqliteError } from '../sqlite-error.js'
import { allocateStruct, installStructMethods } from './struct-methods.js'
import { MAX_PATHNAME } from './constants.js'
import { ioMethods } from './io-methods.js'
import { readFilePrefix } from './read-file.js'
import { resolveDatabasePath } from './resolve-path.js'
import { memberOffset, SQLITE3_FILE, SQLITE3_IO_METHODS, SQLITE3_VFS } from '../vfs-structs.js'
import { vfsMethods } from './vfs-methods.js'
import type { VfsState } from './vfs-state.js'

/** The name the VFS is registered under, for `sqlite3_open_v2`. */
export const NODE_FS_VFS_NAME = 'cairn-nodefs'

const installed = new WeakMap<SqliteRuntime, FileVfs>()

/**
 * Registers the node:fs VFS in the wasm module of `runtime` (once; later calls return the same one).
 * `openFile` opens files with it by name. It is also made the default VFS, because SQLite seeds its
 * random numbers (WAL salts) from the default VFS, and the module's own one reads Emscripten's
 * /dev/urandom, which loads node:crypto (~5 ms of the first open). In-memory databases do no file
 * I/O through it: this build keeps temp files in memory (SQLITE_TEMP_STORE=2).
 */
export function installNodeFsVfs(runtime: SqliteRuntime): FileVfs {
  let vfs = installed.get(runtime)
  if (vfs === undefined) {
    vfs = install(runtime)
    installed.set(runtime, vfs)
  }
  return vfs
}

function install(runtime: SqliteRuntime): FileVfs {
  const { module, memory, info, raw } = runtime
  const state: VfsState = { memory, files: new Map(), lastOpenFailure: undefined }

  // Both structs live as long as the module: SQLite keeps pointers to them.
  const ioLayout = SQLITE3_IO_METHODS
  const io = allocateStruct(memory, ioLayout)
  memory.setInt32(io + memberOffset(ioLayout, 'iVersion'), 1)

  const vfsLayout = SQLITE3_VFS
  const vfs = allocateStruct(memory, vfsLayout)
  const set = (member: string, value: number): void => memory.setInt32(vfs + memberOffset(vfsLayout, member), value)
  set('iVersion', 2)
  // sqlite3_file holds only pMethods: the VFS keeps each file's state in a Map keyed by its pointer.
  set('szOsFile', SQLITE3_FILE.sizeof)
  set('mxPathname', MAX_PATHNAME)
  set('zName', memory.permanentCString(NODE_FS_VFS_NAME))
  installStructMethods(module, memory, [
    { pointer: io, layout: ioLayout, methods: ioMethods(state) },
    { pointer: vfs, layout: vfsLayout, methods: vfsMethods(state, io) },
  ])
  const rc = raw.sqlite3_vfs_register(vfs, 1)
  if (rc !== 0) {
    throw new SqliteError({
      problem: `Could not register the ${NODE_FS_VFS_NAME} VFS: ${info.resultCodeName(rc) ?? `code ${rc}`}`,
      code: rc,
      hint: 'This is a bug in @cairn/sqlite; please report it.',
    })
  }

  return {
    name: NODE_FS_VFS_NAME,
    resolve: resolveDatabasePath,
    takeOpenFailure(path) {
      const failure = state.lastOpenFailure
      state.lastOpenFailure = undefined
      return failure?.path === path ? failure.error : undefined
    },
    readFile: readFilePrefix,
  }
}
