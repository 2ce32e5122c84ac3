// Small statistics helpers shared by every scenario script.

export const sum = (xs) => xs.reduce((a, b) => a + b, 0)

export const mean = (xs) => (xs.length === 0 ? NaN : sum(xs) / xs.length)

const sorted = (xs) => Float64Array.from(xs).sort()

/** Nearest-rank percentile, p in [0, 100]. */
export function percentile(xs, p) {
  if (xs.length === 0) return NaN
  const s = sorted(xs)
  const rank = Math.min(s.length, Math.max(1, Math.ceil((p / 100) * s.length)))
  return s[rank - 1]
}

/** Median (average of the two middle values for even lengths). */
export function median(xs) {
  if (xs.length === 0) return NaN
  const s = sorted(xs)
  const mid = s.length >> 1
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}

/** Mean of each of `parts` consecutive equal slices. */
export function sliceMeans(xs, parts) {
  const size = Math.floor(xs.length / parts)
  const out = []
  for (let i = 0; i < parts; i++) out.push(mean(xs.slice(i * size, (i + 1) * size)))
  return out
}

/** Round to a sensible number of significant digits for JSON output. */
export function round(x, digits = 4) {
  if (x === null || x === undefined || !Number.isFinite(x)) return x ?? null
  if (x === 0) return 0
  const mag = Math.floor(Math.log10(Math.abs(x)))
  const decimals = Math.max(0, digits - 1 - mag)
  return Number(x.toFixed(Math.min(decimals, 12)))
}
