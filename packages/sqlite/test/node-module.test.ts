import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { beforeAll, describe, expect, it } from 'vitest'
import { loadSqlite } from '../src/index.js'
import { instantiateSqliteModule } from '../src/node-module/index.js'
import type { SqliteModule } from '../src/sqlite-module.js'
import { SQLITE3_FILE, SQLITE3_IO_METHODS, SQLITE3_VFS, type StructLayout } from '../src/vfs-structs.js'

// Node instantiates sqlite3.wasm without sqlite-wasm's JS loader (see src/node-module/): these
// check what that loader would otherwise have provided.

let module: SqliteModule

beforeAll(async () => {
  module = await instantiateSqliteModule()
})

const cstring = (pointer: number): string => {
  const heap = module.heap8u()
  return new TextDecoder().decode(heap.subarray(pointer, heap.indexOf(0, pointer)))
}

describe('the VFS struct layouts', () => {
  it('match the layouts the build reports', () => {
    const json = JSON.parse(cstring(module.exports.sqlite3__wasm_enum_json())) as { structs: StructLayout[] }
    for (const ours of [SQLITE3_VFS, SQLITE3_IO_METHODS, SQLITE3_FILE]) {
      const built = json.structs.find((struct) => struct.name === ours.name)!
      expect(ours.sizeof).toBe(built.sizeof)
      for (const [name, member] of Object.entries(ours.members)) {
        expect({ name, offset: member.offset }).toEqual({ name, offset: built.members[name]!.offset })
        // The build annotates the dynamic-loading members (which no VFS here implements) unlike their C types.
        if (!name.startsWith('xDl')) expect({ name, signature: member.signature }).toEqual({ name, signature: built.members[name]!.signature })
      }
    }
  })
})

describe('dates and times', () => {
  it("SQLite's 'now' is the current time", async () => {
    const db = (await loadSqlite()).openInMemory()
    const [row] = db.select<{ now: number }>("SELECT CAST(unixepoch('subsec') * 1000 AS INTEGER) AS now")
    expect(Math.abs(row!.now - Date.now())).toBeLessThan(5_000)
    db.close()
  })

  const localTimeIn = (timeZone: string): Promise<{ stdout: string }> =>
    promisify(execFile)(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { loadSqlite } from '@cairn/sqlite'
         const db = (await loadSqlite()).openInMemory()
         const rows = db.select("SELECT datetime(1700000000, 'unixepoch', 'localtime') AS winter, datetime(1688000000, 'unixepoch', 'localtime') AS summer, datetime('2024-07-01 12:00:00', 'utc') AS utc")
         console.log(JSON.stringify(rows[0]))`,
      ],
      { env: { ...process.env, TZ: timeZone } },
    )

  const expected = (timeZone: string) => {
    const format = (seconds: number): string =>
      new Intl.DateTimeFormat('sv-SE', { timeZone, dateStyle: 'short', timeStyle: 'medium' }).format(new Date(seconds * 1000))
    const local = new Date(Date.UTC(2024, 6, 1, 12))
    // '2024-07-01 12:00:00' read as local time in `timeZone`, in UTC.
    const offsetMinutes = (Date.parse(format(local.getTime() / 1000).replace(' ', 'T') + 'Z') - local.getTime()) / 60_000
    const utc = new Date(local.getTime() - offsetMinutes * 60_000).toISOString().slice(0, 19).replace('T', ' ')
    return { winter: format(1700000000), summer: format(1688000000), utc }
  }

  for (const timeZone of ['UTC', 'America/New_York', 'Asia/Kolkata', 'Australia/Sydney']) {
    it(`'localtime' and 'utc' follow the time zone (${timeZone})`, async () => {
      const { stdout } = await localTimeIn(timeZone)
      expect(JSON.parse(stdout)).toEqual(expected(timeZone))
    })
  }
})

describe('randomness', () => {
  it('seeds SQLite from crypto: processes started together get different random numbers', async () => {
    const run = () =>
      promisify(execFile)(process.execPath, [
        '--input-type=module',
        '-e',
        `import { loadSqlite } from '@cairn/sqlite'
         const db = (await loadSqlite()).openInMemory()
         console.log(db.select('SELECT hex(randomblob(16)) AS r')[0].r)`,
      ])
    const outputs = await Promise.all([run(), run(), run()])
    const values = outputs.map(({ stdout }) => stdout.trim())
    expect(values.every((value) => /^[0-9A-F]{32}$/.test(value))).toBe(true)
    expect(new Set(values).size).toBe(3)
  })
})

describe('loading', () => {
  it("falls back to sqlite-wasm's loader when the wasm file is not next to the package (a bundled app)", async () => {
    const { loadNodeModule } = await import('../src/load-sqlite.js')
    const { WasmFileNotFound } = await import('../src/node-module/index.js')
    const fallback = await loadNodeModule(() => Promise.reject(new WasmFileNotFound('not found')), WasmFileNotFound)
    expect(fallback.glue).toBeDefined()
    const version = fallback.exports.sqlite3_libversion_number()
    expect(version).toBe(module.exports.sqlite3_libversion_number())
    // Any other failure is not hidden by the fallback.
    await expect(loadNodeModule(() => Promise.reject(new Error('boom')), WasmFileNotFound)).rejects.toThrow('boom')
  })
})
