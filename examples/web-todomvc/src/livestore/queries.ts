import { queryDb } from '@cairn/store'
import { tables } from './schema.js'

/** This session's UI state: the filter and the text being typed. */
export const uiState$ = queryDb(tables.uiState.get(), { label: 'uiState$' })

/** The todos the filter shows, in the order they were created (ids sort by creation time, see `newTodoId`). */
export const visibleTodos$ = queryDb(
  (get) => {
    const { filter } = get(uiState$)
    return tables.todos
      .where({ deletedAt: null, ...(filter === 'all' ? {} : { completed: filter === 'completed' }) })
      .orderBy('id', 'asc')
  },
  { label: 'visibleTodos$' },
)

/** Todos not done yet. */
export const activeCount$ = queryDb(tables.todos.count().where({ deletedAt: null, completed: false }), { label: 'activeCount$' })

/** Todos done (and not deleted). */
export const completedCount$ = queryDb(tables.todos.count().where({ deletedAt: null, completed: true }), { label: 'completedCount$' })

let lastIdTime = 0

/**
 * An id that sorts after the ids made before it: in this tab always (a millisecond timestamp that
 * never repeats), across tabs and devices as far as their clocks agree.
 */
export const newTodoId = (): string => {
  lastIdTime = Math.max(Date.now(), lastIdTime + 1)
  return `${lastIdTime.toString(36).padStart(9, '0')}-${crypto.randomUUID().slice(0, 8)}`
}
