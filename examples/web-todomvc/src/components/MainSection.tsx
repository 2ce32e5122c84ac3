import { useStore } from '@cairn/react'
import { activeCount$, completedCount$, visibleTodos$ } from '../livestore/queries.js'
import { events } from '../livestore/schema.js'
import { TodoItem } from './TodoItem.js'

/** "Toggle all" and the list of the todos the filter shows. */
export const MainSection = () => {
  const { store } = useStore()
  const todos = store.useQuery(visibleTodos$)
  const activeCount = store.useQuery(activeCount$)
  const completedCount = store.useQuery(completedCount$)
  if (activeCount + completedCount === 0) return null

  const toggleAll = () => {
    const all = store.query(visibleTodos$)
    // All done: mark all as not done; otherwise complete the rest. One commit, one re-render.
    const toChange = activeCount === 0 ? all : all.filter((todo) => !todo.completed)
    store.commit(
      ...toChange.map((todo) => (activeCount === 0 ? events.todoUncompleted({ id: todo.id }) : events.todoCompleted({ id: todo.id }))),
    )
  }

  return (
    <section className="main">
      <input id="toggle-all" className="toggle-all" type="checkbox" checked={activeCount === 0} onChange={toggleAll} />
      <label htmlFor="toggle-all">Mark all as complete</label>
      <ul className="todo-list">
        {todos.map((todo) => (
          <TodoItem key={todo.id} todo={todo} />
        ))}
      </ul>
    </section>
  )
}
