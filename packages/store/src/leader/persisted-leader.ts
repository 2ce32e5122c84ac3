import type { LeaderSyncState, LeaderThread } from '../adapter/adapter.js'
import type { EncodedEvent } from '../eventlog/event.js'
import { appendEvents, eventlogStats } from '../eventlog/eventlog-db.js'
import { materializeStoredEvent } from '../materializer/replay.js'
import { writeStateHead } from '../materializer/state-db.js'
import type { LiveStoreSchema } from '../schema/internal.js'
import type { SqliteDb } from '../sqlite/sqlite-db.js'

/** Options of `makePersistedLeader`. */
export interface PersistedLeaderOptions {
  readonly schema: LiveStoreSchema
  /** The eventlog, already initialized. */
  readonly eventlogDb: SqliteDb
  /** The persisted state, already materialized up to the eventlog's head. */
  readonly stateDb: SqliteDb
  readonly onUnknownEvent: (event: EncodedEvent) => void
  /** A write failed; the events stay in memory and are retried with the next push or flush. */
  readonly onError: (error: unknown) => void
  /** Deletes the store's data (the databases are closed before). */
  readonly deleteStorage: () => Promise<void>
}

/**
 * A leader that persists: events the session pushes are appended to the eventlog (durable once
 * that transaction commits), then materialized into the persisted state together with its head.
 * All events pushed before the leader gets to write go into one transaction per database.
 *
 * The two databases are written one after the other, not atomically: the eventlog is the truth,
 * and a state whose head lags behind it (a crash between the two) is caught up on the next boot.
 */
export const makePersistedLeader = (options: PersistedLeaderOptions): LeaderThread => {
  const { schema, eventlogDb, stateDb } = options
  let queue: EncodedEvent[] = []
  let scheduled: Promise<void> | undefined
  let closed = false
  let lastError: unknown

  const writeQueue = (): void => {
    scheduled = undefined
    if (queue.length === 0 || closed) return
    const events = queue
    try {
      appendEvents(eventlogDb, events)
    } catch (error) {
      // Not written: keep the events for the next attempt.
      lastError = error
      options.onError(error)
      return
    }
    queue = []
    lastError = undefined
    try {
      materializeIntoState(events)
    } catch (error) {
      // The eventlog has them; the state catches up on the next boot.
      options.onError(error)
    }
  }

  const materializeIntoState = (events: readonly EncodedEvent[]): void => {
    const written = new Set<string>()
    stateDb.execute('BEGIN')
    try {
      for (const event of events) materializeStoredEvent(stateDb, schema, event, options.onUnknownEvent, written)
      writeStateHead(stateDb, events.at(-1)!.seqNum)
      stateDb.execute('COMMIT')
    } catch (error) {
      stateDb.execute('ROLLBACK')
      throw error
    }
  }

  const schedule = (): Promise<void> => (scheduled ??= Promise.resolve().then(writeQueue))

  const flush = async (): Promise<void> => {
    if (queue.length > 0) await schedule()
    if (queue.length > 0) throw lastError
  }

  const close = (): void => {
    if (closed) return
    closed = true
    eventlogDb.close()
    stateDb.close()
  }

  return {
    push: (events) => {
      if (closed) return
      for (const event of events) queue.push(event)
      void schedule()
    },
    flush,
    exportEventlog: async () => {
      await flush()
      return eventlogDb.export()
    },
    syncState: async (): Promise<LeaderSyncState> => {
      await flush()
      return eventlogStats(eventlogDb)
    },
    hardReset: async () => {
      queue = []
      close()
      await options.deleteStorage()
    },
    shutdown: async () => {
      try {
        await flush()
      } finally {
        close()
      }
    },
  }
}
