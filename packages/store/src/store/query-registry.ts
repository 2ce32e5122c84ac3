import type { LiveQueryDef, QueryRuntime } from '../live-queries/live-query-def.js'
import type { ComputedNode, Getter, ReactiveGraph, ReadableNode } from '../reactive/graph.js'

interface Entry {
  readonly key: unknown
  readonly node: ReadableNode<unknown>
  refCount: number
}

/**
 * The store's nodes for live query definitions. Definitions with equal keys share a node; a node
 * lives while something holds it (a subscription, or another node that read it) and is disposed
 * when the last holder lets go, so queries nobody watches cost nothing on commit.
 */
export class QueryRegistry {
  private readonly entries = new Map<unknown, Entry>()
  /** Entries each computing node acquired by reading them; released when that node is disposed. */
  private readonly holds = new Map<ComputedNode, Set<Entry>>()
  private readonly signals = new WeakMap<LiveQueryDef<unknown>, ReadableNode<unknown>>()

  constructor(
    private readonly graph: ReactiveGraph,
    private readonly runtime: () => QueryRuntime,
  ) {}

  /** Takes a reference on the def's node, creating it if needed. */
  acquire<T>(def: LiveQueryDef<T>): { readonly node: ReadableNode<T>; readonly release: () => void } {
    if (def.kind === 'signal') return { node: this.signalNode(def), release: noop }
    const entry = this.acquireEntry(def)
    let released = false
    return {
      node: entry.node as ReadableNode<T>,
      release: () => {
        if (released) return
        released = true
        this.releaseEntry(entry)
      },
    }
  }

  /** The def's current value, without keeping a node alive for it afterwards. */
  peek<T>(def: LiveQueryDef<T>): T {
    if (def.kind === 'signal') return this.graph.get(this.signalNode(def))
    const existing = this.entries.get(def.key)
    if (existing !== undefined) return this.graph.get(existing.node) as T
    if (def.compute !== undefined) return def.compute(this.runtime())
    const { node, release } = this.acquire(def)
    try {
      return this.graph.get(node)
    } finally {
      release()
    }
  }

  /** Reads `def` from inside a computing node, which then holds it until it is disposed. */
  readonly read = <T>(get: Getter, def: LiveQueryDef<T>): T => {
    if (def.kind === 'signal') return get(this.signalNode(def))
    const owner = this.graph.currentComputation
    let entry = this.entries.get(def.key)
    if (owner === undefined) return this.peek(def)
    let held = this.holds.get(owner)
    if (held === undefined) this.holds.set(owner, (held = new Set()))
    if (entry === undefined || !held.has(entry)) {
      entry = this.acquireEntry(def)
      held.add(entry)
    }
    return get(entry.node as ReadableNode<T>)
  }

  /** Disposes a computing node and lets go of everything it held. */
  disposeNode(node: ComputedNode): void {
    this.graph.dispose(node)
    const held = this.holds.get(node)
    if (held === undefined) return
    this.holds.delete(node)
    for (const entry of held) this.releaseEntry(entry)
  }

  /** The node of a signal in this store, created with the signal's initial value on first use. */
  signalNode<T>(def: LiveQueryDef<T>): ReadableNode<T> {
    let node = this.signals.get(def as LiveQueryDef<unknown>)
    if (node === undefined) {
      node = def.makeNode(this.runtime()) as ReadableNode<unknown>
      this.signals.set(def as LiveQueryDef<unknown>, node)
    }
    return node as ReadableNode<T>
  }

  private acquireEntry(def: LiveQueryDef<unknown>): Entry {
    let entry = this.entries.get(def.key)
    if (entry === undefined) {
      entry = { key: def.key, node: def.makeNode(this.runtime()), refCount: 0 }
      this.entries.set(def.key, entry)
    }
    entry.refCount++
    return entry
  }

  private releaseEntry(entry: Entry): void {
    entry.refCount--
    if (entry.refCount > 0) return
    this.entries.delete(entry.key)
    if (entry.node.kind === 'thunk') this.disposeNode(entry.node)
  }
}

const noop = (): void => {}
