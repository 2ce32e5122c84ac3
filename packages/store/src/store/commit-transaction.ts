import type { EncodedEvent } from '../eventlog/event.js'
import { seqNumToString, type SeqNum } from '../eventlog/seq-num.js'
import { makeMaterializerRunner, type DirectWrites, type MaterializerRunner } from '../materializer/materialize-event.js'
import type { WriteQueue } from '../materializer/write-queue.js'
import type { LiveStoreSchema } from '../schema/internal.js'
import type { SqliteDb } from '../sqlite/sqlite-db.js'
import { InvalidArgumentError } from './errors.js'

/** An event validated for a commit: its arguments as the materializer gets them and as stored. */
export interface PreparedEvent {
  readonly name: string
  readonly args: unknown
  readonly encodedArgs: unknown
  readonly clientOnly: boolean
}

/**
 * The SQLite transaction of the commit in progress, one per store and reused by every commit. The
 * materializer runner (its context and the `ctx.query` / `ctx.db` closures) is built once here
 * instead of once per commit: a loop of single commits otherwise allocates it thousands of times.
 *
 * A commit of one event that writes once runs without BEGIN/COMMIT (the statement is atomic by
 * itself); `beforeWrite` opens the transaction the first time more is needed.
 */
export class CommitTransaction implements DirectWrites {
  /** Tables the current commit wrote. A new set per commit: the previous one may still be iterated. */
  written: Set<string> = new Set()
  readonly #run: MaterializerRunner
  readonly #db: SqliteDb
  readonly #queue: WriteQueue
  #open = false
  #inProgress = false
  #clientId = ''
  #sessionId = ''
  #timestamp = 0

  constructor(db: SqliteDb, schema: LiveStoreSchema, queue: WriteQueue) {
    this.#db = db
    this.#queue = queue
    this.#run = makeMaterializerRunner(db, schema, this)
  }

  /** Starts a commit by `clientId`/`sessionId` at `timestamp`; returns the set its written tables go to. */
  start(clientId: string, sessionId: string, timestamp: number): Set<string> {
    if (this.#inProgress) {
      // Sharing this object, a nested commit would end the outer one's transaction.
      throw new InvalidArgumentError(
        'store.commit was called while another commit was materializing its events (from a materializer?). ' +
          'Materializers return the writes of their event; commit further events after store.commit returns.',
      )
    }
    this.#inProgress = true
    this.#open = false
    this.#clientId = clientId
    this.#sessionId = sessionId
    this.#timestamp = timestamp
    this.written = new Set()
    return this.written
  }

  /**
   * Runs `event`'s materializer as event `seqNum` and executes (or holds back) its writes; returns
   * the event as the eventlog stores it.
   */
  materialize(event: PreparedEvent, seqNum: SeqNum, parentSeqNum: SeqNum): EncodedEvent {
    const decoded = {
      name: event.name,
      args: event.args,
      seqNum,
      parentSeqNum,
      clientId: this.#clientId,
      sessionId: this.#sessionId,
      timestamp: this.#timestamp,
      id: seqNumToString(seqNum),
    }
    const writes = this.#run(decoded)
    if (writes.length > 1) this.beforeWrite()
    this.#queue.enqueue(writes, decoded, this.written)
    return {
      name: event.name,
      args: event.encodedArgs,
      seqNum,
      parentSeqNum,
      clientId: this.#clientId,
      sessionId: this.#sessionId,
      timestamp: this.#timestamp,
    }
  }

  /** Opens the transaction unless it is open already. */
  readonly beforeWrite = (): void => {
    if (this.#open) return
    this.#db.execute('BEGIN')
    this.#open = true
  }

  readonly flush = (): void => this.#queue.flush()

  /** Runs the held-back writes and commits the transaction, if one was opened. */
  commit(): void {
    this.#queue.flush()
    if (this.#open) {
      this.#db.execute('COMMIT')
      this.#open = false
    }
    this.#inProgress = false
  }

  /** Forgets held-back writes and rolls back the transaction, if one was opened. */
  rollback(): void {
    this.#inProgress = false
    this.#queue.reset()
    if (!this.#open) return
    this.#open = false
    this.#db.execute('ROLLBACK')
  }
}
