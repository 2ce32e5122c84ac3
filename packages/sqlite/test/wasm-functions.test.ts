import sqlite3InitModule, { type Sqlite3Static } from '@sqlite.org/sqlite-wasm'
import { beforeAll, describe, expect, it } from 'vitest'
import { installFunctions } from '../src/wasm-functions.js'

let sqlite3: Sqlite3Static

beforeAll(async () => {
  sqlite3 = await sqlite3InitModule()
})

describe('installFunctions', () => {
  it('puts JS functions of any signature into the function table with one module', () => {
    const { wasm } = sqlite3
    const calls: unknown[][] = []
    const pointers = installFunctions(wasm, [
      { signature: 'i(pi)', fn: (a: number, b: number) => a + b },
      { signature: 'v(pj)', fn: (...args: unknown[]) => void calls.push(args) },
      { signature: 'd(d)', fn: (x: number) => x / 2 },
      { signature: 'jpj', fn: (_p: number, x: bigint) => x * 2n },
    ])
    const table = wasm.functionTable()
    expect(pointers).toHaveLength(4)
    expect(new Set(pointers).size).toBe(4)
    const call = (index: number, ...args: unknown[]): unknown => (table.get(pointers[index]!) as (...a: unknown[]) => unknown)(...args)
    expect(call(0, 40, 2)).toBe(42)
    expect(call(1, 7, 2n ** 40n)).toBeUndefined()
    expect(calls).toEqual([[7, 2n ** 40n]])
    expect(call(2, 3)).toBe(1.5)
    expect(call(3, 0, 21n)).toBe(42n)
    // They are ordinary table entries: sqlite-wasm can remove them and reuse the slots.
    wasm.uninstallFunction(pointers[0]!)
    expect(table.get(pointers[0]!)).toBeNull()
  })

  it('refuses a signature with an unknown letter', () => {
    expect(() => installFunctions(sqlite3.wasm, [{ signature: 'i(x)', fn: () => 0 }])).toThrow(/Invalid letter "x"/)
  })
})
