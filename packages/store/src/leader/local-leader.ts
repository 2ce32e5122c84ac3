import type { LeaderSyncState, LeaderThread } from '../adapter/adapter.js'
import type { EncodedEvent } from '../eventlog/event.js'
import { appendEvents, eventlogStats } from '../eventlog/eventlog-db.js'
import type { SqliteDb } from '../sqlite/sqlite-db.js'

/**
 * A leader in the session's own thread. Events are queued and appended to the eventlog together
 * on the next microtask, so a burst of commits costs one transaction.
 */
export const makeLocalLeader = (options: {
  readonly eventlogDb: SqliteDb
  readonly onHardReset: () => Promise<void>
  readonly onError: (error: unknown) => void
}): LeaderThread => {
  const { eventlogDb } = options
  let queue: EncodedEvent[] = []
  let scheduled: Promise<void> | undefined

  const writeQueue = (): void => {
    const events = queue
    queue = []
    scheduled = undefined
    try {
      appendEvents(eventlogDb, events)
    } catch (error) {
      options.onError(error)
    }
  }

  const flush = async (): Promise<void> => {
    if (scheduled !== undefined) await scheduled
  }

  return {
    push: (events) => {
      for (const event of events) queue.push(event)
      scheduled ??= Promise.resolve().then(writeQueue)
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
      await options.onHardReset()
    },
    shutdown: async () => {
      await flush()
      eventlogDb.close()
    },
  }
}
