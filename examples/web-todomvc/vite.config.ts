import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

export default defineConfig({
  plugins: [react()],
  // The leader runs in module workers (they import the store like the app does).
  worker: { format: 'es' },
  // SQLite's wasm build loads its .wasm file next to itself: the dependency optimizer must not move it.
  optimizeDeps: { exclude: ['@sqlite.org/sqlite-wasm'] },
  server: {
    port: 60001,
    // The app syncs with the server of its own origin (src/livestore.worker.ts): in development,
    // with a `cairn-sync-server` on its default port.
    proxy: { '/sync': { target: 'ws://127.0.0.1:8787', ws: true } },
  },
})
