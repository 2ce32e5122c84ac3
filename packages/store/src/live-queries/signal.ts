import { makeLiveQueryDef, type LiveQueryDef } from './live-query-def.js'

/** A settable reactive value, bound to a store by `store.setSignal` / `store.query`. */
export interface SignalDef<T> extends LiveQueryDef<T> {
  readonly kind: 'signal'
  readonly initialValue: T
}

let signalCount = 0

/**
 * A reactive value that is not materialized from events (e.g. the current time, a filter in the UI).
 * Each store holds its own value, starting at `initialValue`; set it with `store.setSignal`.
 *
 * @example
 * const num$ = signal(0, { label: 'num$' })
 * store.setSignal(num$, (prev) => prev + 1)
 * store.query(num$) // 1
 */
export const signal = <T>(initialValue: T, options: { label?: string } = {}): SignalDef<T> => {
  const label = options.label ?? `signal${++signalCount}`
  const def: SignalDef<T> = Object.assign(
    makeLiveQueryDef<T>({
      kind: 'signal',
      label,
      key: undefined,
      makeNode: (runtime) => runtime.graph.makeRef(initialValue, { label }),
    }),
    { kind: 'signal' as const, initialValue },
  )
  return Object.assign(def, { key: def })
}

/** Whether `value` is a signal definition. */
export const isSignalDef = (value: unknown): value is SignalDef<unknown> =>
  typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'signal' && 'initialValue' in value
