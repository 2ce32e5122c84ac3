/**
 * A Map for caches keyed by text that apps may vary without bound (SQL with `IN (?, ?, …)` lists of
 * every length, say): once it holds `limit` entries it is emptied before the next one is added.
 * Everything in such a cache can be computed again, so forgetting costs time, never correctness.
 */
export class BoundedMap<K, V> extends Map<K, V> {
  readonly #limit: number

  constructor(limit: number) {
    super()
    this.#limit = limit
  }

  override set(key: K, value: V): this {
    if (this.size >= this.#limit && !this.has(key)) this.clear()
    return super.set(key, value)
  }
}
