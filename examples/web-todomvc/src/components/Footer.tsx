import { useClientDocument, useStore } from '@cairn/react'
import { activeCount$, completedCount$ } from '../livestore/queries.js'
import { events, tables } from '../livestore/schema.js'

const FILTERS = [
  { filter: 'all', label: 'All', href: '#/' },
  { filter: 'active', label: 'Active', href: '#/active' },
  { filter: 'completed', label: 'Completed', href: '#/completed' },
] as const

/** The count of todos left, the filters (kept in the session's uiState) and "Clear completed". */
export const Footer = () => {
  const { store } = useStore()
  const [{ filter }, setUiState] = useClientDocument(tables.uiState)
  const activeCount = store.useQuery(activeCount$)
  const completedCount = store.useQuery(completedCount$)
  if (activeCount + completedCount === 0) return null

  return (
    <footer className="footer">
      <span className="todo-count">
        <strong>{activeCount}</strong> {activeCount === 1 ? 'item' : 'items'} left
      </span>
      <ul className="filters">
        {FILTERS.map((option) => (
          <li key={option.filter}>
            <a
              href={option.href}
              className={filter === option.filter ? 'selected' : undefined}
              onClick={(event) => {
                event.preventDefault()
                setUiState({ filter: option.filter })
              }}
            >
              {option.label}
            </a>
          </li>
        ))}
      </ul>
      {completedCount > 0 && (
        <button className="clear-completed" onClick={() => store.commit(events.todoClearedCompleted({ deletedAt: new Date() }))}>
          Clear completed
        </button>
      )}
    </footer>
  )
}
