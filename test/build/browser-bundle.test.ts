// What an app's bundler makes of the built @cairn/store: it must be able to drop the parts of
// effect/Schema the app does not use (a namespace object copying all of effect/Schema costs a browser
// app ~100 KB gzipped; see scripts/build-bundles.mjs, separateEntryModules).
import { gzipSync } from 'node:zlib'
import { build } from 'vite'
import { beforeAll, describe, expect, it } from 'vitest'
import { ensureBundlesBuilt, fixture, repoRoot } from './helpers.js'

beforeAll(() => ensureBundlesBuilt(), 120_000)

describe('a browser bundle of an app on @cairn/store', () => {
  it('keeps only the effect/Schema the app uses', async () => {
    const output = await build({
      root: repoRoot,
      logLevel: 'silent',
      configFile: false,
      build: { write: false, minify: true, lib: { entry: fixture('minimal-app.mjs'), formats: ['es'], fileName: 'app' } },
    })
    const chunks = (Array.isArray(output) ? output : [output]).flatMap((result) => ('output' in result ? result.output : []))
    const code = chunks.map((chunk) => ('code' in chunk ? chunk.code : '')).join('\n')
    const gzipKB = gzipSync(code).length / 1024
    // All of effect/Schema alone is ~103 KB gz; the schema code of this app with Cairn is ~39.
    expect(gzipKB).toBeGreaterThan(10)
    expect(gzipKB).toBeLessThan(55)
  }, 120_000)
})
