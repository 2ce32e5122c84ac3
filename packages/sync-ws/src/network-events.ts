/** The `online` / `offline` events of a browser window or worker; undefined elsewhere (Node). */
export interface NetworkEvents {
  listen(onOffline: () => void, onOnline: () => void): void
  stop(onOffline: () => void, onOnline: () => void): void
}

/** Reads the scope the code runs in (a window, or a dedicated or shared worker). */
export const networkEvents = (): NetworkEvents | undefined => {
  const scope = globalThis as {
    addEventListener?: (type: string, listener: () => void) => void
    removeEventListener?: (type: string, listener: () => void) => void
    navigator?: { onLine?: unknown }
  }
  const { addEventListener, removeEventListener } = scope
  if (typeof addEventListener !== 'function' || typeof removeEventListener !== 'function') return undefined
  if (typeof scope.navigator?.onLine !== 'boolean') return undefined
  return {
    listen: (onOffline, onOnline) => {
      addEventListener.call(scope, 'offline', onOffline)
      addEventListener.call(scope, 'online', onOnline)
    },
    stop: (onOffline, onOnline) => {
      removeEventListener.call(scope, 'offline', onOffline)
      removeEventListener.call(scope, 'online', onOnline)
    },
  }
}
