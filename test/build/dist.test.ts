// The published entries (`dist/`, built by `npm run build`: declarations from `tsc -b`, JavaScript
// bundled by scripts/build-bundles.mjs) load in plain Node and work. The other tests import the
// packages' `src/` through the `source` export condition; these spawn `node` with the default
// conditions, as an app would.
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { ensureBundlesBuilt, repoRoot, runFixture } from './helpers.js'

const PACKAGES = ['store', 'sqlite', 'adapter-node', 'sync-server', 'sync-ws']

const listFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : [join(dir, e.name)]))

beforeAll(() => ensureBundlesBuilt(), 120_000)

describe('built packages', () => {
  it('every exports entry points at files that exist (types from tsc, JavaScript from the bundler)', () => {
    for (const name of PACKAGES) {
      const pkgDir = join(repoRoot, 'packages', name)
      const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as {
        exports: Record<string, { source: string; types: string; default: string }>
      }
      for (const [subpath, target] of Object.entries(pkg.exports)) {
        for (const condition of ['source', 'types', 'default'] as const) {
          expect(existsSync(join(pkgDir, target[condition])), `${name} exports["${subpath}"].${condition}`).toBe(true)
        }
      }
    }
  })

  it('contain each source module once: no module is bundled into two files or two packages', () => {
    const owner = new Map<string, string>()
    for (const name of PACKAGES) {
      const dist = join(repoRoot, 'packages', name, 'dist')
      for (const mapFile of listFiles(dist).filter((f) => f.endsWith('.js.map'))) {
        const map = JSON.parse(readFileSync(mapFile, 'utf8')) as { sources: string[] }
        for (const source of map.sources) {
          const file = relative(repoRoot, resolve(join(mapFile, '..'), source))
          if (file.startsWith('\0') || file.includes('rolldown/runtime')) continue
          const chunk = relative(repoRoot, mapFile)
          expect(owner.get(file), `${file} is in ${owner.get(file)} and ${chunk}`).toBeUndefined()
          owner.set(file, chunk)
          // A package bundles only its own sources (plus any third-party code it chose to inline).
          if (file.startsWith('packages/')) expect(file.startsWith(`packages/${name}/src/`), `${chunk} bundles ${file}`).toBe(true)
        }
      }
    }
    expect(owner.size).toBeGreaterThan(10)
  })

  it('import in plain node loads a few dist files and no src file', async () => {
    const { report } = await runFixture<{ urls: string[] }>('loaded-files.mjs', ['@cairn/store', '@cairn/adapter-node'])
    const ours = report.urls.filter((u) => u.startsWith('file:') && u.includes('/packages/'))
    expect(ours.every((u) => /\/packages\/[^/]+\/dist\//.test(u)), ours.join('\n')).toBe(true)
    expect(ours.length).toBeLessThanOrEqual(10)
    expect(ours.some((u) => u.endsWith('/packages/store/dist/index.js'))).toBe(true)
    expect(ours.some((u) => u.endsWith('/packages/adapter-node/dist/index.js'))).toBe(true)
  })

  it('work end to end from dist: in-memory store, commit, query, subscribe, client document', async () => {
    type Report = {
      resolved: Record<string, string>
      sqliteExports: string[]
      adapterToolkitExports: string[]
      isStore: boolean
      rows: unknown
      openCount: number
      ui: unknown
      longTexts: string[]
      seen: string[][]
      invalid: { isInvalidEventArgsError: boolean; message: string }
      head: string
      seqOrder: boolean
    }
    const { report, stderr } = await runFixture<Report>('dist-smoke.mjs')
    expect(stderr).toBe('')
    expect(report.resolved['@cairn/store']).toMatch(/\/packages\/store\/dist\/index\.js$/)
    expect(report.resolved['@cairn/store/adapter']).toMatch(/\/packages\/store\/dist\/adapter\/index\.js$/)
    expect(report.resolved['@cairn/sqlite']).toMatch(/\/packages\/sqlite\/dist\/index\.js$/)
    expect(report.resolved['@cairn/adapter-node']).toMatch(/\/packages\/adapter-node\/dist\/index\.js$/)
    expect(report.sqliteExports).toContain('loadSqlite')
    expect(report.adapterToolkitExports).toEqual(expect.arrayContaining(['makeLeader', 'ROOT_SEQ_NUM', 'compareSeqNum']))
    expect(report.isStore).toBe(true)
    expect(report.rows).toEqual([
      { id: 'a', text: 'Buy milk', completed: true, deletedAt: null },
      { id: 'b', text: 'Walk the dog', completed: false, deletedAt: 1234 },
      { id: 'c', text: 'Write docs', completed: false, deletedAt: null },
    ])
    expect(report.openCount).toBe(2)
    expect(report.ui).toEqual({ filter: 'completed' })
    expect(report.longTexts).toEqual(['Write docs'])
    expect(report.seen.at(-1)).toEqual(['c'])
    expect(report.invalid.isInvalidEventArgsError).toBe(true)
    expect(report.invalid.message).toContain('id: Expected string, got number 1')
    expect(report.head).toBe('e5.1')
    expect(report.seqOrder).toBe(true)
  })

  it('sync packages work end to end from dist: server, makeWsSync over ws (no global WebSocket on Node 20), push and live pull', async () => {
    type Report = {
      resolved: Record<string, string>
      globalWebSocket: string
      ack: unknown
      rejected: unknown
      seen: number[]
      decode: string
    }
    const { report, stderr } = await runFixture<Report>('sync-smoke.mjs')
    expect(stderr).toBe('')
    expect(report.resolved['@cairn/sync-server']).toMatch(/\/packages\/sync-server\/dist\/index\.js$/)
    expect(report.resolved['@cairn/sync-ws']).toMatch(/\/packages\/sync-ws\/dist\/index\.js$/)
    expect(report.globalWebSocket).toBe('undefined')
    expect(report.ack).toEqual({ ok: true, head: 2 })
    expect(report.rejected).toEqual({ ok: false, head: 2, missing: 2 })
    expect(report.seen).toEqual([1, 2])
    expect(report.decode).toBe('unknown-type')
  })

  it('@cairn/sync-ws bundles for browsers: no Node builtin, ws only as its browser stub in a lazy chunk', async () => {
    const { rolldown } = await import('rolldown')
    const build = await rolldown({ input: join(repoRoot, 'packages', 'sync-ws', 'dist', 'index.js'), platform: 'browser', logLevel: 'silent' })
    try {
      const { output } = await build.generate({ format: 'esm' })
      const chunks = output.filter((c) => c.type === 'chunk')
      const entry = chunks.find((c) => c.isEntry)!
      const wsModules = (chunk: (typeof chunks)[number]) => chunk.moduleIds.filter((id) => /node_modules\/ws\//.test(id))
      expect(wsModules(entry)).toEqual([])
      const lazy = chunks.filter((c) => entry.dynamicImports.includes(c.fileName))
      expect(lazy.flatMap(wsModules).map((id) => id.replace(/.*node_modules\//, ''))).toEqual(['ws/browser.js'])
      for (const chunk of chunks) {
        expect(chunk.imports.filter((i) => !chunks.some((c) => c.fileName === i))).toEqual([])
        expect(chunk.code).not.toMatch(/from ["']node:|require\(["'](net|tls|http|https|crypto|stream|events)["']\)/)
      }
    } finally {
      await build.close()
    }
  })
})
