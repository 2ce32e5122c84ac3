import { describe, expect, it } from 'vitest'
import type { EncodedEvent } from '../../src/eventlog/event.js'
import { ROOT_SEQ_NUM, type SeqNum } from '../../src/eventlog/seq-num.js'
import { merge, renumber, type SyncState } from '../../src/sync/merge.js'

const seq = (global: number, client = 0, rebaseGeneration = 0): SeqNum => ({ global, client, rebaseGeneration })

const event = (name: string, seqNum: SeqNum, parentSeqNum: SeqNum, clientId = 'me'): EncodedEvent => ({
  name,
  args: { name },
  seqNum,
  parentSeqNum,
  clientId,
  sessionId: `${clientId}-session`,
  timestamp: 0,
})

// Local events of client "me" and upstream events of client "other".
const S1 = event('S1', seq(1), seq(0))
const S2 = event('S2', seq(2), seq(1))
const C1 = event('C1', seq(1, 1), seq(1)) // client-only, after S1
const S2afterC1 = event('S2', seq(2), seq(1, 1))
const C0 = event('C0', seq(0, 1), seq(0)) // client-only, before anything synced
const X1 = event('X1', seq(1), seq(0), 'other')
const X2 = event('X2', seq(2), seq(1), 'other')

const at = (upstreamHead: SeqNum, ...local: EncodedEvent[]): SyncState => ({ upstreamHead, local })
const names = (events: readonly EncodedEvent[]) => events.map((e) => e.name)

describe('merge', () => {
  it('fast-forwards when nothing is local', () => {
    const result = merge(at(ROOT_SEQ_NUM), [X1, X2])
    expect(result).toMatchObject({ _tag: 'advance', confirmed: [], upstream: [X1, X2], state: { upstreamHead: seq(2), local: [] } })
  })

  it('confirms a prefix of the local events', () => {
    const result = merge(at(ROOT_SEQ_NUM, S1, S2), [S1])
    expect(result).toMatchObject({ _tag: 'advance', confirmed: [S1], upstream: [], state: { upstreamHead: seq(1), local: [S2] } })
    expect(merge(at(ROOT_SEQ_NUM, S1, S2), [S1, S2])).toMatchObject({ _tag: 'advance', state: { local: [] } })
  })

  it('rebases local events on upstream events of another client', () => {
    const result = merge(at(ROOT_SEQ_NUM, S1), [X1])
    expect(result._tag).toBe('rebase')
    if (result._tag !== 'rebase') return
    expect(names(result.rollback)).toEqual(['S1'])
    expect(names(result.upstream)).toEqual(['X1'])
    expect(result.rebased).toEqual([{ ...S1, seqNum: seq(2, 0, 1), parentSeqNum: seq(1) }])
    expect(result.state).toEqual({ upstreamHead: seq(1), local: result.rebased })
  })

  it('rolls back client-only events after the last confirmed one, and renumbers them', () => {
    const result = merge(at(ROOT_SEQ_NUM, S1, C1, S2afterC1), [S1, X2])
    expect(result._tag).toBe('rebase')
    if (result._tag !== 'rebase') return
    expect(names(result.confirmed)).toEqual(['S1'])
    expect(names(result.rollback)).toEqual(['C1', 'S2'])
    expect(result.rebased.map((e) => [e.name, e.seqNum, e.parentSeqNum])).toEqual([
      ['C1', seq(2, 1, 1), seq(2)],
      ['S2', seq(3, 0, 1), seq(2, 1, 1)],
    ])
  })

  it('keeps client-only events after the head local, and settles those before confirmed events', () => {
    expect(merge(at(ROOT_SEQ_NUM, S1, C1), [S1])).toMatchObject({ _tag: 'advance', state: { local: [C1] } })
    expect(merge(at(ROOT_SEQ_NUM, C0, S1), [S1])).toMatchObject({ _tag: 'advance', confirmed: [S1], state: { local: [] } })
    const result = merge(at(ROOT_SEQ_NUM, S1, C1), [S1, X2])
    expect(result).toMatchObject({ _tag: 'rebase', rollback: [C1], upstream: [X2] })
    const beforeAnything = merge(at(ROOT_SEQ_NUM, C0), [X1])
    expect(beforeAnything).toMatchObject({ _tag: 'rebase', rollback: [C0], upstream: [X1] })
  })

  it('rejects batches that do not continue the upstream head', () => {
    expect(merge(at(seq(1)), [event('X3', seq(3), seq(2), 'other')])).toMatchObject({ _tag: 'reject' }) // a gap
    expect(merge(at(ROOT_SEQ_NUM), [X1, event('X3', seq(3), seq(2), 'other')])).toMatchObject({ _tag: 'reject' })
    expect(merge(at(ROOT_SEQ_NUM), [C1])).toMatchObject({ _tag: 'reject' })
    expect(merge(at(ROOT_SEQ_NUM), [event('bad parent', seq(1), seq(5), 'other')])).toMatchObject({ _tag: 'reject' })
  })

  it('renumber chains parents and bumps the rebase generation', () => {
    expect(renumber([C1, S2afterC1], seq(5, 0, 2)).map((e) => [e.seqNum, e.parentSeqNum])).toEqual([
      [seq(5, 1, 3), seq(5, 0, 2)],
      [seq(6, 0, 3), seq(5, 1, 3)],
    ])
  })
})

