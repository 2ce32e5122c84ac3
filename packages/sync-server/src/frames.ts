// Frames the server sends, built from stored JSON without re-serializing events, and the sizes that
// bound them.
import { PROTOCOL_VERSION } from '@cairn/store/sync'
import type { RawData } from 'ws'
import type { StoredEvent } from './storage.js'

export interface WireEvent {
  readonly seqNum: number
  readonly json: string
  readonly bytes: number
}

export const toWire = (event: StoredEvent): WireEvent => ({ seqNum: event.seqNum, json: event.json, bytes: Buffer.byteLength(event.json) })

/** Room kept in a frame for the message around its events (type, requestId, head…). */
export const ENVELOPE_BYTES = 512
export const MIN_MESSAGE_BYTES = 4096
/** A connection with more than this many `maxMessageBytes` waiting to be sent gets live events through its pump. */
export const CONGESTED_BYTES_PER_LIMIT = 4

/** How many of `events` (from `start`) fit in one message: at least one, at most `maxCount` and the byte budget. */
export const batchEnd = (events: readonly WireEvent[], start: number, maxCount: number, maxBytes: number): number => {
  let end = start
  let bytes = ENVELOPE_BYTES
  while (end < events.length && end - start < maxCount) {
    const size = events[end]!.bytes + 1
    if (end > start && bytes + size > maxBytes) break
    bytes += size
    end++
  }
  return end
}

export const eventsFrame = (requestId: string, events: readonly WireEvent[], head: number, caughtUp: boolean): string =>
  `{"v":${PROTOCOL_VERSION},"type":"events","requestId":${JSON.stringify(requestId)},"events":[${events.map((e) => e.json).join(',')}],` +
  `"head":${head},"caughtUp":${caughtUp}}`

export const rejectedFrame = (requestId: string, head: number, missing: readonly WireEvent[], more: boolean): string =>
  `{"v":${PROTOCOL_VERSION},"type":"pushRejected","requestId":${JSON.stringify(requestId)},"reason":"parent-mismatch",` +
  `"head":${head},"missing":[${missing.map((e) => e.json).join(',')}],"more":${more}}`

export const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error))

export const frameText = (data: RawData): string =>
  Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8')

export const frameBytes = (data: RawData): number => (Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data.byteLength)

