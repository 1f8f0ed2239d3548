import { getLogger } from '@shop/platform/logging';
import type { PaymentDb } from '../data-access/database';
import { eraseUserCardsOnce } from '../data-access/user-erasure-repository';

const log = getLogger('erase-user');

// Inbox key of this handler (platform/src/messaging/inbox.ts).
const HANDLER = 'payment-service:erase-user';

/**
 * The account is deleted: its saved cards are deleted with their holder names erased, while
 * its payments stay for the books (user id, amounts, statuses). A redelivery changes nothing.
 */
export async function eraseUser(db: PaymentDb, messageId: string, userId: string, now: Date): Promise<void> {
  const erased = await eraseUserCardsOnce(db, messageId, HANDLER, userId, now);
  if (erased !== 'duplicate') log.info('User deleted: saved cards erased', { userId, cards: erased });
}
