import type { LiveStoreSchema } from '../schema/internal.js'

/**
 * What identifies a schema across threads, whose functions cannot be sent: a leader in a worker and
 * the app must be built from the same schema module.
 */
export interface SchemaFingerprint {
  readonly stateHash: string
  /** Sorted. */
  readonly eventNames: readonly string[]
}

/** The fingerprint of a schema made with `makeSchema`. */
export const schemaFingerprint = (schema: LiveStoreSchema): SchemaFingerprint => ({
  stateHash: schema.stateHash,
  eventNames: [...schema.eventsByName.keys()].sort(),
})

/** How the app's schema and a worker's differ, for the adapter's typed error. */
export interface SchemaDifference {
  readonly appStateHash: string
  readonly workerStateHash: string
  /** Events the app's schema defines and the worker's does not. */
  readonly eventsOnlyInApp: readonly string[]
  /** Events the worker's schema defines and the app's does not. */
  readonly eventsOnlyInWorker: readonly string[]
}

/** `undefined` when both fingerprints are the same schema's. */
export const schemaDifference = (app: SchemaFingerprint, worker: SchemaFingerprint): SchemaDifference | undefined => {
  const workerEvents = new Set(worker.eventNames)
  const appEvents = new Set(app.eventNames)
  const eventsOnlyInApp = app.eventNames.filter((name) => !workerEvents.has(name))
  const eventsOnlyInWorker = worker.eventNames.filter((name) => !appEvents.has(name))
  if (app.stateHash === worker.stateHash && eventsOnlyInApp.length === 0 && eventsOnlyInWorker.length === 0) return undefined
  return { appStateHash: app.stateHash, workerStateHash: worker.stateHash, eventsOnlyInApp, eventsOnlyInWorker }
}

/** `difference` in words, for an error message: which hash and which events differ. */
export const describeSchemaDifference = (difference: SchemaDifference): string => {
  const { appStateHash, workerStateHash, eventsOnlyInApp, eventsOnlyInWorker } = difference
  const parts: string[] = []
  if (appStateHash !== workerStateHash) parts.push(`state hash ${appStateHash} in the app, ${workerStateHash} in the worker`)
  if (eventsOnlyInApp.length > 0) parts.push(`events only in the app: ${eventsOnlyInApp.join(', ')}`)
  if (eventsOnlyInWorker.length > 0) parts.push(`events only in the worker: ${eventsOnlyInWorker.join(', ')}`)
  return parts.join('; ')
}
