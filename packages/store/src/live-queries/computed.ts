import { InvalidArgumentError } from '../store/errors.js'
import { deepEqual } from '../utils/deep-equal.js'
import { keyFromDeps, makeLiveQueryDef, type GetLiveQuery, type LiveQueryDef } from './live-query-def.js'

let computedCount = 0

/**
 * A value derived from other live queries; recomputed only when something it read changed.
 *
 * @example
 * const num$ = signal(0, { label: 'num$' })
 * const duplicated$ = computed((get) => get(num$) * 2, { label: 'duplicated$' })
 */
export const computed = <T>(
  fn: (get: GetLiveQuery) => T,
  options: { label?: string; deps?: unknown } = {},
): LiveQueryDef<T> => {
  if (typeof fn !== 'function') throw new InvalidArgumentError('computed(fn) takes a function of `get`, e.g. computed((get) => get(count$) * 2).')
  const label = options.label ?? `computed${++computedCount}`
  const def = makeLiveQueryDef<T>({
    kind: 'computed',
    label,
    key: options.deps === undefined ? undefined : keyFromDeps('computed', label, fn, options.deps),
    makeNode: (runtime) =>
      runtime.graph.makeThunk<T>((get) => fn((dep) => runtime.read(get, dep)), { label, equal: deepEqual }),
  })
  return def.key === undefined ? Object.assign(def, { key: def }) : def
}
