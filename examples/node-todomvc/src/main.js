// A small Node program on Cairn: create a store, commit events, query, subscribe, print.
import { makeAdapter } from '@cairn/adapter-node'
import { createStorePromise, queryDb } from '@cairn/store'
import { events, schema, tables } from './schema.js'

const adapter = makeAdapter({ storage: { type: 'in-memory' } })
const store = await createStorePromise({ schema, adapter, storeId: 'node-todomvc' })

const uiState$ = tables.uiState.get()
const visibleTodos$ = queryDb(
  (get) => {
    const { filter } = get(uiState$)
    return tables.todos.where({
      deletedAt: null,
      ...(filter === 'all' ? {} : { completed: filter === 'completed' }),
    })
  },
  { label: 'visibleTodos' },
)
const activeCount$ = queryDb(tables.todos.count().where({ completed: false, deletedAt: null }), { label: 'activeCount' })

const render = (todos) =>
  todos.map((todo) => `  [${todo.completed ? 'x' : ' '}] ${todo.text}`).join('\n') || '  (nothing to show)'

const unsubscribe = store.subscribe(visibleTodos$, (todos) => {
  const { filter } = store.query(uiState$)
  console.log(`\nfilter: ${filter}, ${store.query(activeCount$)} left\n${render(todos)}`)
})

store.commit(events.todoCreated({ id: 'a', text: 'Buy milk' }))
store.commit(events.todoCreated({ id: 'b', text: 'Walk the dog' }), events.todoCreated({ id: 'c', text: 'Write docs' }))
store.commit(events.todoCompleted({ id: 'a' }))
store.commit(tables.uiState.set({ filter: 'active' }))
store.commit(events.todoDeleted({ id: 'b', deletedAt: new Date() }))
store.commit(tables.uiState.set({ filter: 'all' }))

unsubscribe()
const { session } = await store._dev.syncStates()
console.log(`\n${store.query(tables.todos).length} todos in the table, eventlog head ${session.headString}`)
await store.shutdown()
