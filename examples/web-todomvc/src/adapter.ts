// The one place the app chooses where its data lives: the browser adapter, with the leader (OPFS
// persistence) in a dedicated worker elected across tabs and a shared worker connecting the tabs.
import { makePersistedAdapter } from '@cairn/adapter-web'
import LiveStoreSharedWorker from '@cairn/adapter-web/shared-worker?sharedworker'
import LiveStoreWorker from './livestore.worker.ts?worker'

export const adapter = makePersistedAdapter({
  storage: { type: 'opfs' },
  worker: LiveStoreWorker,
  sharedWorker: LiveStoreSharedWorker,
})
