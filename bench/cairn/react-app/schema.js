// Schema of the React benchmark app — Cairn side. Keep identical to
// bench/peers/livestore/react-app/schema.js except for the import line.
import { Events, makeSchema, Schema, SessionIdSymbol, State } from '@cairn/store'

export const tables = {
  rows: State.SQLite.table({
    name: 'rows',
    columns: { id: State.SQLite.integer({ primaryKey: true }), label: State.SQLite.text({ default: '' }) },
  }),
  uiState: State.SQLite.clientDocument({
    name: 'uiState',
    schema: Schema.Struct({ selected: Schema.NullOr(Schema.Number) }),
    default: { id: SessionIdSymbol, value: { selected: null } },
  }),
}

export const events = {
  rowCreated: Events.synced({ name: 'v1.RowCreated', schema: Schema.Struct({ id: Schema.Number, label: Schema.String }) }),
  rowLabelSet: Events.synced({ name: 'v1.RowLabelSet', schema: Schema.Struct({ id: Schema.Number, label: Schema.String }) }),
  rowDeleted: Events.synced({ name: 'v1.RowDeleted', schema: Schema.Struct({ id: Schema.Number }) }),
  rowsCleared: Events.synced({ name: 'v1.RowsCleared', schema: Schema.Struct({}) }),
}

const materializers = State.SQLite.materializers(events, {
  'v1.RowCreated': ({ id, label }) => tables.rows.insert({ id, label }),
  'v1.RowLabelSet': ({ id, label }) => tables.rows.update({ label }).where({ id }),
  'v1.RowDeleted': ({ id }) => tables.rows.delete().where({ id }),
  'v1.RowsCleared': () => tables.rows.delete(),
})

export const schema = makeSchema({ events, state: State.SQLite.makeState({ tables, materializers }) })
