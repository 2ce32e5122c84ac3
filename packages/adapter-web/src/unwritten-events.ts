import type { EncodedEvent } from '@cairn/store/adapter'

/**
 * Events a leader tab committed that its worker had not written when the page went away. The worker
 * ends with its page, so on `pagehide` the leader tab keeps them in localStorage (synchronous, so it
 * is done before the page is gone), one item per session; the next leader writes them before
 * anything else (./worker/restore-unwritten.ts). A tab that is not the leader needs none of this:
 * its messages reach a worker that lives on.
 */
const PREFIX = 'cairn-unwritten:'

const itemOf = (key: string, sessionId: string): string => `${PREFIX}${key}:${sessionId}`

/** Keeps `batches` (replacing what this session kept before); nothing kept when there are none. */
export const keepUnwritten = (key: string, sessionId: string, batches: readonly (readonly EncodedEvent[])[]): void => {
  try {
    if (batches.length === 0) localStorage.removeItem(itemOf(key, sessionId))
    else localStorage.setItem(itemOf(key, sessionId), JSON.stringify(batches))
  } catch (error) {
    // No localStorage (disabled, or full): the page goes away all the same; say what is at risk.
    console.error(`[cairn] ${batches.flat().length} events not yet written could not be kept for the next page:`, error)
  }
}

/** Forgets what this session kept (the page came back from the back/forward cache and goes on). */
export const forgetUnwritten = (key: string, sessionId: string): void => {
  try {
    localStorage.removeItem(itemOf(key, sessionId))
  } catch {
    // Nothing was kept without localStorage.
  }
}

/** What every session of store `key` kept, and how to forget exactly those items once written. */
export const takeUnwritten = (key: string): { readonly batches: readonly (readonly EncodedEvent[])[]; readonly forget: () => void } => {
  const items: string[] = []
  const batches: (readonly EncodedEvent[])[] = []
  try {
    for (let index = 0; index < localStorage.length; index++) {
      const item = localStorage.key(index)
      if (item === null || !item.startsWith(`${PREFIX}${key}:`)) continue
      const kept = parseBatches(localStorage.getItem(item))
      if (kept === undefined) console.error(`[cairn] localStorage item ${item} does not hold events Cairn kept; ignored.`)
      else batches.push(...kept)
      items.push(item)
    }
  } catch {
    return { batches: [], forget: () => {} }
  }
  return {
    batches,
    forget: () => {
      for (const item of items) localStorage.removeItem(item)
    },
  }
}

const parseBatches = (text: string | null): (readonly EncodedEvent[])[] | undefined => {
  try {
    const value: unknown = JSON.parse(text ?? '')
    return Array.isArray(value) && value.every((batch) => Array.isArray(batch) && batch.every(isEvent)) ? (value as EncodedEvent[][]) : undefined
  } catch {
    return undefined
  }
}

const isEvent = (value: unknown): boolean => {
  const event = value as Partial<EncodedEvent> | null
  return (
    typeof event === 'object' &&
    event !== null &&
    typeof event.name === 'string' &&
    typeof event.sessionId === 'string' &&
    typeof event.clientId === 'string' &&
    typeof event.timestamp === 'number' &&
    typeof event.seqNum?.global === 'number' &&
    typeof event.parentSeqNum?.global === 'number'
  )
}
