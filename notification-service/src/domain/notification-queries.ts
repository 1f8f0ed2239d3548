import { decodeCursor, toPage } from '@shop/platform/data';
import { listNotificationsOfUser } from '../data-access/notification-repository';
import type { NotificationDb } from '../data-access/database';
import { toNotificationResponse } from './notification';

/** A page of the caller's notifications, newest first; nobody sees anyone else's. */
export async function listOwnNotifications(db: NotificationDb, userId: string, query: { limit: number; cursor?: string | undefined }) {
  const after = query.cursor ? decodeCursor(query.cursor) : undefined;
  const { items, nextCursor } = toPage(await listNotificationsOfUser(db, userId, query.limit + 1, after), query.limit);
  return { items: items.map(toNotificationResponse), nextCursor };
}
