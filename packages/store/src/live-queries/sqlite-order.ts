import type { BindValue } from '../sqlite/sqlite-db.js'

/** SQLite's storage classes in sort order (https://sqlite.org/datatype3.html#sort_order). */
const classRank = (value: BindValue): number =>
  value === null ? 0 : typeof value === 'number' || typeof value === 'bigint' ? 1 : typeof value === 'string' ? 2 : 3

/**
 * Orders two raw values as SQLite's ORDER BY does with the BINARY collation (the only one builder
 * tables declare): NULL, then numbers (integers and reals compared by value), then text in UTF-8 byte
 * order, then blobs by memcmp. Returns a negative number, 0 or a positive number.
 */
export const compareSqliteValues = (a: BindValue, b: BindValue): number => {
  const rankA = classRank(a)
  const rankB = classRank(b)
  if (rankA !== rankB) return rankA - rankB
  switch (rankA) {
    case 0:
      return 0
    case 1:
      // `<` compares a bigint with a number exactly.
      return (a as number | bigint) < (b as number | bigint) ? -1 : (a as number | bigint) > (b as number | bigint) ? 1 : 0
    case 2:
      return compareUtf8(a as string, b as string)
    default:
      return compareBytes(a as Uint8Array, b as Uint8Array)
  }
}

/**
 * UTF-8 byte order is code point order. JS compares UTF-16 code units, which puts astral characters
 * (surrogate pairs, 0xD800–0xDFFF) before 0xE000–0xFFFF: at the first differing unit, surrogates
 * are moved above the rest of the BMP.
 */
const compareUtf8 = (a: string, b: string): number => {
  if (a === b) return 0
  const length = Math.min(a.length, b.length)
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x !== y) return utf8Rank(x) - utf8Rank(y)
  }
  return a.length - b.length
}

const utf8Rank = (unit: number): number => (unit < 0xd800 ? unit : unit <= 0xdfff ? unit + 0x2000 : unit - 0x800)

const compareBytes = (a: Uint8Array, b: Uint8Array): number => {
  const length = Math.min(a.length, b.length)
  for (let i = 0; i < length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!
  return a.length - b.length
}
