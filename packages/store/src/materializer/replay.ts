import { CairnError } from '../errors.js'
import type { EncodedEvent, StoredEvent } from '../eventlog/event.js'
import { countEventsAfter, readStoredEvents } from '../eventlog/eventlog-db.js'
import { seqNumToString } from '../eventlog/seq-num.js'
import { decodeEventArgs, decodeEventArgsJson, type LiveStoreSchema } from '../schema/internal.js'
import type { SqliteDb } from '../sqlite/sqlite-db.js'
import { describe, MaterializerError } from '../store/errors.js'
import { makeMaterializerRunner, type DirectWrites, type MaterializerRunner } from './materialize-event.js'
import { QueuedWriteFailure, WriteQueue } from './write-queue.js'
import { readStateHead, writeStateHead } from './state-db.js'

/** A stored event's arguments no longer decode with the event's current schema. */
export class StoredEventDecodeError extends CairnError {
  readonly _tag = 'StoredEventDecodeError'
  constructor(
    readonly eventName: string,
    readonly seqNum: string,
    cause: unknown,
  ) {
    super(
      `Cannot materialize stored event "${eventName}" (${seqNum}): ${describe(cause)} ` +
        `Nothing was changed; restore a schema that decodes the stored arguments.`,
      { cause },
    )
  }
}

/**
 * Decodes a stored event and materializes it with `run`, inside the caller's transaction; its
 * inserts may be held back in `queue`. Events the schema does not define go to `onUnknownEvent`
 * (which throws to stop, or returns to skip them).
 */
const materializeStoredEvent = (
  schema: LiveStoreSchema,
  event: EncodedEvent | StoredEvent,
  onUnknownEvent: (event: EncodedEvent) => void,
  queue: WriteQueue,
  run: MaterializerRunner,
  written: Set<string>,
): void => {
  const def = schema.eventsByName.get(event.name)
  if (def === undefined) {
    onUnknownEvent(withParsedArgs(event))
    return
  }
  const id = seqNumToString(event.seqNum)
  let args: unknown
  try {
    args = 'argsJson' in event ? decodeEventArgsJson(def, event.argsJson) : decodeEventArgs(def, event.args)
  } catch (cause) {
    throw new StoredEventDecodeError(event.name, id, cause)
  }
  try {
    const decoded = {
      name: event.name,
      args,
      seqNum: event.seqNum,
      parentSeqNum: event.parentSeqNum,
      clientId: event.clientId,
      sessionId: event.sessionId,
      timestamp: event.timestamp,
      id,
    }
    queue.enqueue(run(decoded), decoded, written)
  } catch (cause) {
    throw materializerError(event.name, id, cause)
  }
}

/** The event with its arguments parsed, if they are still JSON text. */
const withParsedArgs = (event: EncodedEvent | StoredEvent): EncodedEvent => {
  if (!('argsJson' in event)) return event
  const { argsJson, ...rest } = event
  try {
    return { ...rest, args: JSON.parse(argsJson) as unknown }
  } catch (cause) {
    throw new StoredEventDecodeError(event.name, seqNumToString(event.seqNum), cause)
  }
}

/** The error of a failed materialization, naming the event whose write failed if it was held back. */
const materializerError = (name: string, id: string, cause: unknown): MaterializerError =>
  cause instanceof QueuedWriteFailure
    ? new MaterializerError(cause.event.name, cause.event.id, cause.cause)
    : new MaterializerError(name, id, cause)

/**
 * Materializes `events` (in order) into `db` in one transaction and records the last one as the
 * state's head. The caller owns undo recording around it.
 */
export const materializeStoredEvents = (
  db: SqliteDb,
  schema: LiveStoreSchema,
  events: readonly (EncodedEvent | StoredEvent)[],
  onUnknownEvent: (event: EncodedEvent) => void,
  written: Set<string>,
): void => {
  const last = events.at(-1)
  if (last === undefined) return
  const queue = new WriteQueue(db)
  const direct: DirectWrites = { beforeWrite: noop, flush: () => queue.flush(), written }
  const run = makeMaterializerRunner(db, schema, direct)
  db.execute('BEGIN')
  try {
    for (const event of events) materializeStoredEvent(schema, event, onUnknownEvent, queue, run, written)
    try {
      queue.flush()
    } catch (cause) {
      throw materializerError(last.name, seqNumToString(last.seqNum), cause)
    }
    writeStateHead(db, last.seqNum)
    db.execute('COMMIT')
  } catch (error) {
    db.execute('ROLLBACK')
    throw error
  }
}

const noop = (): void => {}

/** Options of `replayEventlog`. */
export interface ReplayOptions {
  readonly schema: LiveStoreSchema
  readonly eventlogDb: SqliteDb
  readonly stateDb: SqliteDb
  readonly onUnknownEvent: (event: EncodedEvent) => void
  /** Called after each batch with the events replayed so far and the total to replay. */
  readonly onProgress?: (done: number, total: number) => void
  /** Events per transaction (default 2,000). */
  readonly batchSize?: number
}

/**
 * Brings a state database up to the eventlog's head: materializes every event after the state's
 * head in transactions of `batchSize` events, each of which also advances the head, so a replay that
 * is interrupted resumes where it stopped and never passes for finished.
 *
 * @returns the number of events replayed.
 */
export const replayEventlog = (options: ReplayOptions): number => {
  const { schema, eventlogDb, stateDb, onUnknownEvent } = options
  const batchSize = options.batchSize ?? 2000
  let head = readStateHead(stateDb)
  const total = countEventsAfter(eventlogDb, head)
  const written = new Set<string>()
  let done = 0
  while (done < total) {
    const batch = readStoredEvents(eventlogDb, head, batchSize)
    const last = batch.at(-1)
    if (last === undefined) break
    materializeStoredEvents(stateDb, schema, batch, onUnknownEvent, written)
    head = last.seqNum
    done += batch.length
    options.onProgress?.(done, total)
  }
  return done
}
