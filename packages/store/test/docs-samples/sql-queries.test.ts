/**
 * Reference › State › SQL Queries (livestore-docs.txt, "# [SQL Queries]"): the query builder and
 * raw SQL samples, run through a store: reads with `store.query`/`queryDb`, writes returned by
 * materializers (the only place writes run).
 */
import { Events, makeSchema, queryDb, Schema, sql, State } from '@cairn/store'
import { describe, expect, it } from 'vitest'
import { makeStore, rawRows } from './support.js'

describe('docs: SQL Queries › Query builder', () => {
  it('read queries return decoded results; write queries change the rows', async () => {
    const table = State.SQLite.table({
    	name: 'my_table',
    	columns: {
    		id: State.SQLite.text({ primaryKey: true }),
    		name: State.SQLite.text(),
    	},
    })

    // A store around the table: `sampleWrite` runs the write samples as they are written.
    const events = {
      sampleWrite: Events.synced({
        name: 'sampleWrite',
        schema: Schema.Struct({ which: Schema.Literal('insert', 'update', 'delete') }),
      }),
      rowAdded: Events.synced({ name: 'rowAdded', schema: Schema.Struct({ id: Schema.String, name: Schema.String }) }),
    }
    const materializers = State.SQLite.materializers(events, {
      sampleWrite: ({ which }) => {
        // Write queries
        if (which === 'insert') return table.insert({ id: '123', name: 'Bob' })
        if (which === 'update') return table.update({ name: 'Alice' }).where({ id: '123' })
        return table.delete().where({ id: '123' })
      },
      rowAdded: ({ id, name }) => table.insert({ id, name }),
    })
    const store = await makeStore(makeSchema({ events, state: State.SQLite.makeState({ tables: { table }, materializers }) }))

    store.commit(events.sampleWrite({ which: 'insert' }))
    expect(rawRows(store, 'SELECT * FROM my_table')).toEqual([{ id: '123', name: 'Bob' }])
    store.commit(events.sampleWrite({ which: 'update' }))
    expect(rawRows(store, 'SELECT * FROM my_table')).toEqual([{ id: '123', name: 'Alice' }])
    store.commit(...Array.from({ length: 24 }, (_, i) => events.rowAdded({ id: `r${i}`, name: `n${String(i).padStart(2, '0')}` })))
    store.commit(events.rowAdded({ id: 'ali', name: 'Malik' }))

    // Read queries
    expect(store.query(table.select('name'))).toEqual(expect.arrayContaining(['Alice', 'Malik', 'n00', 'n23']))
    expect(store.query(table.select('name')).length).toBe(26)
    expect(store.query(table.where('name', '==', 'Alice'))).toEqual([{ id: '123', name: 'Alice' }])
    expect(store.query(table.where({ name: 'Alice' }))).toEqual([{ id: '123', name: 'Alice' }])
    // names descending: n23 … n00, Malik, Alice; skip 10, take 10
    expect(store.query(table.orderBy('name', 'desc').offset(10).limit(10)).map((row) => row.name)).toEqual(
      ['n13', 'n12', 'n11', 'n10', 'n09', 'n08', 'n07', 'n06', 'n05', 'n04'],
    )
    expect(store.query(table.count().where('name', 'like', '%Ali%'))).toBe(2) // 'Alice', 'Malik' (LIKE is case-insensitive)

    store.commit(events.sampleWrite({ which: 'delete' }))
    expect(store.query(table.where({ id: '123' }))).toEqual([])
    expect(store.query(table.count())).toBe(25)
  })
})

describe('docs: SQL Queries › Raw SQL queries', () => {
  it('queryDb with sql`...` and a result schema decodes the rows; count$ follows commits', async () => {
    const table = State.SQLite.table({
    	name: 'my_table',
    	columns: {
    		id: State.SQLite.text({ primaryKey: true }),
    		name: State.SQLite.text(),
    	},
    })

    const filtered$ = queryDb({
    	query: sql`select * from my_table where name = 'Alice'`,
    	schema: Schema.Array(table.schema),
    })

    const count$ = queryDb({
    	query: sql`select count(*) as count from my_table`,
    	schema: Schema.Struct({ count: Schema.Number }).pipe(Schema.pluck('count'), Schema.Array, Schema.headOrElse()),
    })

    const events = {
      rowAdded: Events.synced({ name: 'rowAdded', schema: Schema.Struct({ id: Schema.String, name: Schema.String }) }),
    }
    const materializers = State.SQLite.materializers(events, { rowAdded: ({ id, name }) => table.insert({ id, name }) })
    const store = await makeStore(makeSchema({ events, state: State.SQLite.makeState({ tables: { table }, materializers }) }))

    expect(store.query(filtered$)).toEqual([])
    expect(store.query(count$)).toBe(0)
    const counts: number[] = []
    store.subscribe(count$, (count) => counts.push(count))
    store.commit(events.rowAdded({ id: '1', name: 'Alice' }), events.rowAdded({ id: '2', name: 'Bob' }))
    store.commit(events.rowAdded({ id: '3', name: 'Alice' }))
    expect(store.query(filtered$)).toEqual([
      { id: '1', name: 'Alice' },
      { id: '3', name: 'Alice' },
    ])
    expect(store.query(count$)).toBe(3)
    expect(counts).toEqual([0, 2, 3])
  })
})
