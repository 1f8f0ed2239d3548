import { sqlRows } from '@shop/platform/data';
import { inboxInsertSql } from '@shop/platform/inbox';
import { Prisma } from '../generated/prisma/client';
import type { Db } from './database';

/**
 * Records the message in the inbox and the order as cancelled, in ONE statement: both commit
 * or neither does. An order cancelled twice (another copy of the event) keeps its first row.
 * Returns false for a redelivery of a message already handled.
 */
export async function insertCancelledOrderOnce(db: Db, messageId: string, handler: string, orderId: string): Promise<boolean> {
  const [row] = await sqlRows<{ new_message: boolean }>(db, Prisma.sql`
    WITH inbox AS (${inboxInsertSql(messageId, handler)}),
    cancelled AS (
      INSERT INTO cancelled_orders (order_id) SELECT ${orderId}::uuid FROM inbox
      ON CONFLICT DO NOTHING RETURNING order_id
    )
    SELECT EXISTS (SELECT 1 FROM inbox) AS new_message`);
  return row?.new_message ?? false;
}
