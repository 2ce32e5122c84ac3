/** Helpers shared by the docs-sample tests: in-memory stores that are shut down after each test. */
import { makeAdapter } from '@cairn/adapter-node'
import { loadSqlite } from '@cairn/sqlite'
import { readEvents, seqNumToString, type SqliteDb } from '@cairn/store/adapter'
import { createStorePromise, type LiveStoreSchema, type Store } from '@cairn/store'
import { afterEach, beforeEach, vi } from 'vitest'

const open: Array<Store<any>> = []

afterEach(async () => {
  await Promise.all(open.splice(0).map((store) => store.shutdown()))
})

/** A store on the in-memory Node adapter, shut down after the current test. */
export const makeStore = async <S extends LiveStoreSchema>(schema: S, storeId?: string): Promise<Store<S>> => {
  const store = await createStorePromise({
    schema,
    adapter: makeAdapter({ storage: { type: 'in-memory' } }),
    ...(storeId === undefined ? {} : { storeId }),
  })
  open.push(store)
  return store
}

/** Registers a store created by a sample itself so it is shut down after the test. */
export const track = <S extends Store<any>>(store: S): S => {
  open.push(store)
  return store
}

/** Opens a copy of SQLite file bytes (e.g. `store._dev.downloadDb()`). */
export const openCopy = async (bytes: Uint8Array): Promise<SqliteDb> => {
  const db = (await loadSqlite()).openInMemory()
  db.import(bytes)
  return db
}

/** The events in a store's eventlog: name, printed sequence number and decoded-from-JSON args. */
export const eventlogOf = async (store: Store<any>) => {
  const db = await openCopy(await store._dev.exportEventlogDb())
  try {
    return readEvents(db).map((event) => ({ name: event.name, args: event.args, seqNum: seqNumToString(event.seqNum) }))
  } finally {
    db.close()
  }
}

/** The state tables as SQLite stores them (raw rows), for "rows written" assertions. */
export const rawRows = (store: Store<any>, sql: string): ReadonlyArray<Record<string, unknown>> =>
  store.query({ query: sql, bindValues: [] }) as ReadonlyArray<Record<string, unknown>>

/**
 * Captures what the samples print with console.log during each test of the calling file: the
 * returned array holds one entry (the call's arguments) per call and is emptied before each test.
 */
export const captureConsoleLog = (): unknown[][] => {
  const logs: unknown[][] = []
  beforeEach(() => {
    logs.length = 0
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void logs.push(args))
  })
  afterEach(() => {
    vi.restoreAllMocks()
  })
  return logs
}
