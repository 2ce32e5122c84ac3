import { describe, expect, it } from 'vitest'
import { ReactiveGraph } from '../../src/reactive/graph.js'
import { deepEqual } from '../../src/utils/deep-equal.js'

describe('ReactiveGraph', () => {
  it('recomputes a thunk lazily, only when a dependency changed', () => {
    const graph = new ReactiveGraph()
    const a = graph.makeRef(1)
    let runs = 0
    const double = graph.makeThunk((get) => {
      runs++
      return get(a) * 2
    })
    expect(graph.get(double)).toBe(2)
    expect(graph.get(double)).toBe(2)
    expect(runs).toBe(1)
    graph.setRef(a, 5)
    expect(runs).toBe(1)
    expect(graph.get(double)).toBe(10)
    expect(runs).toBe(2)
  })

  it('runs an effect once per batch, and only when what it read changed', () => {
    const graph = new ReactiveGraph()
    const a = graph.makeRef(1)
    const b = graph.makeRef(1)
    const sum = graph.makeThunk((get) => get(a) + get(b))
    const seen: number[] = []
    graph.makeEffect((get) => seen.push(get(sum)))
    graph.batch(() => {
      graph.setRef(a, 2)
      graph.setRef(b, 3)
    })
    expect(seen).toEqual([2, 5])
  })

  it('stops propagation at a thunk whose new value equals the old one', () => {
    const graph = new ReactiveGraph()
    const list = graph.makeRef([1, 2, 3], { equal: () => false })
    const firstTwo = graph.makeThunk((get) => get(list).slice(0, 2), { equal: deepEqual })
    let effectRuns = 0
    graph.makeEffect((get) => {
      get(firstTwo)
      effectRuns++
    })
    graph.setRef(list, [1, 2, 4])
    expect(effectRuns).toBe(1)
    graph.setRef(list, [9, 2, 4])
    expect(effectRuns).toBe(2)
  })

  it('tracks dynamic dependencies: a branch no longer read stops triggering', () => {
    const graph = new ReactiveGraph()
    const useA = graph.makeRef(true)
    const a = graph.makeRef('a')
    const b = graph.makeRef('b')
    const seen: string[] = []
    graph.makeEffect((get) => seen.push(get(useA) ? get(a) : get(b)))
    graph.setRef(useA, false)
    graph.setRef(a, 'a2')
    graph.setRef(b, 'b2')
    expect(seen).toEqual(['a', 'b', 'b2'])
  })

  it('a disposed effect never runs again', () => {
    const graph = new ReactiveGraph()
    const a = graph.makeRef(0)
    let runs = 0
    const effect = graph.makeEffect((get) => {
      get(a)
      runs++
    })
    graph.dispose(effect)
    graph.setRef(a, 1)
    expect(runs).toBe(1)
    expect(a.dependents.size).toBe(0)
  })

  it('keeps notifying after a thunk threw once', () => {
    const graph = new ReactiveGraph()
    const a = graph.makeRef(0)
    const risky = graph.makeThunk((get) => {
      const value = get(a)
      if (value === 1) throw new Error('boom')
      return value
    })
    const seen: unknown[] = []
    graph.makeEffect((get) => {
      try {
        seen.push(get(risky))
      } catch (error) {
        seen.push((error as Error).message)
      }
    })
    graph.setRef(a, 1)
    graph.setRef(a, 2)
    expect(seen).toEqual([0, 'boom', 2])
  })

  it('hands effect runs to the batch wrapper (e.g. React batchedUpdates)', () => {
    let wrapped = 0
    const graph = new ReactiveGraph((run) => {
      wrapped++
      run()
    })
    const a = graph.makeRef(0)
    graph.makeEffect((get) => get(a))
    graph.makeEffect((get) => get(a))
    graph.setRef(a, 1)
    expect(wrapped).toBe(1)
  })
})
