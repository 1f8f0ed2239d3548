import { getLogger } from '@shop/platform/logging';
import type { NotificationDb } from '../data-access/database';
import { eraseUserNotificationsOnce } from '../data-access/notification-repository';

const log = getLogger('erase-user');

// Inbox key of this handler (platform/src/inbox).
const HANDLER = 'notification-service:erase-user';

/**
 * The account is deleted: its notifications stay as a record without the address, a mail not
 * sent yet never goes out, and later events about its orders mail nobody (the tombstone).
 */
export async function eraseUser(db: NotificationDb, messageId: string, userId: string): Promise<void> {
  const erased = await eraseUserNotificationsOnce(db, { messageId, handler: HANDLER }, userId);
  if (erased !== 'duplicate') log.info('User deleted: notification recipients erased', { userId, notifications: erased });
}
