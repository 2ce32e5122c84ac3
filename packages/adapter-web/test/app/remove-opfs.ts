// Simulates a browser without OPFS (as in some private windows): no sync access handles, no OPFS root.
delete (globalThis as { FileSystemSyncAccessHandle?: unknown }).FileSystemSyncAccessHandle
delete (StorageManager.prototype as { getDirectory?: unknown }).getDirectory
