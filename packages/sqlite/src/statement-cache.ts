import type { PreparedStatement } from './prepare.js'

/**
 * Prepared statements by SQL text, least recently used first out. Preparing costs several µs in
 * wasm while running a cached statement costs about one, so every statement the store runs
 * repeatedly must stay prepared; the bound keeps one-off SQL (e.g. generated savepoint names) from
 * holding wasm memory forever.
 */
export class StatementCache {
  // A Map iterates in insertion order: re-inserting on use keeps the least recently used first.
  readonly #statements = new Map<string, PreparedStatement>()
  readonly #capacity: number
  readonly #finalize: (statement: PreparedStatement) => void

  constructor(capacity: number, finalize: (statement: PreparedStatement) => void) {
    this.#capacity = capacity
    this.#finalize = finalize
  }

  get(sql: string): PreparedStatement | undefined {
    const statement = this.#statements.get(sql)
    if (statement !== undefined) {
      this.#statements.delete(sql)
      this.#statements.set(sql, statement)
    }
    return statement
  }

  add(statement: PreparedStatement): void {
    if (this.#statements.size >= this.#capacity) {
      const oldest = this.#statements.values().next().value
      if (oldest !== undefined) {
        this.#statements.delete(oldest.sql)
        this.#finalize(oldest)
      }
    }
    this.#statements.set(statement.sql, statement)
  }

  /** Finalizes and forgets every statement. */
  clear(): void {
    for (const statement of this.#statements.values()) this.#finalize(statement)
    this.#statements.clear()
  }
}
