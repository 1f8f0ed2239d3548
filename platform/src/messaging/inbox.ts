import { empty, sqltag as sql, type Sql } from '@prisma/client/runtime/client';
import type { SqlExecutor } from './sql-executor';

/**
 * The inbox table, as Prisma Migrate would write it for the `ProcessedMessage` model in
 * platform/src/outbox/README.md. Services copy it into a migration.
 */
export const INBOX_TABLE_SQL = `-- CreateTable
CREATE TABLE "processed_messages" (
    "message_id" UUID NOT NULL,
    "handler" TEXT NOT NULL,
    "processed_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "processed_messages_pkey" PRIMARY KEY ("message_id","handler")
);
`;

/**
 * Records that handler processed the message; true the first time, false for a redelivery.
 * Call it inside the transaction that applies the handler's effects and apply them only when
 * it returns true: the record and the effects then commit (or roll back) together.
 */
export async function markProcessed(tx: SqlExecutor, messageId: string, handler: string): Promise<boolean> {
  const inserted = await tx.$executeRawUnsafe(
    'INSERT INTO processed_messages (message_id, handler) VALUES ($1::uuid, $2) ON CONFLICT DO NOTHING',
    messageId,
    handler,
  );
  return inserted === 1;
}

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
 * markProcessed() as a SQL fragment, for a handler that writes everything in ONE statement of
 * data-modifying CTEs instead of an interactive transaction (two round trips fewer). It yields
 * one row the first time and none for a redelivery; make every other write of the statement
 * read from it (`INSERT … SELECT … FROM inbox`), so a redelivery writes nothing:
 *   WITH inbox AS (${inboxInsertSql(id, handler)}), effect AS (INSERT … SELECT … FROM inbox …) …
 * or, with `onlyIf`, gate the record on the effect instead (the effect then checks the inbox).
 */
export function inboxInsertSql(messageId: string, handler: string, options: InboxInsertOptions = {}): Sql {
  return sql`INSERT INTO processed_messages (message_id, handler)
    SELECT ${messageId}::uuid, ${handler} ${options.onlyIf ? sql`WHERE ${options.onlyIf}` : empty}
    ON CONFLICT DO NOTHING RETURNING message_id`;
}
