import { makeWorker } from '@cairn/adapter-web/worker'
import { makeWsSync } from '@cairn/sync-ws'
import { schema } from './livestore/schema.js'

// The sync server is on the page's origin, at /sync: `npm run demo` serves the app from the sync
// server itself, and `npm run dev` proxies /sync to a cairn-sync-server (vite.config.ts).
const url = new URL('/sync', self.location.href)
url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:'

makeWorker({
  schema,
  sync: {
    // Retry at least every 2 s (instead of up to 30 s): a window that comes back online catches up
    // while you watch. A production app would retry on the `online` event instead.
    backend: makeWsSync({ url: url.href, backoff: { maxMs: 2000 } }),
  },
})
