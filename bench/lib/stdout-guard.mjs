// Import this FIRST in every scenario script.
//
// A scenario script must print exactly one JSON object on stdout. Libraries under
// test may log to stdout (LiveStore 0.4.0 prints a DEBUG block on shutdown), so
// everything written to process.stdout after this module loads is re-routed to
// stderr; only emitResult() writes to the real stdout.
const realWrite = process.stdout.write.bind(process.stdout)

process.stdout.write = function write(chunk, encoding, cb) {
  return process.stderr.write(chunk, encoding, cb)
}

/** Write the single JSON result line to the real stdout. */
export function emitResult(result) {
  return new Promise((resolve) => realWrite(JSON.stringify(result) + '\n', () => resolve()))
}

/** Progress output (stderr). */
export function progress(...args) {
  process.stderr.write(`[bench] ${args.join(' ')}\n`)
}
