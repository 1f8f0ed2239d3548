import { sqlRows } from '@shop/platform/data';
import { inboxInsertSql } from '@shop/platform/inbox';
import { Prisma } from '../generated/prisma/client';
import type { Db } from './database';

/**
 * Records the message in the inbox and erases the user's cards in ONE statement: every saved
 * card of the user is deleted (a later charge naming one fails as invalid_payment_method) and
 * loses its holder name. Payments keep their user id, amounts and statuses; they hold no name.
 * Our outbox payloads (payment.*) carry no holder name, so there is nothing to erase there.
 * Returns the number of cards erased, or 'duplicate' for a redelivery.
 */
export async function eraseUserCardsOnce(db: Db, messageId: string, handler: string, userId: string, now: Date): Promise<number | 'duplicate'> {
  const [row] = await sqlRows<{ new_message: boolean; erased: number }>(db, Prisma.sql`
    WITH inbox AS (${inboxInsertSql(messageId, handler)}),
    erased AS (
      UPDATE payment_methods SET holder_name = NULL, deleted_at = COALESCE(deleted_at, ${now})
       WHERE user_id = ${userId}::uuid AND EXISTS (SELECT 1 FROM inbox)
      RETURNING id
    )
    SELECT EXISTS (SELECT 1 FROM inbox) AS new_message, (SELECT count(*)::int FROM erased) AS erased`);
  return row?.new_message ? row.erased : 'duplicate';
}
