// Extracts the TypeScript/JavaScript (and TSX) code blocks of the documentation (README.md, packages/*/README.md,
// docs/**/*.md) into test/.generated-doc-examples/, so that `npm run typecheck` compiles them and
// packages/store/test/docs-samples/readme-examples.test.ts runs each one. `npm test` runs this first.
//
// Conventions inside a ```ts / ```js block (see "Working on Cairn" in README.md):
//   expr // → expected          asserts that `expr` deep-equals `expected` (a JS expression)
//   console.log(expr) // → expected   the same (the value is checked instead of printed)
//   const x = expr // → expected     asserts the value of `x` after the declaration
//   statement // logs: a, b      asserts that the statement calls console.log exactly once, with (a, b)
// The fence's info string may carry:
//   file=schema.ts               writes the block under that name, so other blocks of the same
//                                markdown file can `import … from './schema.js'`
//   no-run                       typechecked, not run (browser-only code, servers…)
//   ignore                       neither (shell-like fragments, pseudo-code); `<!-- no-run -->` or
//                                `<!-- ignore -->` on the line before the fence work too
// Markers must sit on a line that holds a whole statement.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

const defaultRoot = join(dirname(fileURLToPath(import.meta.url)), '..')
export const GENERATED_DIR = join('test', '.generated-doc-examples')

const LANGS = new Map([
  ['ts', 'ts'],
  ['typescript', 'ts'],
  ['tsx', 'tsx'],
  ['js', 'js'],
  ['javascript', 'js'],
])

/** The markdown files whose examples must compile and run, relative to the root, sorted. */
export const docFiles = (root = defaultRoot) => {
  const files = []
  if (existsSync(join(root, 'README.md'))) files.push('README.md')
  const packages = join(root, 'packages')
  if (existsSync(packages)) {
    for (const name of readdirSync(packages).sort()) {
      if (existsSync(join(packages, name, 'README.md'))) files.push(join('packages', name, 'README.md'))
    }
  }
  const walk = (dir) => {
    for (const name of readdirSync(join(root, dir)).sort()) {
      if (name === 'node_modules' || name.startsWith('.')) continue
      const path = join(dir, name)
      if (statSync(join(root, path)).isDirectory()) walk(path)
      else if (name.endsWith('.md')) files.push(path)
    }
  }
  if (existsSync(join(root, 'docs'))) walk('docs')
  return files.map((file) => file.split(sep).join('/'))
}

