import { beforeAll, describe, expect, it } from 'vitest'
import { instantiateSqliteModule } from '../src/node-module/index.js'
import type { SqliteModule } from '../src/sqlite-module.js'
import { installFunctions } from '../src/wasm-functions.js'

let module: SqliteModule

beforeAll(async () => {
  module = await instantiateSqliteModule()
})

describe('installFunctions', () => {
  it('puts JS functions of any signature into the function table with one module', () => {
    const calls: unknown[][] = []
    const table = module.functionTable()
    const pointers = installFunctions(table, [
      { signature: 'i(pi)', fn: (a: number, b: number) => a + b },
      { signature: 'v(pj)', fn: (...args: unknown[]) => void calls.push(args) },
      { signature: 'd(d)', fn: (x: number) => x / 2 },
      { signature: 'jpj', fn: (_p: number, x: bigint) => x * 2n },
    ])
    expect(pointers).toHaveLength(4)
    expect(new Set(pointers).size).toBe(4)
    const call = (index: number, ...args: unknown[]): unknown => (table.get(pointers[index]!) as (...a: unknown[]) => unknown)(...args)
    expect(call(0, 40, 2)).toBe(42)
    expect(call(1, 7, 2n ** 40n)).toBeUndefined()
    expect(calls).toEqual([[7, 2n ** 40n]])
    expect(call(2, 3)).toBe(1.5)
    expect(call(3, 0, 21n)).toBe(42n)
  })

  it('writes into given free slots instead of growing the table', () => {
    const table = module.functionTable()
    const [first, second] = installFunctions(table, [
      { signature: 'i()', fn: () => 1 },
      { signature: 'i()', fn: () => 2 },
    ])
    table.set(first!, null)
    table.set(second!, null)
    const length = table.length
    expect(installFunctions(table, [{ signature: 'i()', fn: () => 3 }, { signature: 'i()', fn: () => 4 }], [second!, first!])).toEqual([second, first])
    expect(table.length).toBe(length)
    expect((table.get(second!) as () => number)()).toBe(3)
    expect((table.get(first!) as () => number)()).toBe(4)
  })

  it('refuses a signature with an unknown letter', () => {
    expect(() => installFunctions(module.functionTable(), [{ signature: 'i(x)', fn: () => 0 }])).toThrow(/Invalid letter "x"/)
  })
})

describe('the module installFunction / uninstallFunction', () => {
  it('reuses the slot of an uninstalled function and drops the function', () => {
    const pointer = module.installFunction('i(i)', (x: number) => x + 1)
    expect((module.functionTable().get(pointer) as (x: number) => number)(1)).toBe(2)
    module.uninstallFunction(pointer)
    expect(module.functionTable().get(pointer)).toBeNull()
    const again = module.installFunction('i(i)', (x: number) => x * 10)
    expect(again).toBe(pointer)
    expect((module.functionTable().get(again) as (x: number) => number)(2)).toBe(20)
    module.uninstallFunction(again)
  })
})
