import type { SeqNum } from './seq-num.js'

/** An event as the store records it: arguments encoded (JSON-safe) with the event's schema. */
export interface EncodedEvent {
  readonly name: string
  readonly args: unknown
  readonly seqNum: SeqNum
  readonly parentSeqNum: SeqNum
  readonly clientId: string
  readonly sessionId: string
  /** When the event was committed (ms since the epoch, the committing device's clock). */
  readonly timestamp: number
}

/** An event as the eventlog holds it: its arguments still JSON text, parsed only when they are decoded. */
export interface StoredEvent extends Omit<EncodedEvent, 'args'> {
  readonly argsJson: string
}

/** An event with decoded arguments, as materializers see it (`ctx.event`). */
export interface DecodedEvent<TArgs = unknown> {
  readonly name: string
  readonly args: TArgs
  readonly seqNum: SeqNum
  readonly parentSeqNum: SeqNum
  readonly clientId: string
  readonly sessionId: string
  /** When the event was committed (ms since the epoch, the committing device's clock). */
  readonly timestamp: number
  /** `seqNum` printed, e.g. `e12`, `e12.1`. */
  readonly id: string
}
