/**
 * A small push-pull signals graph (Adapton style). Refs hold values; thunks derive values from
 * other nodes and re-run lazily; effects run after a batch when something they read changed.
 *
 * Setting a ref only marks its dependents as possibly stale (push); values are recomputed when
 * someone reads them (pull). A thunk whose recomputed value equals the previous one keeps the
 * previous value and version, so nothing downstream of it re-runs: this is what makes
 * "a subscriber is called only when its result changed" cheap.
 */

/** Reads another node's value and records the dependency. */
export type Getter = <T>(node: ReadableNode<T>) => T

/** Decides whether a new value replaces the old one; equal values stop propagation. */
export type Equal<T> = { bivarianceHack(a: T, b: T): boolean }["bivarianceHack"]

interface NodeBase {
  readonly label: string
  /** Bumped every time the value changes, so readers can tell cheaply whether to re-run. */
  version: number
  readonly dependents: Set<ComputedNode>
}

/** A node with a value someone can read: a ref or a thunk. */
export type ReadableNode<T> = RefNode<T> | ThunkNode<T>

/** A settable value. */
export interface RefNode<T> extends NodeBase {
  readonly kind: 'ref'
  value: T
  readonly equal: Equal<T>
}

interface ComputedBase extends NodeBase {
  /** Possibly stale: some dependency changed since the last run. */
  dirty: boolean
  /** Each dependency with the version it had when last read. */
  deps: Map<ReadableNode<unknown>, number>
  disposed: boolean
}

/** A derived value, recomputed lazily. */
export interface ThunkNode<T> extends ComputedBase {
  readonly kind: 'thunk'
  readonly compute: (get: Getter) => T
  readonly equal: Equal<T>
  hasValue: boolean
  value: T | undefined
  /** What the last run threw; re-thrown to readers until a dependency changes. */
  error: { readonly thrown: unknown } | undefined
}

/** Runs a function whenever what it read changes, after the batch that changed it. */
export interface EffectNode extends ComputedBase {
  readonly kind: 'effect'
  readonly run: (get: Getter) => void
}

export type ComputedNode = ThunkNode<unknown> | EffectNode

/** A graph of refs, thunks and effects. One per store. */
export class ReactiveGraph {
  /** The thunk or effect currently computing, so helpers can tie resources to it. */
  currentComputation: ThunkNode<unknown> | EffectNode | undefined
  private batchDepth = 0
  private readonly pendingEffects = new Set<EffectNode>()

  /** Wraps the running of effects, e.g. React's `unstable_batchedUpdates`. */
  constructor(private readonly batchEffects: (run: () => void) => void = (run) => run()) {}

  makeRef<T>(value: T, options: { label?: string; equal?: Equal<T> } = {}): RefNode<T> {
    return {
      kind: 'ref',
      label: options.label ?? 'ref',
      version: 0,
      dependents: new Set(),
      value,
      equal: options.equal ?? Object.is,
    }
  }

  makeThunk<T>(compute: (get: Getter) => T, options: { label?: string; equal?: Equal<T> } = {}): ThunkNode<T> {
    return {
      kind: 'thunk',
      label: options.label ?? 'thunk',
      version: 0,
      dependents: new Set(),
      dirty: true,
      deps: new Map(),
      disposed: false,
      compute,
      equal: options.equal ?? Object.is,
      hasValue: false,
      value: undefined,
      error: undefined,
    }
  }

  /** Creates an effect and runs it once right away. */
  makeEffect(run: (get: Getter) => void, options: { label?: string } = {}): EffectNode {
    const effect: EffectNode = {
      kind: 'effect',
      label: options.label ?? 'effect',
      version: 0,
      dependents: new Set(),
      dirty: true,
      deps: new Map(),
      disposed: false,
      run,
    }
    this.runEffect(effect)
    return effect
  }

  /** The node's current value, recomputing stale thunks on the way. */
  get<T>(node: ReadableNode<T>): T {
    if (node.kind === 'ref') return node.value
    this.refresh(node)
    if (node.error !== undefined) throw node.error.thrown
    return node.value as T
  }

