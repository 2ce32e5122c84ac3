// The leader worker of the sync tests: it syncs with the cairn-sync-server whose URL the test's
// static server hands out (the port is only known at run time).
import { makeWorker } from '@cairn/adapter-web/worker'
import { makeWsSync } from '@cairn/sync-ws'
import { schema } from './schema.js'

const { syncUrl } = (await (await fetch('/test-config.json')).json()) as { syncUrl: string }

makeWorker({ schema, sync: { backend: makeWsSync({ url: syncUrl, backoff: { initialMs: 50, maxMs: 500 } }) } })
