import { useStore } from '@cairn/react'
import type { SyncStatus as Status } from '@cairn/store'
import { useEffect, useState } from 'react'

const LABELS: Record<Status['connection'], string> = {
  off: 'not syncing',
  connecting: 'connecting…',
  connected: 'online',
  disconnected: 'offline',
  failed: 'sync stopped',
}

/** Whether this window reaches the sync server, and how many of its changes wait for it. */
export const SyncStatus = () => {
  const { store } = useStore()
  const [status, setStatus] = useState(() => store.syncStatus())
  useEffect(() => store.subscribeSyncStatus(setStatus), [store])
  const pending = status.pendingCount === 1 ? '1 change to sync' : `${status.pendingCount} changes to sync`
  return (
    <p className="sync-status" data-connection={status.connection} title={status.error}>
      Sync: {LABELS[status.connection]}
      {status.pendingCount > 0 ? ` · ${pending}` : ''}
    </p>
  )
}
