import { CairnError } from '../errors.js'
import type { EncodedEvent } from '../eventlog/event.js'
import { seqNumToString } from '../eventlog/seq-num.js'

/**
 * What to do with an event in the eventlog that the current schema does not define (e.g. written by
 * a newer app version): `'warn'` (default: skip it and warn once per event name), `'ignore'` (skip
 * silently), `'fail'` (throw `UnknownStoredEventError`), or a callback that sees each such event.
 * Skipped events stay in the eventlog; a later app version that defines them materializes them.
 */
export type UnknownEventHandling = 'warn' | 'ignore' | 'fail' | ((event: EncodedEvent) => void)

/** The eventlog holds an event the schema does not define, and `unknownEventHandling` is `'fail'`. */
export class UnknownStoredEventError extends CairnError {
  readonly _tag = 'UnknownStoredEventError'
  constructor(
    readonly eventName: string,
    readonly seqNum: string,
  ) {
    super(
      `The eventlog holds event "${eventName}" (${seqNum}), which the current schema does not define. ` +
        `It was probably written by a newer version of the app: update the app, or pass ` +
        `unknownEventHandling: 'warn' | 'ignore' to skip such events.`,
    )
  }
}

/**
 * Applies the policy to one unknown event; returns normally when it is to be skipped. `'warn'`
 * reports through `warn` (default `console.warn`; a leader in a worker thread forwards it to the app's thread).
 */
export const makeUnknownEventHandler = (
  policy: UnknownEventHandling = 'warn',
  warn: (message: string) => void = (message) => console.warn(message),
): ((event: EncodedEvent) => void) => {
  if (typeof policy === 'function') return policy
  if (policy === 'ignore') return () => {}
  if (policy === 'fail') {
    return (event) => {
      throw new UnknownStoredEventError(event.name, seqNumToString(event.seqNum))
    }
  }
  const warned = new Set<string>()
  return (event) => {
    if (warned.has(event.name)) return
    warned.add(event.name)
    warn(
      `[cairn] skipping event "${event.name}" (${seqNumToString(event.seqNum)}) and any later ones of that name: ` +
        `the schema does not define it (written by a newer app version?). It stays in the eventlog.`,
    )
  }
}
