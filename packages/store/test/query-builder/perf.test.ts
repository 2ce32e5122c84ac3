/**
 * Building and compiling writes is on the commit hot path (materializers run on every commit,
 * rebase and rebuild). These guard against regressions and print the numbers.
 */
import { describe, expect, it } from 'vitest'
import { compileQuery } from '../../src/query-builder/internal.js'
import { State } from '../../src/schema/index.js'
import { todos } from './support/fixtures.js'

// The docs' todo table (workspace sample).
const todo = State.SQLite.table({
  name: 'todo',
  columns: {
    todoId: State.SQLite.text({ primaryKey: true }),
    text: State.SQLite.text(),
    completed: State.SQLite.boolean({ default: false }),
    deletedAt: State.SQLite.integer({ nullable: true }),
  },
})

const measure = (label: string, run: (i: number) => unknown): number => {
  for (let i = 0; i < 20_000; i++) run(i)
  const n = 100_000
  const start = performance.now()
  for (let i = 0; i < n; i++) run(i)
  const micros = ((performance.now() - start) * 1000) / n
  console.log(`[perf] ${label}: ${micros.toFixed(2)} µs`)
  return micros
}

describe('query builder performance', () => {
  it('insert build + compile (docs todo table)', () => {
    const micros = measure('insert (4 columns, default + nullable) build + compile', (i) =>
      compileQuery(todo.insert({ todoId: `id-${i}`, text: 'Buy milk' })),
    )
    expect(micros).toBeLessThan(20)
  })

  it('insert build + compile (with a Date thunk default)', () => {
    const micros = measure('insert (6 columns, thunk default) build + compile', (i) =>
      compileQuery(todos.insert({ id: `id-${i}`, text: 'Buy milk', completed: false })),
    )
    expect(micros).toBeLessThan(20)
  })

  it('update().where({ id }) build + compile', () => {
    const micros = measure('update({ completed }).where({ id }) build + compile', (i) =>
      compileQuery(todos.update({ completed: true }).where({ id: `id-${i}` })),
    )
    expect(micros).toBeLessThan(20)
  })

  it('read build + compile', () => {
    const micros = measure("where({ completed }).orderBy('id').limit(10) build + compile", () =>
      compileQuery(todos.where({ completed: false }).orderBy('id').limit(10)),
    )
    expect(micros).toBeLessThan(20)
  })
})