/** A small deterministic PRNG (mulberry32). */
const random = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

describe('merge, randomized: clients committing, pushing and pulling against one backend converge', () => {
  interface Client {
    readonly id: string
    state: SyncState
    /** Every event in the order the client's state applied them (what its database reflects). */
    applied: EncodedEvent[]
    commits: number
    /** Names of the synced events it committed. */
    synced: string[]
  }

  const run = (seed: number) => {
    const next = random(seed)
    const backend: EncodedEvent[] = []
    const clients: Client[] = ['a', 'b', 'c'].map((id) => ({ id, state: at(ROOT_SEQ_NUM), applied: [], commits: 0, synced: [] }))

    const localHead = (client: Client): SeqNum => client.state.local.at(-1)?.seqNum ?? client.state.upstreamHead
    const commit = (client: Client, clientOnly: boolean) => {
      const parent = localHead(client)
      const seqNum = clientOnly
        ? seq(parent.global, parent.client + 1, parent.rebaseGeneration)
        : seq(parent.global + 1, 0, parent.rebaseGeneration)
      const created = event(`${client.id}${client.commits++}${clientOnly ? '-local' : ''}`, seqNum, parent, client.id)
      client.state = { ...client.state, local: [...client.state.local, created] }
      client.applied.push(created)
      if (!clientOnly) client.synced.push(created.name)
    }
    const pull = (client: Client) => {
      const incoming = backend.slice(client.state.upstreamHead.global)
      const result = merge(client.state, incoming)
      if (result._tag === 'reject') throw new Error(`seed ${seed}: ${result.reason}`)
      if (result._tag === 'rebase') {
        // What a client undoes is always the newest part of what it applied.
        expect(client.applied.slice(-result.rollback.length)).toEqual(result.rollback)
        client.applied = client.applied.slice(0, client.applied.length - result.rollback.length)
        client.applied.push(...result.upstream, ...result.rebased)
      } else client.applied.push(...result.upstream)
      client.state = result.state
    }
    const push = (client: Client) => {
      const pending = client.state.local.filter((e) => e.seqNum.client === 0)
      const first = pending[0]
      // The backend appends only on its head (the client pulls and rebases first otherwise).
      if (first === undefined || first.parentSeqNum.global !== backend.length) return
      backend.push(...pending.map((e) => ({ ...e, parentSeqNum: seq(e.parentSeqNum.global), seqNum: seq(e.seqNum.global) })))
    }

    for (let step = 0; step < 200; step++) {
      const client = clients[Math.floor(next() * clients.length)]!
      const action = next()
      if (action < 0.45) commit(client, next() < 0.25)
      else if (action < 0.75) pull(client)
      else push(client)
    }
    // Settle: pull and push until nothing is pending anywhere.
    for (let round = 0; round < 20; round++) for (const client of clients) (pull(client), push(client))
    for (const client of clients) pull(client)

    const synced = (events: readonly EncodedEvent[]) => events.filter((e) => e.seqNum.client === 0).map((e) => e.name)
    for (const client of clients) {
      expect(client.state.local.filter((e) => e.seqNum.client === 0), `seed ${seed}`).toEqual([])
      expect(synced(client.applied), `seed ${seed}, client ${client.id}`).toEqual(backend.map((e) => e.name))
      // Applied events are numbered consecutively, each on its parent.
      for (let i = 1; i < client.applied.length; i++) {
        expect(client.applied[i]!.parentSeqNum.global, `seed ${seed}`).toBe(client.applied[i - 1]!.seqNum.global)
      }
    }
    // Nothing lost, nothing duplicated: every synced commit of every client is in the backend once.
    expect(backend.map((e) => e.name).sort(), `seed ${seed}`).toEqual(clients.flatMap((c) => c.synced).sort())
    expect(backend.length, `seed ${seed}`).toBeGreaterThan(10)
    // Client-only events stay on their client, in the order committed.
    for (const client of clients) {
      const own = client.applied.filter((e) => e.seqNum.client > 0).map((e) => e.name)
      expect(own.every((name) => name.startsWith(client.id)), `seed ${seed}`).toBe(true)
      expect(own, `seed ${seed}`).toEqual([...own].sort((a, b) => Number(a.slice(1, -6)) - Number(b.slice(1, -6))))
    }
  }

  it.each(Array.from({ length: 40 }, (_, i) => i + 1))('seed %i', (seed) => run(seed))
})
