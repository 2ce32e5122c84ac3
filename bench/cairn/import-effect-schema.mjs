// Prints the ms taken to import `effect/Schema` alone in a fresh process (the floor of import-time.mjs).
const t0 = performance.now()
await import('effect/Schema')
const ms = performance.now() - t0
process.stdout.write(`${ms}\n`, () => process.exit(0))
