// Apps may build schemas with their own `import * as Schema from 'effect/Schema'` instead of
// `import { Schema } from '@cairn/store'`, and pass them to Events.synced / State.SQLite.json /
// clientDocument. Against the built dist (plain node), that must behave exactly like Cairn's Schema.
// If the dist carried its own copy of effect (bundled), the app's schemas would come from another
// copy, and effect does not work across copies: this test is what keeps `effect` external
// (scripts/build-bundles.mjs, BUNDLED_DEPENDENCIES).
import { beforeAll, describe, expect, it } from 'vitest'
import { ensureBundlesBuilt, runFixture } from './helpers.js'

type Outcome = { ok: true; value: unknown } | { ok: false; name?: string; tag?: string; message: string; issues?: unknown }
type Report = {
  mode: 'user' | 'cairn'
  resolved: { store: string; effectSchema: string }
  sameSchemaModule: boolean
  results: Record<string, Outcome>
}

let user: Report
let cairn: Report
let stderr: string[]

beforeAll(async () => {
  ensureBundlesBuilt()
  const [u, c] = await Promise.all([runFixture<Report>('schema-identity.mjs', ['user']), runFixture<Report>('schema-identity.mjs', ['cairn'])])
  user = u.report
  cairn = c.report
  stderr = [u.stderr, c.stderr]
}, 120_000)

describe("schemas from the app's own effect/Schema, against the built dist", () => {
  it('really come from effect/Schema, with @cairn/store loaded from dist', () => {
    expect(user.resolved.store).toMatch(/\/packages\/store\/dist\/index\.js$/)
    expect(user.resolved.effectSchema).toMatch(/\/node_modules\/effect\/dist\/Schema\.js$/)
    expect(stderr).toEqual(['', ''])
  })

  it('behave exactly like schemas from @cairn/store (every case)', () => {
    expect(Object.keys(user.results)).toEqual(Object.keys(cairn.results))
    for (const [label, outcome] of Object.entries(cairn.results)) {
      expect(user.results[label], label).toEqual(outcome)
    }
  })

  it('validate event arguments with InvalidEventArgsError (nested refinements, classes, Dates)', () => {
    const r = user.results
    expect(r['event: wrong field types']).toMatchObject({
      ok: false,
      name: 'InvalidEventArgsError',
      isInvalidEventArgsError: true,
      issues: [
        { path: ['id'], message: 'Expected string, got number 1' },
        { path: ['at'], message: expect.stringContaining('Expected a valid Date') },
      ],
    })
    expect(r['event: missing field']).toMatchObject({ ok: false, issues: [{ path: ['at'], message: 'missing (required)' }] })
    expect(r['event: null args']).toMatchObject({ ok: false, name: 'InvalidEventArgsError' })
    expect(r['event: invalid Date']).toMatchObject({ ok: false, name: 'InvalidEventArgsError' })
    expect(r['event: refinement in nested struct']).toMatchObject({
      ok: false,
      isInvalidEventArgsError: true,
      issues: [{ path: ['meta', 'priority'], message: 'Expected a value greater than 0, got number -1' }],
    })
    expect(r['event: plain object where a class instance is expected']).toMatchObject({
      ok: false,
      isInvalidEventArgsError: true,
      issues: [{ path: ['owner'], message: expect.stringContaining('Expected Person') }],
    })
    expect(r['event: valid args']).toEqual({ ok: true, value: { name: 'v1.ItemDone', at: '1970-01-01T00:00:00.000Z' } })
  })

  it('encode and decode json columns, rejecting invalid values', () => {
    const r = user.results
    expect(r['json column: encode']).toEqual({ ok: true, value: '{"priority":2,"labels":["x"],"due":"1970-01-01T00:00:00.005Z"}' })
    expect(r['json column: decode']).toEqual({
      ok: true,
      value: { priority: 2, labels: ['x'], due: '1970-01-01T00:00:00.005Z', dueIsDate: true },
    })
    expect(r['json column: encode invalid']).toMatchObject({ ok: false, message: expect.stringContaining('priority: Expected number') })
    expect(r['json column: decode invalid']).toMatchObject({ ok: false, message: expect.stringContaining('Expected a value greater than 0') })
    expect(r['column schema via Schema.decodeUnknownSync']).toEqual({ ok: true, value: { priority: 1, labels: [] } })
  })

  it('commit, materialize and query through a store; invalid values never reach the eventlog', () => {
    const store = user.results.store
    expect(store?.ok, JSON.stringify(store)).toBe(true)
    const value = (store as { value: Record<string, unknown> }).value
    expect(value.rows).toEqual([
      {
        id: 'a',
        title: 'First',
        status: 'done',
        meta: { priority: 1, labels: ['red'], due: '1970-01-01T00:00:01.000Z', dueIsDate: true },
        owner: { name: 'Ada', isPerson: true },
        doneAt: '1970-01-01T00:00:02.000Z',
      },
      {
        id: 'b',
        title: 'Second',
        status: 'open',
        meta: { priority: 3, labels: [], due: null, dueIsDate: true },
        owner: null,
        doneAt: null,
      },
    ])
    expect(value.ui).toEqual({ filter: 'done', draft: '' })
    expect(value.count).toBe(2)
    expect(value['commit: invalid client document value']).toMatchObject({ ok: false, name: 'InvalidEventArgsError' })
    expect(value['commit: invalid json column value']).toMatchObject({ ok: false, name: 'InvalidColumnValueError' })
    expect(value['commit: refinement on text column']).toMatchObject({
      ok: false,
      name: 'InvalidColumnValueError',
      message: expect.stringContaining('length of at least 1'),
    })
    expect(value.countAfterErrors).toBe(2)
    expect(value.head).toBe('e3.1')
  })
})
