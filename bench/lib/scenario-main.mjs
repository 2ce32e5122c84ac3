// Entry point shared by every scenario script: `node SCRIPT --scenario NAME`.
import { emitResult, progress } from './stdout-guard.mjs'
import { round } from './stats.mjs'

/**
 * Runs `scenarios[name](side)` and prints its result as the one JSON line on stdout.
 * `loadSide` is async so that a library that fails to import becomes a JSON error result.
 */
export async function runScenarioMain(scenarios, sideId, loadSide, argv = process.argv.slice(2)) {
  if (argv.includes('--list')) {
    await emitResult({ scenarios: Object.keys(scenarios) })
    process.exit(0)
  }
  const idx = argv.indexOf('--scenario')
  const name = idx >= 0 ? argv[idx + 1] : undefined
  const base = { side: sideId, scenario: name, node: process.version }
  let result
  if (!name || !Object.hasOwn(scenarios, name)) {
    result = { ...base, ok: false, error: `unknown scenario ${JSON.stringify(name)}; one of ${Object.keys(scenarios).join(', ')}` }
  } else {
    const t0 = performance.now()
    try {
      const side = await loadSide()
      const r = await scenarios[name](side)
      result = { ...base, label: side.label, ok: true, ...r, wallMs: round(performance.now() - t0) }
    } catch (e) {
      progress(`${sideId}/${name} failed:`, e?.stack ?? e)
      result = { ...base, ok: false, error: String(e?.message ?? e).split('\n')[0], wallMs: round(performance.now() - t0) }
    }
  }
  await emitResult(result)
  process.exit(result.ok ? 0 : 1)
}
