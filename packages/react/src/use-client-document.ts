import { queryDb, SessionIdSymbol, type ClientDocumentId, type ClientDocumentTableDef, type LiveQueryDef, type Store } from '@cairn/store'
import { useCallback, useMemo } from 'react'
import { InvalidClientDocumentError } from './errors.js'
import { useQueryInStore } from './use-query.js'
import { useProvidedStore } from './context.js'

/** The value type of a client document table. */
export type ClientDocumentValue<TTable> = TTable extends { readonly default: { readonly value: infer V } } ? V : never

/** What the setter of a client document takes (a partial value for struct documents). */
export type ClientDocumentSetValue<TTable> = TTable extends { set(value: infer V, ...id: any[]): unknown } ? V : never

/** A new (partial) value, or a function of the current value returning one, as with `React.useState`. */
export type ClientDocumentSetStateAction<TTable> =
  | ClientDocumentSetValue<TTable>
  | ((previous: ClientDocumentValue<TTable>) => ClientDocumentSetValue<TTable>)

/**
 * `[value, setValue, id, query$]`: the document's value, a setter committing the document's
 * `${name}Set` event, the document id (the session id for `SessionIdSymbol`), and the query of the value.
 */
export type UseClientDocumentResult<TTable> = [
  value: ClientDocumentValue<TTable>,
  setValue: (action: ClientDocumentSetStateAction<TTable>) => void,
  id: string,
  query$: LiveQueryDef<ClientDocumentValue<TTable>>,
]

/** Options of `useClientDocument`. */
export interface UseClientDocumentOptions {
  /** Names the document's query in errors and devtools (default `<table>:<id>`). */
  readonly label?: string
}

/**
 * `[id?, options?]` for a document with a default id (`default: { id, value }`), `[id, options?]`
 * otherwise: as the table's own `get` takes its id.
 */
export type UseClientDocumentArgs<TTable extends ClientDocumentTableDef<string, any, boolean>> = [] extends Parameters<TTable['get']>
  ? [id?: ClientDocumentId, options?: UseClientDocumentOptions]
  : [id: ClientDocumentId, options?: UseClientDocumentOptions]

/** The signature of `useClientDocument` (and `store.useClientDocument`). */
export type UseClientDocument = <TTable extends ClientDocumentTableDef<string, any, boolean>>(
  table: TTable,
  ...args: UseClientDocumentArgs<TTable>
) => UseClientDocumentResult<TTable>

/**
 * Like `React.useState`, for a client document (`State.SQLite.clientDocument`): the value, kept in
 * the store, and a setter. `id` defaults to the document's default id; `SessionIdSymbol` means this
 * session's own document. Re-renders only when the value changes.
 *
 * @example
 * const [{ newTodoText, filter }, setUiState] = useClientDocument(tables.uiState)
 * setUiState({ filter: 'completed' })
 */
export const useClientDocument: UseClientDocument = ((table: ClientDocumentTableDef, id?: ClientDocumentId, options?: UseClientDocumentOptions) =>
  useClientDocumentInStore(useProvidedStore('useClientDocument'), table, id, options)) as UseClientDocument

/** `useClientDocument` on a given store; `store.useClientDocument` is this. */
export const useClientDocumentInStore = (
  store: Store<any>,
  table: ClientDocumentTableDef,
  id: ClientDocumentId | undefined,
  options: UseClientDocumentOptions | undefined,
): UseClientDocumentResult<ClientDocumentTableDef> => {
  if (!isClientDocument(table)) {
    throw new InvalidClientDocumentError(
      'useClientDocument expects a client document table, made with State.SQLite.clientDocument({ name, schema, default }). ' +
        'For a regular table, use useQuery(queryDb(tables.x.where({ id }).first())) and commit events to change it.',
    )
  }
  const name = table.sqliteDef.name
  const givenId = id ?? table.default.id
  if (givenId === undefined) {
    throw new InvalidClientDocumentError(
      `useClientDocument(${name}): the client document "${name}" has no default id, so pass one: ` +
        `useClientDocument(tables.${name}, 'some-id'), or give it one with default: { id: SessionIdSymbol, value }.`,
    )
  }
  const documentId = givenId === SessionIdSymbol ? store.sessionId : givenId
  const label = options?.label ?? `${name}:${documentId}`
  const query$ = useMemo(
    () => queryDb(table.get(documentId) as never, { label }) as LiveQueryDef<unknown>,
    [table, documentId, label],
  )
  const value = useQueryInStore(store, query$)
  const setValue = useCallback(
    (action: unknown) => {
      // A function gets the value as it is now, not as it was when this component last rendered.
      const next = typeof action === 'function' ? action(store.query(query$)) : action
      store.commit((table.set as (value: unknown, id: ClientDocumentId) => ReturnType<typeof table.set>)(next, documentId))
    },
    [store, table, documentId, query$],
  )
  return [value as never, setValue, documentId, query$ as never]
}

const isClientDocument = (table: unknown): table is ClientDocumentTableDef =>
  typeof table === 'object' &&
  table !== null &&
  typeof (table as ClientDocumentTableDef).set === 'function' &&
  typeof (table as ClientDocumentTableDef).get === 'function' &&
  typeof (table as ClientDocumentTableDef).default === 'object'