/** The code blocks of one markdown text: language, info-string flags, first code line (1-based), code. */
export const codeBlocks = (markdown) => {
  const lines = markdown.split(/\r?\n/)
  const blocks = []
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)\s*(.*)$/.exec(lines[i])
    if (open === null) continue
    const [, indent, fence, lang, info] = open
    const body = []
    let j = i + 1
    for (; j < lines.length; j++) {
      const line = lines[j]
      if (line.trim().startsWith(fence) && line.trim().replace(/[`~]/g, '') === '') break
      body.push(line.startsWith(indent) ? line.slice(indent.length) : line.trimStart())
    }
    let previous = i - 1
    while (previous >= 0 && lines[previous].trim() === '') previous--
    const comment = previous >= 0 ? /^<!--\s*([\w-]+)\s*-->$/.exec(lines[previous].trim())?.[1] : undefined
    const words = info.split(/\s+/).filter(Boolean)
    const file = words.find((word) => word.startsWith('file='))?.slice('file='.length)
    blocks.push({
      lang: lang.toLowerCase(),
      line: i + 2,
      code: body.join('\n'),
      file,
      noRun: words.includes('no-run') || comment === 'no-run',
      ignore: words.includes('ignore') || comment === 'ignore',
    })
    i = j
  }
  return blocks
}

const MARKER = /^(\s*)(.*?);?\s*\/\/\s*(→|logs:)\s*(.+?)\s*$/

/** Rewrites the `// → expected` and `// logs: …` markers of a block into runtime checks. */
export const transform = (code, where) => {
  let usesRuntime = false
  const lines = code.split('\n').map((line, index) => {
    const match = MARKER.exec(line)
    if (match === null || match[2].trim() === '') return line
    usesRuntime = true
    const [, indent, statement, kind, expected] = match
    const loc = JSON.stringify(`${where.file}:${where.line + index}`)
    if (kind === 'logs:') {
      return `${indent}__docExample.startLogs(); ${statement}; __docExample.endLogs([${expected}], ${loc})`
    }
    const declaration = /^(?:const|let|var)\s+([A-Za-z_$][\w$]*)\b/.exec(statement)
    if (declaration !== null) return `${indent}${statement}; __docExample.value(${declaration[1]}, ${expected}, ${loc})`
    const logged = /^console\.log\((.*)\)$/.exec(statement)
    return `${indent}__docExample.value(${logged === null ? statement : logged[1]}, ${expected}, ${loc})`
  })
  return { code: lines.join('\n'), usesRuntime }
}

const RUNTIME = `// Generated by scripts/extract-doc-examples.mjs — do not edit.
// The checks behind the \`// → value\` and \`// logs: …\` markers of documentation examples.
import { deepStrictEqual } from 'node:assert/strict'

const check = (where: string, run: () => void): void => {
  try {
    run()
  } catch (error) {
    if (error instanceof Error) error.message = \`\${where}: \${error.message}\`
    throw error
  }
}

let captured: unknown[][] | undefined
let originalLog: typeof console.log | undefined

export const __docExample = {
  value(actual: unknown, expected: unknown, where: string): void {
    check(where, () => deepStrictEqual(actual, expected))
  },
  startLogs(): void {
    captured = []
    originalLog = console.log
    console.log = (...args: unknown[]) => void captured!.push(args)
  },
  endLogs(expected: unknown[], where: string): void {
    const calls = captured ?? []
    console.log = originalLog ?? console.log
    captured = undefined
    check(\`\${where} (expected exactly one console.log call, with these arguments)\`, () => deepStrictEqual(calls, [expected]))
  },
}
`

const slug = (file) => file.replace(/\.md$/i, '').replace(/[^A-Za-z0-9]+/g, '_')

/**
 * Writes every example into `test/.generated-doc-examples/<markdown file>/` (only files whose
 * content changed, so watchers stay quiet; stale files are removed).
 * @returns one entry per extracted block.
 */
export const extractDocExamples = ({ root = defaultRoot } = {}) => {
  const outDir = join(root, GENERATED_DIR)
  const wanted = new Map([[join(outDir, '_runtime.ts'), RUNTIME]])
  const examples = []
  for (const source of docFiles(root)) {
    const blocks = codeBlocks(readFileSync(join(root, source), 'utf8'))
    let n = 0
    for (const block of blocks) {
      const ext = LANGS.get(block.lang)
      if (ext === undefined || block.ignore) continue
      n++
      const name = block.file ?? `example-${n}.${ext}`
      const path = join(outDir, slug(source), name)
      const { code, usesRuntime } = transform(block.code, { file: source, line: block.line })
      // One header line: line n of the generated file is line `block.line + n - 2` of the markdown.
      const runtimeImport = usesRuntime ? `import { __docExample } from '../_runtime.js'; ` : ''
      const header = `${runtimeImport}// Generated from ${source}:${block.line} by scripts/extract-doc-examples.mjs — edit the markdown.`
      wanted.set(path, `${header}\n${code}\nexport {}\n`)
      examples.push({ source, line: block.line, name, path, run: !block.noRun })
    }
  }
  const existing = existsSync(outDir) ? listFiles(outDir) : []
  for (const file of existing) if (!wanted.has(file)) rmSync(file)
  for (const [file, content] of wanted) {
    if (existsSync(file) && readFileSync(file, 'utf8') === content) continue
    mkdirSync(dirname(file), { recursive: true })
    writeFileSync(file, content)
  }
  return examples
}

const listFiles = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(join(dir, entry.name)) : [join(dir, entry.name)],
  )

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const examples = extractDocExamples()
  const sources = new Set(examples.map((example) => example.source))
  console.log(
    `[cairn] ${examples.length} documentation examples from ${sources.size} files → ${relative(process.cwd(), join(defaultRoot, GENERATED_DIR)) || '.'}`,
  )
}
