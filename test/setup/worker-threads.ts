// Worker threads that tests start (makeWorkerAdapter, the README examples) must run the built
// packages, as they do in an app. Vitest runs each test file in a Node process started with
// `--conditions source` (the `source` export condition that points @cairn/* at src/*.ts), and a worker
// thread inherits its parent's Node options: it would then try to load TypeScript sources, which
// plain Node cannot. makeWorkerAdapter starts its worker with `process.execArgv`, so removing the
// condition here gives the workers the options of a plain `node`.
const withoutSourceCondition = (argv: readonly string[]): string[] => {
  const kept: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if ((arg === '--conditions' || arg === '-C') && argv[i + 1] === 'source') i++
    else if (arg !== '--conditions=source') kept.push(arg)
  }
  return kept
}

process.execArgv = withoutSourceCondition(process.execArgv)
