import type { SeqNum } from '../eventlog/seq-num.js'
import type { SqliteDb, SqliteSession } from '../sqlite/sqlite-db.js'
import { writeStateHead, writeUndoSegment } from './state-db.js'

/**
 * Records how to undo what was materialized into a state database, for rebase.
 *
 * One SQLite session stays open across commits and is cut into a changeset only when asked
 * (`cut`): opening a session and taking a changeset per event costs 40–65 µs inside SQLite's
 * session module, several times the cost of the write itself, and even a session per tick adds
 * ~35 µs to the next commit. A segment therefore undoes a run of consecutive events (`after`
 * excluded, `upTo` included); rebase undoes whole segments and re-materializes the events it undid
 * that it meant to keep.
 *
 * A session's changeset is the net difference per row between the start of recording and now, so
 * changes of a transaction that was rolled back while recording leave no trace in it.
 */
export class UndoLog {
  readonly #db: SqliteDb
  readonly #tables: readonly string[]
  #session: SqliteSession | undefined
  #after: SeqNum | undefined
  #upTo: SeqNum | undefined
  #openEvents = 0

  readonly #recording: boolean

  /**
   * Records changes to `tables` (the schema's: Cairn's own tables hold heads and undo data, not
   * state). With `recording: false` (a state that is never rolled back) it records nothing and
   * never has an open segment.
   */
  constructor(db: SqliteDb, tables: readonly string[], { recording = true }: { readonly recording?: boolean } = {}) {
    this.#db = db
    this.#tables = tables
    this.#recording = recording
  }

  /** Call before materializing events on top of `head`: starts recording if not already. */
  beforeWrite(head: SeqNum): void {
    if (this.#session !== undefined || !this.#recording) return
    this.#session = this.#db.startSession(this.#tables)
    this.#after = head
    this.#upTo = head
  }

  /** Call after `count` events up to `head` were materialized and committed. */
  afterWrite(head: SeqNum, count: number): void {
    if (!this.#recording) return
    this.#upTo = head
    this.#openEvents += count
  }

  /** Whether it records at all (see the constructor). */
  get recording(): boolean {
    return this.#recording
  }

  /** Events recorded in the open segment. */
  get openEvents(): number {
    return this.#openEvents
  }

  /** Where the open segment starts, `undefined` when none is open. */
  get openAfter(): SeqNum | undefined {
    return this.#session === undefined ? undefined : this.#after
  }

  /**
   * Ends the open segment: writes its changeset and the state head in one transaction. The next
   * `beforeWrite` starts a new segment. Must not run inside another transaction.
   *
   * @returns the bounds of the segment written, if it undoes anything.
   */
  cut(): { readonly after: SeqNum; readonly upTo: SeqNum } | undefined {
    const session = this.#session
    if (session === undefined) return undefined
    let changeset: Uint8Array
    try {
      changeset = session.changeset()
    } finally {
      session.close()
      this.#session = undefined
      this.#openEvents = 0
    }
    const after = this.#after!
    const upTo = this.#upTo!
    if (upTo === after) return undefined
    const db = this.#db
    db.execute('BEGIN')
    try {
      writeUndoSegment(db, { after, upTo, changeset })
      writeStateHead(db, upTo)
      db.execute('COMMIT')
    } catch (error) {
      db.execute('ROLLBACK')
      throw error
    }
    return { after, upTo }
  }

  /** Stops recording without writing anything (the database is about to close or be replaced). */
  discard(): void {
    this.#session?.close()
    this.#session = undefined
    this.#openEvents = 0
  }
}