  /** Sets a ref. Dependents are refreshed at the end of the outermost batch. */
  setRef<T>(ref: RefNode<T>, value: T): void {
    if (ref.equal(ref.value, value)) return
    ref.value = value
    ref.version++
    this.batch(() => this.markDependentsDirty(ref))
  }

  /** Groups several ref changes so effects run once, after all of them. */
  batch(fn: () => void): void {
    this.batchDepth++
    try {
      fn()
    } finally {
      this.batchDepth--
      if (this.batchDepth === 0 && this.pendingEffects.size > 0) this.flushEffects()
    }
  }

  /** Detaches a thunk or effect from the graph; it will not run again. */
  dispose(node: ComputedNode): void {
    node.disposed = true
    for (const dep of node.deps.keys()) dep.dependents.delete(node)
    node.deps.clear()
    node.dirty = true
    if (node.kind === 'effect') this.pendingEffects.delete(node)
    else {
      node.hasValue = false
      node.value = undefined
      node.error = undefined
    }
  }

  private markDependentsDirty(node: NodeBase): void {
    // No early exit on already-dirty nodes: a thunk whose last run threw stays dirty, and its
    // effects must still hear about the next change.
    for (const dependent of node.dependents) {
      dependent.dirty = true
      if (dependent.kind === 'effect') this.pendingEffects.add(dependent)
      else this.markDependentsDirty(dependent)
    }
  }

  private flushEffects(): void {
    this.batchEffects(() => {
      // Effects may set refs again; keep going until the graph is quiet.
      while (this.pendingEffects.size > 0) {
        const effects = [...this.pendingEffects]
        this.pendingEffects.clear()
        for (const effect of effects) {
          if (!effect.disposed && this.depsChanged(effect)) this.runEffect(effect)
          else effect.dirty = false
        }
      }
    })
  }

  /** Brings a thunk up to date. */
  private refresh(node: ThunkNode<unknown>): void {
    const settled = node.hasValue || node.error !== undefined
    if (!node.dirty && settled) return
    if (settled && !this.depsChanged(node)) {
      node.dirty = false
      return
    }
    const previous = node.value
    const hadValue = node.hasValue
    let value: unknown
    try {
      value = this.track(node, node.compute)
    } catch (thrown) {
      // Cached so readers see the failure without re-running, and versioned so effects hear of it.
      node.error = { thrown }
      node.hasValue = false
      node.dirty = false
      node.version++
      return
    }
    const hadError = node.error !== undefined
    node.error = undefined
    node.dirty = false
    if (hadValue && !hadError && node.equal(previous, value)) return
    node.value = value
    node.hasValue = true
    node.version++
  }

  /** Whether any dependency has a newer version than the one last read (refreshing thunks first). */
  private depsChanged(node: ComputedNode): boolean {
    for (const [dep, seenVersion] of node.deps) {
      if (dep.kind === 'thunk') this.refresh(dep)
      if (dep.version !== seenVersion) return true
    }
    return false
  }

  private runEffect(effect: EffectNode): void {
    this.track(effect, effect.run)
    effect.dirty = false
  }

  /** Runs `fn` for `node`, recording what it reads as its new dependencies. */
  private track<T>(node: ComputedNode, fn: (get: Getter) => T): T {
    const previousDeps = node.deps
    const deps = new Map<ReadableNode<unknown>, number>()
    const get: Getter = (dep) => {
      try {
        return this.get(dep)
      } finally {
        // Recorded even when the read throws, so the reader re-runs once the failure is fixed.
        deps.set(dep as ReadableNode<unknown>, dep.version)
      }
    }
    const outer = this.currentComputation
    this.currentComputation = node
    try {
      return fn(get)
    } finally {
      this.currentComputation = outer
      node.deps = deps
      for (const dep of previousDeps.keys()) if (!deps.has(dep)) dep.dependents.delete(node)
      for (const dep of deps.keys()) dep.dependents.add(node)
    }
  }
}

/** An equality that never holds: for refs that signal "something changed" on every set. */
export const neverEqual = (): boolean => false
