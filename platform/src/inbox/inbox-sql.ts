import { empty, sqltag as sql, type Sql } from '@prisma/client/runtime/client';

// The inbox (`processed_messages`, created by platform/migrations/messaging): which handler
// already processed which message. A handler records the message in the same statement (or
// transaction) as its effect, so the record and the effect commit together, and a redelivered
// message finds the record and changes nothing. These fragments are the only code that names
// the table; repositories put them into their own statements.

/** Options of inboxInsertSql. */
export interface InboxInsertOptions {
  /**
   * Condition the record depends on, e.g. sql`EXISTS (SELECT 1 FROM updated)` for a handler
   * whose effect is a conditional UPDATE: when the effect does not happen, neither does the
   * record, so the message stays new and a retry applies it. Default: always.
   */
  onlyIf?: Sql;
}

/**
 * Records that handler processed the message, as a statement or a CTE body: it yields one row
 * (`message_id`) the first time and none for a redelivery. Make the other writes of the
 * statement read from it (`WITH inbox AS (…), effect AS (INSERT … SELECT … FROM inbox)`), or
 * gate it on the effect with `onlyIf`; run alone, one row back means "first time".
 */
export function inboxInsertSql(messageId: string, handler: string, options: InboxInsertOptions = {}): Sql {
  return sql`INSERT INTO processed_messages (message_id, handler)
    SELECT ${messageId}::uuid, ${handler} ${options.onlyIf ? sql`WHERE ${options.onlyIf}` : empty}
    ON CONFLICT DO NOTHING RETURNING message_id`;
}

/** A boolean SQL expression: true when handler has processed the message (as of the statement's snapshot). */
export function inboxContainsSql(messageId: string, handler: string): Sql {
  return sql`EXISTS (SELECT 1 FROM processed_messages WHERE message_id = ${messageId}::uuid AND handler = ${handler})`;
}
