import type { EncodedEvent } from '../eventlog/event.js'
import type { SeqNum } from '../eventlog/seq-num.js'

/**
 * Where a client stands against its upstream (the backend, for a leader; the leader, for a session).
 * Synced events up to `upstreamHead` are confirmed; `local` holds, in order, every local event after
 * it: synced ones not yet confirmed, and client-only ones (which upstream never confirms).
 */
export interface SyncState {
  readonly upstreamHead: SeqNum
  readonly local: readonly EncodedEvent[]
}

/** What merging a batch of upstream events into a `SyncState` means for the local state. */
export type MergeResult =
  /**
   * Upstream confirmed a prefix of the local synced events and/or added events after all local ones
   * with nothing local in between: apply `upstream` (in order) on top of the current state.
   */
  | {
      readonly _tag: 'advance'
      readonly state: SyncState
      readonly confirmed: readonly EncodedEvent[]
      readonly upstream: readonly EncodedEvent[]
    }
  /**
   * Upstream diverged from local events: undo `rollback` (newest last), apply `upstream`, then
   * re-apply `rebased` (the rolled-back events renumbered on top, with the next rebase generation).
   */
  | {
      readonly _tag: 'rebase'
      readonly state: SyncState
      readonly confirmed: readonly EncodedEvent[]
      readonly rollback: readonly EncodedEvent[]
      readonly upstream: readonly EncodedEvent[]
      readonly rebased: readonly EncodedEvent[]
    }
  /** The batch does not continue the upstream head (a gap, or not consecutive): nothing changes. */
  | { readonly _tag: 'reject'; readonly reason: string }

/** Whether two events are the same event (a local one coming back confirmed, for instance). */
const sameEvent = (a: EncodedEvent, b: EncodedEvent): boolean =>
  a.seqNum.global === b.seqNum.global &&
  a.seqNum.client === b.seqNum.client &&
  a.clientId === b.clientId &&
  a.sessionId === b.sessionId &&
  a.name === b.name

const isClientOnly = (event: EncodedEvent): boolean => event.seqNum.client > 0

/**
 * Merges upstream events into a sync state. Pure: it decides, the caller applies (materializes,
 * undoes, rewrites the eventlog). `incoming` must start right after `state.upstreamHead` and be
 * consecutive synced events; otherwise the result is `reject` and nothing changes.
 */
export const merge = (state: SyncState, incoming: readonly EncodedEvent[]): MergeResult => {
  const problem = checkConsecutive(state.upstreamHead, incoming)
  if (problem !== undefined) return { _tag: 'reject', reason: problem }
  const { local } = state

  // Walk local and incoming events together: a local synced event equal to the next incoming one
  // is confirmed; client-only local events are stepped over (upstream never sends them).
  let localIndex = 0
  let incomingIndex = 0
  while (localIndex < local.length && incomingIndex < incoming.length) {
    const event = local[localIndex]!
    if (isClientOnly(event)) localIndex++
    else if (sameEvent(event, incoming[incomingIndex]!)) {
      localIndex++
      incomingIndex++
    } else break
  }
  // Client-only events before the last confirmed event are settled; those after it are not.
  let firstUnsettled = localIndex
  while (firstUnsettled > 0 && isClientOnly(local[firstUnsettled - 1]!)) firstUnsettled--
  const confirmed = local.slice(0, localIndex).filter((event) => !isClientOnly(event))
  const unsettled = local.slice(firstUnsettled)
  const upstream = incoming.slice(incomingIndex)
  const upstreamHead = incoming.at(-1)?.seqNum ?? state.upstreamHead

  if (upstream.length === 0) return { _tag: 'advance', state: { upstreamHead, local: unsettled }, confirmed, upstream }
  if (unsettled.length === 0) return { _tag: 'advance', state: { upstreamHead, local: [] }, confirmed, upstream }
  const rebased = renumber(unsettled, upstreamHead)
  return { _tag: 'rebase', state: { upstreamHead, local: rebased }, confirmed, rollback: unsettled, upstream, rebased }
}

/**
 * Numbers `events` as if committed, in order, on top of `base`, one rebase generation later than
 * any of them: synced events take the next global numbers, client-only ones the next client number
 * after the event before them. Parents are chained from `base`.
 */
export const renumber = (events: readonly EncodedEvent[], base: SeqNum): EncodedEvent[] => {
  const generation = Math.max(base.rebaseGeneration, ...events.map((event) => event.seqNum.rebaseGeneration)) + 1
  let parent: SeqNum = base
  return events.map((event) => {
    const seqNum: SeqNum = isClientOnly(event)
      ? { global: parent.global, client: parent.client + 1, rebaseGeneration: generation }
      : { global: parent.global + 1, client: 0, rebaseGeneration: generation }
    const renumbered = { ...event, seqNum, parentSeqNum: parent }
    parent = seqNum
    return renumbered
  })
}

const checkConsecutive = (head: SeqNum, incoming: readonly EncodedEvent[]): string | undefined => {
  let parent = head.global
  for (const [index, event] of incoming.entries()) {
    if (isClientOnly(event)) return `incoming event ${index} (${event.name}) is client-only; upstream only sends synced events`
    if (event.seqNum.global !== parent + 1 || event.parentSeqNum.global !== parent) {
      return `incoming event ${index} (e${event.seqNum.global}, parent e${event.parentSeqNum.global}) does not follow e${parent}`
    }
    parent = event.seqNum.global
  }
  return undefined
}
