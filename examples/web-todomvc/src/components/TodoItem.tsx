import { useStore } from '@cairn/react'
import { useState } from 'react'
import { events } from '../livestore/schema.js'

export interface Todo {
  readonly id: string
  readonly text: string
  readonly completed: boolean
}

/** One todo: toggle, double-click to edit (Enter or blur saves, Escape cancels), destroy. */
export const TodoItem = ({ todo }: { todo: Todo }) => {
  const { store } = useStore()
  // The text being edited is this component's own, short-lived state: it is not the todo's until saved.
  const [editText, setEditText] = useState<string | null>(null)

  const save = () => {
    if (editText === null) return
    const text = editText.trim()
    setEditText(null)
    if (text === '') store.commit(events.todoDeleted({ id: todo.id, deletedAt: new Date() }))
    else if (text !== todo.text) store.commit(events.todoTextUpdated({ id: todo.id, text }))
  }

  const classes = [todo.completed ? 'completed' : '', editText !== null ? 'editing' : ''].filter(Boolean).join(' ')
  return (
    <li className={classes || undefined} data-testid="todo-item">
      <div className="view">
        <input
          className="toggle"
          type="checkbox"
          checked={todo.completed}
          onChange={() => store.commit(todo.completed ? events.todoUncompleted({ id: todo.id }) : events.todoCompleted({ id: todo.id }))}
        />
        <label onDoubleClick={() => setEditText(todo.text)}>{todo.text}</label>
        <button className="destroy" aria-label={`Delete ${todo.text}`} onClick={() => store.commit(events.todoDeleted({ id: todo.id, deletedAt: new Date() }))} />
      </div>
      {editText !== null && (
        <input
          className="edit"
          autoFocus
          value={editText}
          onChange={(event) => setEditText(event.target.value)}
          onBlur={save}
          onKeyDown={(event) => {
            if (event.key === 'Enter') save()
            if (event.key === 'Escape') setEditText(null)
          }}
        />
      )}
    </li>
  )
}
