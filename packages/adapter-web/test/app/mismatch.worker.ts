// A leader worker built with another schema than the page's (a stale worker after a deploy).
import { makeWorker } from '@cairn/adapter-web/worker'
import { Events, makeSchema, Schema, State } from '@cairn/store'

const todos = State.SQLite.table({ name: 'todos', columns: { id: State.SQLite.text({ primaryKey: true }) } })
const events = { todoAdded: Events.synced({ name: 'v1.TodoAdded', schema: Schema.Struct({ id: Schema.String }) }) }
const materializers = State.SQLite.materializers(events, { 'v1.TodoAdded': ({ id }) => todos.insert({ id }) })

makeWorker({ schema: makeSchema({ events, state: State.SQLite.makeState({ tables: { todos }, materializers }) }) })
