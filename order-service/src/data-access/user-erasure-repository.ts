import { sqlRows } from '@shop/platform/data';
import { inboxInsertSql } from '@shop/platform/inbox';
import { ERASED_CUSTOMER } from '../domain/erased-customer';
import { Prisma } from '../generated/prisma/client';
import type { Db } from './database';

/** What one erasure changed, or 'duplicate' for a redelivery. */
export type UserErasure = { orders: number; events: number } | 'duplicate';

/**
 * Records the message in the inbox and anonymises the user in ONE statement: the orders'
 * customer snapshot becomes ERASED_CUSTOMER (id, user id, lines, totals, statuses and timestamps
 * stay), the customer in our outbox events of the user is replaced alike, published or not (an
 * unpublished one then goes out anonymised, and still parses), and the user's stored
 * idempotency responses go (they are order bodies without the customer, but replaying them for
 * a deleted account serves nobody).
 */
export async function eraseUserOnce(db: Db, messageId: string, handler: string, userId: string): Promise<UserErasure> {
  const customer = JSON.stringify(ERASED_CUSTOMER);
  const [row] = await sqlRows<{ new_message: boolean; orders: number; events: number }>(db, Prisma.sql`
    WITH inbox AS (${inboxInsertSql(messageId, handler)}),
    orders AS (
      UPDATE orders SET customer_email = ${ERASED_CUSTOMER.email}, customer_name = ${ERASED_CUSTOMER.name}
       WHERE user_id = ${userId}::uuid AND EXISTS (SELECT 1 FROM inbox)
      RETURNING id
    ),
    events AS (
      UPDATE outbox_messages SET payload = jsonb_set(payload, '{payload,customer}', ${customer}::jsonb)
       WHERE payload->'payload'->>'userId' = ${userId} AND payload->'payload' ? 'customer' AND EXISTS (SELECT 1 FROM inbox)
      RETURNING id
    ),
    keys AS (DELETE FROM idempotency_keys WHERE user_id = ${userId}::uuid AND EXISTS (SELECT 1 FROM inbox))
    SELECT EXISTS (SELECT 1 FROM inbox) AS new_message, (SELECT count(*)::int FROM orders) AS orders, (SELECT count(*)::int FROM events) AS events`);
  return row?.new_message ? { orders: row.orders, events: row.events } : 'duplicate';
}
