// @vitest-environment jsdom
import { SessionIdSymbol, type Store } from '@cairn/store'
import { act, render, screen } from '@testing-library/react'
import type { ReactNode } from 'react'
import { describe, expect, it } from 'vitest'
import { InvalidClientDocumentError, LiveStoreContext, useClientDocument, useStore, type UseClientDocumentResult } from '../src/index.js'
import { events, makeStore, tables } from './support.js'

const withStore = (store: Store<any>, children: ReactNode) => (
  <LiveStoreContext.Provider value={{ stage: 'running', store }}>{children}</LiveStoreContext.Provider>
)

const renderError = (element: ReactNode): unknown => {
  try {
    render(element)
  } catch (error) {
    return error
  }
  throw new Error('expected the render to throw')
}

describe('useClientDocument', () => {
  it('[value, setValue, id, query$] of the session document: default value, partial sets, functional sets', async () => {
    const store = await makeStore()
    let result: UseClientDocumentResult<typeof tables.uiState> | undefined
    let renders = 0
    const Ui = () => {
      renders++
      result = useClientDocument(tables.uiState)
      const [{ newTodoText, filter }] = result
      return (
        <p>
          {filter}|{newTodoText}
        </p>
      )
    }
    render(withStore(store, <Ui />))
    expect(screen.getByText('all|')).toBeTruthy()
    const [, setUiState, id, uiState$] = result!
    expect(id).toBe(store.sessionId)
    expect(store.query(uiState$)).toEqual({ newTodoText: '', filter: 'all' })

    act(() => setUiState({ filter: 'completed' }))
    expect(screen.getByText('completed|')).toBeTruthy()
    act(() => setUiState((previous) => ({ newTodoText: `${previous.filter}!` })))
    expect(screen.getByText('completed|completed!')).toBeTruthy()
    expect(store.query(tables.uiState.get())).toEqual({ newTodoText: 'completed!', filter: 'completed' })
    expect(renders).toBe(3)

    // Setting the value it already has changes nothing on screen, and the setter keeps its identity.
    act(() => setUiState({ filter: 'completed' }))
    expect(renders).toBe(3)
    act(() => store.commit(events.todoCreated({ id: 'a', text: 'unrelated' })))
    expect(renders).toBe(3)
    expect(result![1]).toBe(setUiState)
  })

  it('each session has its own document', async () => {
    const [first, second] = [await makeStore(), await makeStore()]
    const seen: Record<string, string> = {}
    const Filter = ({ name }: { name: string }) => {
      const [{ filter }, setUiState, id] = useClientDocument(tables.uiState)
      seen[name] = id
      return <button onClick={() => setUiState({ filter: 'active' })}>{`${name}:${filter}`}</button>
    }
    render(
      <>
        {withStore(first, <Filter name="first" />)}
        {withStore(second, <Filter name="second" />)}
      </>,
    )
    act(() => screen.getByText('first:all').click())
    expect(screen.getByText('first:active')).toBeTruthy()
    expect(screen.getByText('second:all')).toBeTruthy()
    expect(seen).toEqual({ first: first.sessionId, second: second.sessionId })
    expect(first.sessionId).not.toBe(second.sessionId)
  })

  it('an explicit id: components sharing it see one document; store.useClientDocument; a whole-value document', async () => {
    const store = await makeStore()
    const Draft = ({ name }: { name: string }) => {
      const { store } = useStore()
      const [draft, setDraft, id] = store.useClientDocument(tables.drafts, 'todo-a')
      return <button onClick={() => setDraft(`${draft}${name}`)}>{`${name}:${id}:${draft}`}</button>
    }
    render(
      withStore(
        store,
        <>
          <Draft name="x" />
          <Draft name="y" />
        </>,
      ),
    )
    act(() => screen.getByText('x:todo-a:').click())
    act(() => screen.getByText('y:todo-a:x').click())
    expect(screen.getByText('x:todo-a:xy')).toBeTruthy()
    expect(store.query(tables.drafts.get('todo-a'))).toBe('xy')
    expect(store.query(tables.drafts.get('todo-b'))).toBe('')
    // SessionIdSymbol as an explicit id is this session's document too.
    const Session = () => <p>{useClientDocument(tables.drafts, SessionIdSymbol)[2]}</p>
    render(withStore(store, <Session />))
    expect(screen.getByText(store.sessionId)).toBeTruthy()
  })

  it('typed errors: a document without default id needs one; a regular table is not a client document', async () => {
    const store = await makeStore()
    const NoId = () => <p>{(useClientDocument as (table: unknown) => unknown[])(tables.drafts)[0] as string}</p>
    const noId = renderError(withStore(store, <NoId />))
    expect(noId).toBeInstanceOf(InvalidClientDocumentError)
    expect((noId as InvalidClientDocumentError)._tag).toBe('InvalidClientDocumentError')
    expect((noId as Error).message).toMatch(/"drafts" has no default id, so pass one: useClientDocument\(tables\.drafts, 'some-id'\)/)

    const NotADocument = () => <p>{String((useClientDocument as (table: unknown, id: string) => unknown[])(tables.todos, 'a')[0])}</p>
    const notADocument = renderError(withStore(store, <NotADocument />))
    expect(notADocument).toBeInstanceOf(InvalidClientDocumentError)
    expect((notADocument as Error).message).toMatch(/expects a client document table, made with State\.SQLite\.clientDocument/)
  })
})
