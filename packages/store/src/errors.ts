/**
 * Base of every error Cairn throws. `_tag` names the kind of failure so callers can switch on it;
 * the message says what happened and what to do about it.
 */
export abstract class CairnError extends Error {
  abstract readonly _tag: string

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = new.target.name
  }
}
