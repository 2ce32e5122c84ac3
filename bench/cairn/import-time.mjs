// Prints the ms taken to import Cairn's store + Node adapter in a fresh process.
const t0 = performance.now()
await import('@cairn/store')
await import('@cairn/adapter-node')
const ms = performance.now() - t0
process.stdout.write(`${ms}\n`, () => process.exit(0))
