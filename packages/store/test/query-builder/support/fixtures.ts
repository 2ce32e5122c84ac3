/** Tables shared by the schema and query builder tests. */
import { Schema, State } from '../../../src/schema/index.js'

export const todos = State.SQLite.table({
  name: 'todos',
  columns: {
    id: State.SQLite.text({ primaryKey: true }),
    text: State.SQLite.text({ default: '' }),
    completed: State.SQLite.boolean({ default: false }),
    createdAt: State.SQLite.datetime({ default: () => new Date('2024-01-01T00:00:00.000Z') }),
    deletedAt: State.SQLite.integer({ nullable: true, schema: Schema.DateFromNumber }),
    position: State.SQLite.real({ default: 0 }),
  },
  indexes: [{ name: 'todos_completed', columns: ['completed'] }],
})

export const Metadata = Schema.Struct({
  petName: Schema.String,
  favoriteColor: Schema.Literal('red', 'blue', 'green'),
  since: Schema.Date,
})

export const everything = State.SQLite.table({
  name: 'everything',
  columns: {
    id: State.SQLite.integer({ primaryKey: true }),
    t: State.SQLite.text({ nullable: true }),
    i: State.SQLite.integer({ nullable: true }),
    r: State.SQLite.real({ nullable: true }),
    b: State.SQLite.blob({ nullable: true }),
    bool: State.SQLite.boolean({ nullable: true }),
    j: State.SQLite.json({ nullable: true }),
    meta: State.SQLite.json({ nullable: true, schema: Metadata }),
    dt: State.SQLite.datetime({ nullable: true }),
    dti: State.SQLite.datetimeInteger({ nullable: true }),
  },
})
