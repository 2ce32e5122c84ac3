import { CairnError } from '@cairn/store'

/** The eventlog file exists but cannot be read. It is left exactly as it was. */
export class EventlogUnreadableError extends CairnError {
  readonly _tag = 'EventlogUnreadableError'
  constructor(
    readonly path: string,
    cause: unknown,
  ) {
    super(
      `The eventlog ${path} cannot be read (${cause instanceof Error ? cause.message : String(cause)}). ` +
        `Cairn left it untouched: restore it from a backup, or move it away to start this store empty.`,
      { cause },
    )
  }
}

/** `makeAdapter` was given options it does not understand. */
export class InvalidAdapterOptionsError extends CairnError {
  readonly _tag = 'InvalidAdapterOptionsError'
}
