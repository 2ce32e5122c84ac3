import { computed, queryDb, SessionIdSymbol, signal, type LiveQueryDef, type Store } from '@cairn/store'
import { unstable_batchedUpdates } from 'react-dom'
import { describe, expectTypeOf, it } from 'vitest'
import { LiveStoreProvider, useClientDocument, useQuery, useStore, type LiveStoreProviderProps, type ReactStore } from '../../src/index.js'
import { schema, tables } from '../support.js'

type Todo = { readonly id: string; readonly text: string; readonly completed: boolean }
type UiState = { readonly newTodoText: string; readonly filter: 'all' | 'active' | 'completed' }

describe('useQuery', () => {
  it('returns the type of the query', () => {
    expectTypeOf(useQuery(queryDb(tables.todos.where({ completed: false })))).toEqualTypeOf<ReadonlyArray<Todo>>()
    expectTypeOf(useQuery(queryDb(tables.todos.count()))).toEqualTypeOf<number>()
    expectTypeOf(useQuery(queryDb(tables.todos.select('text')))).toEqualTypeOf<ReadonlyArray<string>>()
    expectTypeOf(useQuery(queryDb(tables.todos.where({ id: 'a' }).first()))).toEqualTypeOf<Todo | undefined>()
    expectTypeOf(useQuery(queryDb(tables.todos.count(), { map: (count) => count > 0 }))).toEqualTypeOf<boolean>()
    expectTypeOf(useQuery(signal(1))).toEqualTypeOf<number>()
    expectTypeOf(useQuery(computed(() => 'x'))).toEqualTypeOf<string>()
  })

  it('takes query builders as they are, like store.query', () => {
    expectTypeOf(useQuery(tables.todos.where({ completed: true }).orderBy('id', 'desc'))).toEqualTypeOf<ReadonlyArray<Todo>>()
    expectTypeOf(useQuery(tables.todos.query.select('completed'))).toEqualTypeOf<ReadonlyArray<boolean>>()
    expectTypeOf(useQuery(tables.uiState.get())).toEqualTypeOf<UiState>()
    // @ts-expect-error not a query
    useQuery('SELECT 1')
  })
})

describe('useStore', () => {
  it('is a Store with useQuery and useClientDocument', () => {
    const { store } = useStore()
    expectTypeOf(store).toExtend<Store<any>>()
    expectTypeOf(store.useQuery(tables.todos.count())).toEqualTypeOf<number>()
    expectTypeOf(useStore<typeof schema>().store).toEqualTypeOf<ReactStore<typeof schema>>()
    expectTypeOf(useStore<typeof schema>().store.schema).toEqualTypeOf<typeof schema>()
  })
})

describe('useClientDocument', () => {
  it('value and setter are typed from the table', () => {
    const [value, setValue, id, query$] = useClientDocument(tables.uiState)
    expectTypeOf(value).toEqualTypeOf<UiState>()
    expectTypeOf(id).toEqualTypeOf<string>()
    expectTypeOf(query$).toEqualTypeOf<LiveQueryDef<UiState>>()
    setValue({ filter: 'active' })
    setValue((previous) => ({ newTodoText: previous.newTodoText.trim() }))
    // @ts-expect-error not a filter
    setValue({ filter: 'done' })
    // @ts-expect-error no such field
    setValue({ nope: 1 })
  })

  it('a document without default id needs an id; a whole-value document takes whole values', () => {
    const [draft, setDraft] = useStore().store.useClientDocument(tables.drafts, 'todo-1')
    expectTypeOf(draft).toEqualTypeOf<string>()
    setDraft('text')
    setDraft((previous) => previous + '!')
    useClientDocument(tables.drafts, SessionIdSymbol)
    // @ts-expect-error the document has no default id
    useClientDocument(tables.drafts)
    // @ts-expect-error a regular table
    useClientDocument(tables.todos, 'a')
  })
})

describe('LiveStoreProvider', () => {
  it("takes React's unstable_batchedUpdates as batchUpdates and types boot's store from the schema", () => {
    expectTypeOf(unstable_batchedUpdates).toExtend<NonNullable<LiveStoreProviderProps['batchUpdates']>>()
    expectTypeOf<Parameters<NonNullable<LiveStoreProviderProps<typeof schema>['boot']>>[0]>().toEqualTypeOf<Store<typeof schema>>()
    expectTypeOf(LiveStoreProvider<typeof schema>).parameter(0).toHaveProperty('renderLoading')
  })
})
