// Prints the ms taken to import LiveStore's store + Node adapter in a fresh process.
const t0 = performance.now()
await import('@livestore/livestore')
await import('@livestore/adapter-node')
const ms = performance.now() - t0
process.stdout.write(`${ms}\n`, () => process.exit(0))
