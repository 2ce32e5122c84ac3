import { describe, expect, it } from 'vitest'
import { BoundedMap } from '../../src/utils/bounded-map.js'

describe('BoundedMap', () => {
  it('empties itself before a new key would pass the limit, and keeps updating known keys', () => {
    const map = new BoundedMap<string, number>(3)
    map.set('a', 1).set('b', 2).set('c', 3)
    map.set('a', 10)
    expect([...map]).toEqual([['a', 10], ['b', 2], ['c', 3]])
    map.set('d', 4)
    expect([...map]).toEqual([['d', 4]])
    expect(map.get('a')).toBeUndefined()
  })
})
