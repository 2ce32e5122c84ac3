/**
 * The C structs a VFS is made of, as SQLite documents them (https://sqlite.org/c3ref/vfs.html,
 * https://sqlite.org/c3ref/io_methods.html, https://sqlite.org/c3ref/file.html). Every member is an
 * int or a pointer, 4 bytes each in wasm32, so a member's offset is 4 × its position. New versions
 * of SQLite only append members (gated by `iVersion`), which keeps these offsets valid.
 */
export interface StructLayout {
  readonly name: string
  readonly sizeof: number
  /** Offset and, for function pointers, signature (sqlite-wasm notation: `i(pip)`) of each member. */
  readonly members: Readonly<Record<string, { readonly offset: number; readonly signature: string }>>
}

const layout = (name: string, members: readonly (readonly [string, string])[]): StructLayout => ({
  name,
  sizeof: members.length * 4,
  members: Object.fromEntries(members.map(([member, signature], index) => [member, { offset: index * 4, signature }])),
})

// Signature letters: i = int, p = pointer, s = C string, j = sqlite3_int64, v = void (results only).
export const SQLITE3_VFS = layout('sqlite3_vfs', [
  ['iVersion', 'i'],
  ['szOsFile', 'i'],
  ['mxPathname', 'i'],
  ['pNext', 'p'],
  ['zName', 's'],
  ['pAppData', 'p'],
  ['xOpen', 'i(pppip)'],
  ['xDelete', 'i(ppi)'],
  ['xAccess', 'i(ppip)'],
  ['xFullPathname', 'i(ppip)'],
  ['xDlOpen', 'p(pp)'],
  ['xDlError', 'v(pip)'],
  ['xDlSym', 'p(ppp)'],
  ['xDlClose', 'v(pp)'],
  ['xRandomness', 'i(pip)'],
  ['xSleep', 'i(pi)'],
  ['xCurrentTime', 'i(pp)'],
  ['xGetLastError', 'i(pip)'],
  ['xCurrentTimeInt64', 'i(pp)'],
  ['xSetSystemCall', 'i(ppp)'],
  ['xGetSystemCall', 'p(pp)'],
  ['xNextSystemCall', 'p(pp)'],
])

export const SQLITE3_IO_METHODS = layout('sqlite3_io_methods', [
  ['iVersion', 'i'],
  ['xClose', 'i(p)'],
  ['xRead', 'i(ppij)'],
  ['xWrite', 'i(ppij)'],
  ['xTruncate', 'i(pj)'],
  ['xSync', 'i(pi)'],
  ['xFileSize', 'i(pp)'],
  ['xLock', 'i(pi)'],
  ['xUnlock', 'i(pi)'],
  ['xCheckReservedLock', 'i(pp)'],
  ['xFileControl', 'i(pip)'],
  ['xSectorSize', 'i(p)'],
  ['xDeviceCharacteristics', 'i(p)'],
  ['xShmMap', 'i(piiip)'],
  ['xShmLock', 'i(piii)'],
  ['xShmBarrier', 'v(p)'],
  ['xShmUnmap', 'i(pi)'],
  ['xFetch', 'i(pjip)'],
  ['xUnfetch', 'i(pjp)'],
])

export const SQLITE3_FILE = layout('sqlite3_file', [['pMethods', 'p']])

/** The offset of `member` in `struct`; throws for a member it does not have. */
export function memberOffset(struct: StructLayout, member: string): number {
  const info = struct.members[member]
  if (info === undefined) throw new Error(`${struct.name} has no member ${member}`)
  return info.offset
}
