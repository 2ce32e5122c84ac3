import path from 'node:path'
import type { SyncOptions } from '@cairn/store/adapter'
import { InvalidAdapterOptionsError } from './errors.js'

/**
 * Where a Node store keeps its data:
 * - `{ type: 'fs', baseDirectory }`: in files under `baseDirectory`, one directory per storeId.
 *   `baseDirectory` defaults to `.cairn` in the process's working directory (`path.resolve('.cairn')`,
 *   resolved when the adapter is made); a relative path is resolved against the working directory too.
 * - `{ type: 'in-memory' }`: in memory only, gone when the store shuts down.
 */
export type NodeStorage = { readonly type: 'fs'; readonly baseDirectory?: string } | { readonly type: 'in-memory' }

/** A storage with its base directory made absolute. */
export type ResolvedStorage = { readonly type: 'fs'; readonly baseDirectory: string } | { readonly type: 'in-memory' }

/** The base directory of `{ type: 'fs' }` without `baseDirectory`, relative to the working directory. */
export const DEFAULT_BASE_DIRECTORY = '.cairn'

/** Checks a `storage` option and resolves its base directory against the working directory. */
export const resolveStorage = (storage: unknown, caller: string): ResolvedStorage => {
  const { type, baseDirectory } = (storage ?? {}) as { type?: unknown; baseDirectory?: unknown }
  if (type === 'in-memory') return { type }
  if (type === 'fs' && baseDirectory === undefined) return { type, baseDirectory: path.resolve(DEFAULT_BASE_DIRECTORY) }
  if (type === 'fs' && typeof baseDirectory === 'string' && baseDirectory.length > 0) {
    return { type, baseDirectory: path.resolve(baseDirectory) }
  }
  throw new InvalidAdapterOptionsError(
    `${caller}: unsupported storage ${JSON.stringify(storage)}. ` +
      `Use { storage: { type: 'fs' } } (files in ./${DEFAULT_BASE_DIRECTORY}), { storage: { type: 'fs', baseDirectory: './data' } } ` +
      `or { storage: { type: 'in-memory' } }.`,
  )
}

/** Checks a `sync` option: a backend, and known values for the others. */
export const resolveSync = (sync: unknown, caller: string): SyncOptions | undefined => {
  if (sync === undefined) return undefined
  const { backend, onSyncError, initialSyncOptions } = (sync ?? {}) as Partial<Record<keyof SyncOptions, unknown>>
  const problem =
    typeof (backend as { connect?: unknown } | undefined)?.connect !== 'function'
      ? 'sync.backend must be a sync backend, e.g. makeWsSync({ url }) from @cairn/sync-ws'
      : onSyncError !== undefined && onSyncError !== 'ignore' && onSyncError !== 'shutdown'
        ? `sync.onSyncError must be 'ignore' or 'shutdown', not ${JSON.stringify(onSyncError)}`
        : !isInitialSyncOptions(initialSyncOptions)
          ? `sync.initialSyncOptions must be { _tag: 'Skip' } or { _tag: 'Blocking', timeout: <ms> }, not ${JSON.stringify(initialSyncOptions)}`
          : undefined
  if (problem !== undefined) throw new InvalidAdapterOptionsError(`${caller}: ${problem}.`)
  return sync as SyncOptions
}

const isInitialSyncOptions = (value: unknown): boolean => {
  if (value === undefined) return true
  const { _tag, timeout } = (value ?? {}) as { _tag?: unknown; timeout?: unknown }
  return _tag === 'Skip' || (_tag === 'Blocking' && typeof timeout === 'number' && timeout >= 0)
}
