import { DatabaseLockedError, SqliteError } from '@cairn/sqlite'
import { MaterializerError, StoredEventDecodeError, UnknownStoredEventError } from '@cairn/store'
import { InvalidAdapterOptionsError, LeaderProtocolError, LeaderWorkerError, WorkerSchemaMismatchError } from './errors.js'

/** The errors a leader worker can fail with, revived in the tab as instances of their classes (by `_tag`). */
export const ERROR_CLASSES: Readonly<Record<string, abstract new (...args: never[]) => Error>> = {
  DatabaseLockedError,
  InvalidAdapterOptionsError,
  LeaderProtocolError,
  LeaderWorkerError,
  MaterializerError,
  SqliteError,
  StoredEventDecodeError,
  UnknownStoredEventError,
  WorkerSchemaMismatchError,
}
