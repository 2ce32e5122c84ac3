import type { PreparedStatement } from './prepare.js'

/**
 * Prepared statements by SQL text, least recently used first out. Preparing costs several µs in
 * wasm while running a cached statement costs about one, so every statement the store runs
 * repeatedly must stay prepared; the bound keeps one-off SQL (e.g. generated savepoint names) from
 * holding wasm memory forever.
 */
export class StatementCache {
  // A use only stamps the entry; the least recently used one is searched for when full (rare),
  // which keeps the hit path to a single Map lookup.
  readonly #statements = new Map<string, { statement: PreparedStatement; lastUsed: number }>()
  readonly #capacity: number
  readonly #finalize: (statement: PreparedStatement) => void
  #clock = 0

  constructor(capacity: number, finalize: (statement: PreparedStatement) => void) {
    this.#capacity = capacity
    this.#finalize = finalize
  }

  get(sql: string): PreparedStatement | undefined {
    const entry = this.#statements.get(sql)
    if (entry === undefined) return undefined
    entry.lastUsed = ++this.#clock
    return entry.statement
  }

  add(statement: PreparedStatement): void {
    if (this.#statements.size >= this.#capacity) this.#evictLeastRecentlyUsed()
    this.#statements.set(statement.sql, { statement, lastUsed: ++this.#clock })
  }

  /** Finalizes and forgets every statement. */
  clear(): void {
    for (const entry of this.#statements.values()) this.#finalize(entry.statement)
    this.#statements.clear()
  }

  #evictLeastRecentlyUsed(): void {
    let oldest: { statement: PreparedStatement; lastUsed: number } | undefined
    for (const entry of this.#statements.values()) if (oldest === undefined || entry.lastUsed < oldest.lastUsed) oldest = entry
    if (oldest === undefined) return
    this.#statements.delete(oldest.statement.sql)
    this.#finalize(oldest.statement)
  }
}
