/**
 * Schema samples of the documentation that need no store (the others run through stores in
 * test/docs-samples/), with `@livestore/livestore` replaced by our schema module.
 */
import { describe, expect, it } from 'vitest'
import { Schema, State } from '../../src/schema/index.js'
import { openTestDb } from '../query-builder/support/sqlite-harness.js'

describe('docs: column types — JSON-encoded struct', () => {
  it('compiles and stores', async () => {
    const UserMetadata = Schema.Struct({
      petName: Schema.String,
      favoriteColor: Schema.Literal('red', 'blue', 'green'),
    })

    const userTable = State.SQLite.table({
      name: 'user',
      columns: {
        id: State.SQLite.text({ primaryKey: true }),
        name: State.SQLite.text(),
        metadata: State.SQLite.json({ schema: UserMetadata }),
      },
    })
    const db = await openTestDb()
    db.create(userTable)
    db.run(userTable.insert({ id: '1', name: 'Ann', metadata: { petName: 'Rex', favoriteColor: 'red' } }))
    const row = db.run(userTable.where({ id: '1' }).first())
    expect(row?.metadata.favoriteColor).toBe('red')
  })
})

