import { defineConfig } from 'vitest/config'

export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: ['packages/*/test/**/*.test.{ts,tsx}', 'examples/*/test/**/*.test.{ts,tsx}', 'docs/**/*.test.ts', 'test/build/**/*.test.ts', 'test/sync/**/*.test.ts'],
    typecheck: { enabled: true, include: ['packages/*/test/**/*.test-d.ts'], tsconfig: 'tsconfig.test.json' },
    testTimeout: 30_000,
    // The randomized sync seeds run a few at a time: each mostly waits on processes and sockets.
    maxConcurrency: 3,
    setupFiles: ['test/setup/worker-threads.ts'],
  },
})
