/**
 * The immutable state behind a builder. Methods copy it with one field changed; values are already
 * encoded to bind values (at method-call time), so compiling only assembles SQL text.
 */
import type { TableInfo } from './table-info.js'
import type { CompiledBindValue, OrderDirection } from './types.js'
import type { WhereFragment } from './where.js'

/** Columns and their encoded values, for INSERT / UPDATE / ON CONFLICT DO UPDATE. */
export interface Assignments {
  readonly columns: ReadonlyArray<string>
  readonly bindValues: ReadonlyArray<CompiledBindValue>
}

/** What `first()` does when no row matches. */
export type FirstBehaviour =
  | { readonly behaviour: 'undefined' }
  | { readonly behaviour: 'error' }
  | { readonly behaviour: 'fallback'; readonly fallback: () => unknown }

/** An `ON CONFLICT` clause. */
export interface OnConflictState {
  readonly target: ReadonlyArray<string>
  readonly action: 'ignore' | 'replace' | 'update'
  readonly assignments: Assignments | undefined
}

/** Everything a builder knows. */
export interface BuilderState {
  readonly table: TableInfo
  readonly kind: 'select' | 'count' | 'insert' | 'update' | 'delete'
  /** Selected columns; `undefined` selects all columns. */
  readonly columns: ReadonlyArray<string> | undefined
  /** `select('col')`: the result is the column's values rather than rows. */
  readonly pluck: boolean
  readonly where: ReadonlyArray<WhereFragment>
  readonly orderBy: ReadonlyArray<{ readonly column: string; readonly direction: OrderDirection }>
  readonly limit: number | undefined
  readonly offset: number | undefined
  readonly first: FirstBehaviour | undefined
  readonly assignments: Assignments | undefined
  readonly onConflict: OnConflictState | undefined
  readonly returning: ReadonlyArray<string> | undefined
}

/** The state of a builder on the whole table (`SELECT` of every column). */
export const initialState = (table: TableInfo): BuilderState => ({
  table,
  kind: 'select',
  columns: undefined,
  pluck: false,
  where: [],
  orderBy: [],
  limit: undefined,
  offset: undefined,
  first: undefined,
  assignments: undefined,
  onConflict: undefined,
  returning: undefined,
})

/** Whether nothing has been chained yet (writes can only start from here). */
export const isPristine = (state: BuilderState): boolean =>
  state.kind === 'select' &&
  state.columns === undefined &&
  state.where.length === 0 &&
  state.orderBy.length === 0 &&
  state.limit === undefined &&
  state.offset === undefined &&
  state.first === undefined
