/**
 * Event sequence numbers. A synced event takes the next `global` number with `client` 0; a
 * client-only event keeps the current `global` and takes the next `client` number. Rebasing an
 * event re-materializes it with a higher `rebaseGeneration`.
 */
export interface SeqNum {
  readonly global: number
  readonly client: number
  readonly rebaseGeneration: number
}

/** The sequence number before the first event. */
export const ROOT_SEQ_NUM: SeqNum = { global: 0, client: 0, rebaseGeneration: 0 }

/** The number a new event gets when committed on top of `head`. */
export const nextSeqNum = (head: SeqNum, clientOnly: boolean): SeqNum =>
  clientOnly
    ? { global: head.global, client: head.client + 1, rebaseGeneration: head.rebaseGeneration }
    : { global: head.global + 1, client: 0, rebaseGeneration: head.rebaseGeneration }

/** Orders by position in the log (`global`, then `client`); rebase generation does not move an event. */
export const compareSeqNum = (a: SeqNum, b: SeqNum): number => a.global - b.global || a.client - b.client

/** The same event position and rebase generation (a parent check: a rebased event is another event). */
export const sameSeqNum = (a: SeqNum, b: SeqNum): boolean =>
  a.global === b.global && a.client === b.client && a.rebaseGeneration === b.rebaseGeneration

/** Printed as `e12`, `e12.3`, `e12r2`, `e12.3r2`. */
export const seqNumToString = (seqNum: SeqNum): string =>
  seqNum.client === 0 && seqNum.rebaseGeneration === 0
    ? 'e' + seqNum.global
    : `e${seqNum.global}${seqNum.client > 0 ? `.${seqNum.client}` : ''}${seqNum.rebaseGeneration > 0 ? `r${seqNum.rebaseGeneration}` : ''}`
