// Imported first, so OPFS is gone before the leader looks for it.
import './remove-opfs.js'
import './livestore.worker.js'
