import { randomUUID } from 'node:crypto';
import type { PageCursor } from '@shop/platform/data';
import type { Notification } from '../domain/notification';
import type { Prisma, Notification as NotificationRow } from '../generated/prisma/client';
import type { NotificationDb } from './prisma-client-factory';

/** The client itself or an interactive transaction of it (the use case owns the transaction). */
export type Db = NotificationDb | Prisma.TransactionClient;

export type NewNotification = Pick<Notification, 'eventId' | 'eventType' | 'userId' | 'orderId' | 'recipient' | 'subject'>;

const toNotification = (row: NotificationRow): Notification => ({ ...row });

/**
 * Claims a delivery attempt for the event's notification in one statement: inserts it the
 * first time, otherwise counts another attempt unless it is already sent. Returns its id, or
 * null when it is sent. Either way the row stays locked until the caller's transaction ends
 * (a new row is invisible, a conflicting one is locked by ON CONFLICT DO UPDATE), so a
 * concurrent claim of the same event waits, then sees the committed status: one sender runs.
 */
export async function claimAttempt(tx: Db, notification: NewNotification): Promise<string | null> {
  const rows = await tx.$queryRaw<Array<{ id: string }>>`
    INSERT INTO notifications (id, event_id, event_type, user_id, order_id, recipient, subject, status, attempts)
    VALUES (${randomUUID()}::uuid, ${notification.eventId}::uuid, ${notification.eventType}, ${notification.userId}::uuid,
            ${notification.orderId}::uuid, ${notification.recipient}, ${notification.subject}, 'pending', 1)
    ON CONFLICT (event_id) DO UPDATE SET attempts = notifications.attempts + 1 WHERE notifications.status <> 'sent'
    RETURNING id`;
  return rows[0]?.id ?? null;
}

export async function markSent(tx: Db, id: string, sentAt: Date): Promise<void> {
  await tx.$executeRaw`UPDATE notifications SET status = 'sent', sent_at = ${sentAt} WHERE id = ${id}::uuid`;
}

export async function markFailed(tx: Db, id: string, error: string): Promise<void> {
  await tx.$executeRaw`UPDATE notifications SET status = 'failed', last_error = ${error.slice(0, 2000)} WHERE id = ${id}::uuid`;
}

/** A user's notifications, newest first, strictly after the cursor. */
export async function listNotificationsOfUser(db: Db, userId: string, limit: number, after?: PageCursor): Promise<Notification[]> {
  const rows = await db.notification.findMany({
    where: {
      userId,
      ...(after ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] } : {}),
    },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: limit,
  });
  return rows.map(toNotification);
}
