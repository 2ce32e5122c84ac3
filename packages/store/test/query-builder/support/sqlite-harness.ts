/**
 * Test harness: a real in-memory SQLite (`@sqlite.org/sqlite-wasm`, oo1 API) that runs compiled
 * query builders the way the store does (SessionIdSymbol substituted, writes executed, rows decoded).
 */
import sqliteInit from '@sqlite.org/sqlite-wasm'
import { compileQuery, isQueryBuilder, type QueryBuilder } from '../../../src/query-builder/internal.js'
import {
  type LiveStoreSchema,
  type MaterializerContext,
  SessionIdSymbol,
  tableDdl,
} from '../../../src/schema/internal.js'
import type { EventPayload } from '../../../src/schema/index.js'
import type { BindValue, SqliteRow } from '../../../src/sqlite/sqlite-db.js'

type Sqlite3 = Awaited<ReturnType<typeof sqliteInit>>
let sqlite3: Promise<Sqlite3> | undefined

export interface TestDb {
  exec(sql: string, bindValues?: ReadonlyArray<BindValue>): number
  select(sql: string, bindValues?: ReadonlyArray<BindValue>): Array<SqliteRow>
  /** Creates the tables (DDL from `tableDdl`). */
  create(...tables: ReadonlyArray<{ readonly sqliteDef: any }>): void
  /** Compiles and runs a builder, returning its decoded result. */
  run<T>(builder: QueryBuilder<T>): T
  /** Materializes an event with the schema's materializer, running its writes. */
  materialize(schema: LiveStoreSchema, event: EventPayload): void
  readonly sessionId: string
}

const resolve = (bindValues: ReadonlyArray<unknown>, sessionId: string): Array<BindValue> =>
  bindValues.map((value) => (value === SessionIdSymbol ? sessionId : (value as BindValue)))

export const openTestDb = async (sessionId = 'session-1'): Promise<TestDb> => {
  const sqlite = await (sqlite3 ??= sqliteInit())
  const db = new sqlite.oo1.DB(':memory:')
  const select = (sql: string, bindValues: ReadonlyArray<BindValue> = []): Array<SqliteRow> =>
    db.exec({ sql, bind: bindValues as Array<BindValue>, rowMode: 'object', returnValue: 'resultRows' }).map((row) => ({ ...row }) as SqliteRow)
  const exec = (sql: string, bindValues: ReadonlyArray<BindValue> = []): number => {
    db.exec({ sql, bind: bindValues as Array<BindValue> })
    return db.changes()
  }
  const run = <T>(builder: QueryBuilder<T>): T => {
    const compiled = compileQuery(builder)
    const binds = resolve(compiled.bindValues, sessionId)
    if (compiled.returnsRows) return compiled.decode(select(compiled.sql, binds))
    exec(compiled.sql, binds)
    return compiled.decode([])
  }
  const runWrite = (write: unknown): void => {
    if (isQueryBuilder(write)) {
      run(write)
      return
    }
    const raw = write as { sql: string; bindValues?: ReadonlyArray<BindValue> }
    exec(raw.sql, raw.bindValues ?? [])
  }
  const materialize = (schema: LiveStoreSchema, event: EventPayload): void => {
    const materializer = schema.materializers.get(event.name)
    if (materializer === undefined) return
    const args =
      typeof event.args === 'object' && event.args !== null && (event.args as { id?: unknown }).id === SessionIdSymbol
        ? { ...event.args, id: sessionId }
        : event.args
    const seqNum = { global: 1, client: 0, rebaseGeneration: 0 }
    const ctx: MaterializerContext = {
      query: ((query: unknown) =>
        isQueryBuilder(query) ? run(query) : select((query as { query: string }).query)) as MaterializerContext['query'],
      db: undefined as never,
      event: { name: event.name, args, id: 'e1', seqNum, parentSeqNum: seqNum, clientId: 'client', sessionId, timestamp: 0 },
    }
    const result = materializer(args, ctx) as unknown
    if (Array.isArray(result)) for (const write of result) runWrite(write)
    else if (result !== undefined) runWrite(result)
  }
  return {
    exec,
    select,
    create: (...tables) => {
      for (const table of tables) for (const statement of tableDdl(table)) exec(statement)
    },
    run,
    materialize,
    sessionId,
  }
}
