// Types of postgres.mjs (plain JS, shared by the vitest suites and the bench scripts).

/** The newest /usr/lib/postgresql/<version>/bin with initdb and pg_ctl; undefined when PostgreSQL is not installed. */
export declare const findPostgresBin: () => string | undefined

/** Why `findPostgresBin()` found nothing, for a skip message. */
export declare const postgresMissingReason: () => string

/** A free TCP port of 127.0.0.1 (free when asked; another process may take it before it is used). */
export declare const freePort: () => Promise<number>

export interface PostgresServer {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` */
  readonly url: string
  /** A URL for a fresh, empty database on the same server. */
  createDatabase(name: string): string
  stop(): void
}

/** initdb + pg_ctl start in a temp dir; `durable: true` keeps fsync and synchronous_commit on (default: off, for tests). */
export declare function startPostgres(bin: string, options?: { readonly durable?: boolean }): Promise<PostgresServer>
