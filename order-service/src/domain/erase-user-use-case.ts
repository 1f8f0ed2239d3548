import { getLogger } from '@shop/platform/logging';
import type { OrderDb } from '../data-access/database';
import { eraseUserOnce } from '../data-access/user-erasure-repository';

const log = getLogger('erase-user');

// Inbox key of this handler (platform/src/inbox).
const HANDLER = 'order-service:erase-user';

/** The account is deleted: its orders stay for the books with the user id only (see eraseUserOnce). */
export async function eraseUser(db: OrderDb, messageId: string, userId: string): Promise<void> {
  const erased = await eraseUserOnce(db, messageId, HANDLER, userId);
  if (erased !== 'duplicate') log.info('User deleted: orders anonymised', { userId, ...erased });
}
