/**
 * A sqlite3 VFS on synchronous `node:fs`, so that the wasm build can keep databases in real files in
 * Node. Loaded only in Node (by `loadSqlite`), so that browser bundles never see `node:` imports.
 */
export { installNodeFsVfs, NODE_FS_VFS_NAME } from './install.js'
export { lockPathFor } from './lock-file.js'
