/**
 * Stands for "the id of the current session" where the session id is not known yet: as a client
 * document id (`State.SQLite.clientDocument({ ..., default: { id: SessionIdSymbol, value } })` gives
 * one document per session, e.g. per browser tab), in event arguments and in compiled queries'
 * `bindValues`. The store replaces it with the session id before it stores an event or runs a query.
 *
 * `Symbol.for` so that two copies of the package (e.g. in a worker bundle) still agree on it.
 */
export const SessionIdSymbol: unique symbol = Symbol.for('cairn/SessionIdSymbol')

/** The type of {@link SessionIdSymbol}. */
export type SessionIdSymbol = typeof SessionIdSymbol
