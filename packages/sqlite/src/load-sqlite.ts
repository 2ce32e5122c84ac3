import type { FileVfs } from './file-vfs.js'
import { isNode } from './platform.js'
import { createRuntime, type SqliteRuntime } from './runtime.js'
import { moduleFromGlue, type SqliteModule } from './sqlite-module.js'
import { WasmSqliteDbFactory } from './wasm-sqlite-db.js'

let loading: Promise<WasmSqliteDbFactory> | undefined

/**
 * Loads and initialises the SQLite wasm module (done once per process: later calls return the same
 * promise) and resolves to a factory of databases: in memory everywhere, and in files (`openFile`)
 * in Node.
 *
 * @example
 * const sqlite = await loadSqlite()
 * const db = sqlite.openInMemory()
 * const saved = sqlite.openFile('./data/app.db')
 */
export function loadSqlite(): Promise<WasmSqliteDbFactory> {
  loading ??= Promise.all([loadModule(), loadFileVfs()]).then(
    ([module, installFileVfs]) => new WasmSqliteDbFactory(createRuntime(module), installFileVfs),
    (error: unknown) => {
      // Let a later call try again instead of caching the failure.
      loading = undefined
      throw error
    },
  )
  return loading
}

/**
 * Node instantiates the wasm itself (see `node-module/`); browsers go through sqlite-wasm's loader,
 * whose JS API provides the OPFS VFS. Both are imported dynamically so that each platform loads
 * only its own.
 */
async function loadModule(): Promise<SqliteModule> {
  if (isNode()) {
    const { instantiateSqliteModule, WasmFileNotFound } = await import('./node-module/index.js')
    return loadNodeModule(instantiateSqliteModule, WasmFileNotFound)
  }
  return loadGlueModule()
}

/** The Node module, or sqlite-wasm's loader when the wasm file is not where the package keeps it (a bundled app). */
export async function loadNodeModule(
  instantiate: () => Promise<SqliteModule>,
  notFound: new (...args: never[]) => Error,
): Promise<SqliteModule> {
  try {
    return await instantiate()
  } catch (error) {
    if (!(error instanceof notFound)) throw error
    return loadGlueModule()
  }
}

async function loadGlueModule(): Promise<SqliteModule> {
  const { default: sqlite3InitModule } = await import('@sqlite.org/sqlite-wasm')
  return moduleFromGlue(await sqlite3InitModule())
}

/**
 * The node:fs VFS in Node, nothing elsewhere. Imported dynamically so that browser bundles of this
 * package do not pull in `node:` modules.
 */
async function loadFileVfs(): Promise<((runtime: SqliteRuntime) => FileVfs) | undefined> {
  if (!isNode()) return undefined
  const { installNodeFsVfs } = await import('./node-fs-vfs/index.js')
  return installNodeFsVfs
}
