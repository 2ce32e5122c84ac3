/**
 * House rule: every TypeScript/JavaScript example in README.md, packages/*\/README.md and docs/
 * compiles and runs. scripts/extract-doc-examples.mjs writes each block to
 * test/.generated-doc-examples/ (typechecked by `npm run typecheck` via tsconfig.test.json; `npm test`
 * extracts first); this test extracts again (so it also works on its own) and imports each block.
 * `// → value` and `// logs: …` markers in a block become assertions (see the script's header).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { codeBlocks, docFiles, extractDocExamples, transform } from '../../../../scripts/extract-doc-examples.mjs'

const examples = extractDocExamples()

beforeEach(() => {
  // Examples print their results; keep the test output quiet (markers check what matters).
  vi.spyOn(console, 'log').mockImplementation(() => {})
})
afterEach(() => {
  vi.restoreAllMocks()
})

describe('documentation examples', () => {
  it('finds the examples of every README that has TypeScript blocks', () => {
    const sources = new Set(examples.map((example) => example.source))
    for (const readme of [
      'README.md',
      'packages/store/README.md',
      'packages/sqlite/README.md',
      'packages/adapter-node/README.md',
      'packages/sync-server/README.md',
      'packages/sync-ws/README.md',
      'packages/react/README.md',
    ]) {
      expect(sources).toContain(readme)
    }
    expect(docFiles()).toEqual(expect.arrayContaining([...sources]))
  })

  for (const example of examples.filter((e) => e.run)) {
    it(`${example.source}:${example.line} (${example.name}) runs`, async () => {
      await import(example.path)
    })
  }
})

describe('extract-doc-examples', () => {
  it('reads fences, their flags and no-run / ignore comments', () => {
    const markdown = [
      '# Title',
      '```sh',
      'npm test',
      '```',
      '```ts file=schema.ts',
      'export const a = 1',
      '```',
      '<!-- no-run -->',
      '',
      '```typescript',
      'document.title',
      '```',
      '```js ignore',
      'pseudo code',
      '```',
    ].join('\n')
    expect(codeBlocks(markdown).map(({ lang, line, code, file, noRun, ignore }) => ({ lang, line, code, file, noRun, ignore }))).toEqual([
      { lang: 'sh', line: 3, code: 'npm test', file: undefined, noRun: false, ignore: false },
      { lang: 'ts', line: 6, code: 'export const a = 1', file: 'schema.ts', noRun: false, ignore: false },
      { lang: 'typescript', line: 11, code: 'document.title', file: undefined, noRun: true, ignore: false },
      { lang: 'js', line: 14, code: 'pseudo code', file: undefined, noRun: false, ignore: true },
    ])
  })

  it('turns markers into checks and leaves other comments alone', () => {
    const where = { file: 'X.md', line: 10 }
    const code = [
      'store.query(count$) // → 2',
      '  console.log(store.query(todos$)); // → []',
      'const n = add(1, 1) // → 2',
      'store.commit(e) // logs: "open:", []',
      'doSomething() // plain comment',
    ].join('\n')
    expect(transform(code, where)).toEqual({
      usesRuntime: true,
      code: [
        '__docExample.value(store.query(count$), 2, "X.md:10")',
        '  __docExample.value(store.query(todos$), [], "X.md:11")',
        'const n = add(1, 1); __docExample.value(n, 2, "X.md:12")',
        '__docExample.startLogs(); store.commit(e); __docExample.endLogs(["open:", []], "X.md:13")',
        'doSomething() // plain comment',
      ].join('\n'),
    })
  })
})
