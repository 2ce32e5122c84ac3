import { useClientDocument, useStore } from '@cairn/react'
import { newTodoId } from '../livestore/queries.js'
import { events, tables } from '../livestore/schema.js'

/** The title and the input for a new todo; the text being typed lives in the session's uiState. */
export const Header = () => {
  const { store } = useStore()
  const [{ newTodoText }, setUiState] = useClientDocument(tables.uiState)

  const createTodo = () => {
    const text = newTodoText.trim()
    if (text === '') return
    store.commit(events.todoCreated({ id: newTodoId(), text }), tables.uiState.set({ newTodoText: '' }))
  }

  return (
    <header className="header">
      <h1>todos</h1>
      <input
        className="new-todo"
        placeholder="What needs to be done?"
        autoFocus
        value={newTodoText}
        onChange={(event) => setUiState({ newTodoText: event.target.value })}
        onKeyDown={(event) => {
          if (event.key === 'Enter') createTodo()
        }}
      />
    </header>
  )
}
