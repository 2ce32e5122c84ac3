#!/usr/bin/env node
// Summarizes the CPU profiles `--profile DIR` of the react suite writes (DIR/<scenario>-<impl>.cpuprofiles.json,
// one CDP Profiler profile per timed click): self time per function and per bundle part, mean per click.
//   node bench/lib/profile-summary.mjs FILE [top=25] [fnName…]
// Each fnName also gets its inclusive time (samples with it anywhere on the stack), e.g. `commit`
// (the store's commit) or `performWorkOnRootViaSchedulerTask`/`flushSyncWorkAcrossRoots_impl` (React).
import { readFileSync } from 'node:fs'

const [file, topArg, ...inclusiveNames] = process.argv.slice(2)
const inclusive = new Map(inclusiveNames.map((name) => [name, 0]))
const profiles = JSON.parse(readFileSync(file, 'utf8'))
const top = Number(topArg ?? 25)
const byFn = new Map()
const byPart = new Map()
// Which code a function belongs to, from the chunk it is in and its name (the build is unminified for profiles).
const partOf = (node) => {
  const { url, functionName } = node.callFrame
  if (functionName === '(garbage collector)') return 'GC'
  if (functionName === '(idle)' || functionName === '(program)' || functionName === '(root)') return functionName
  if (/^wasm:/.test(url) || /^wasm-function/.test(functionName)) return 'sqlite (wasm)'
  if (url === '') return '(native: DOM, TextDecoder, …)'
  return url.replace(/^.*\/assets\//, '')
}
for (const p of profiles) {
  const nodes = new Map(p.nodes.map((n) => [n.id, n]))
  const parent = new Map()
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const dt = p.timeDeltas
  for (let i = 0; i < p.samples.length; i++) {
    const node = nodes.get(p.samples[i])
    const ms = (dt[i + 1] ?? 0) / 1000
    const onStack = new Set()
    for (let id = node.id; id !== undefined; id = parent.get(id)) onStack.add(nodes.get(id).callFrame.functionName)
    for (const name of inclusive.keys()) if (onStack.has(name)) inclusive.set(name, inclusive.get(name) + ms)
    const key = `${node.callFrame.functionName || '(anonymous)'}  ${partOf(node)}:${node.callFrame.lineNumber + 1}`
    byFn.set(key, (byFn.get(key) ?? 0) + ms)
    byPart.set(partOf(node), (byPart.get(partOf(node)) ?? 0) + ms)
  }
}
const n = profiles.length
const fmt = (m) => [...m].filter(([k]) => k !== '(idle)').sort((a, b) => b[1] - a[1])
console.log(`${file}: ${n} clicks; self time per click (ms)`)
for (const [k, v] of fmt(byPart)) console.log(`  ${(v / n).toFixed(3).padStart(8)}  ${k}`)
if (inclusive.size > 0) console.log('inclusive (anywhere on the stack), per click:')
for (const [k, v] of inclusive) console.log(`  ${(v / n).toFixed(3).padStart(8)}  ${k}`)
console.log('top functions:')
for (const [k, v] of fmt(byFn).slice(0, top)) console.log(`  ${(v / n).toFixed(3).padStart(8)}  ${k}`)
