/**
 * Quotes a SQL identifier (table, column, index name) with double quotes, doubling embedded quotes.
 * Every identifier Cairn writes into SQL goes through this, so names like `order` or `user-id` work
 * and no name can inject SQL.
 */
export const quoteIdentifier = (name: string): string => `"${name.replaceAll('"', '""')}"`
