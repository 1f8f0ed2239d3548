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
 * The notification of an event: inserted as pending the first time (INSERT … ON CONFLICT
 * (event_id) DO NOTHING), the existing row on every later delivery of the same event.
 */
export async function recordPending(db: Db, notification: NewNotification): Promise<Notification> {
  await db.notification.createMany({ data: [{ id: randomUUID(), ...notification, status: 'pending' }], skipDuplicates: true });
  return toNotification(await db.notification.findUniqueOrThrow({ where: { eventId: notification.eventId } }));
}

/**
 * Claims a delivery attempt: counts it and row-locks the notification until the caller's
 * transaction ends, unless it is already sent. A concurrent claim waits for the lock, then
 * sees the committed status (READ COMMITTED re-checks the WHERE), so only one sender runs.
 */
export async function claimAttempt(tx: Db, id: string): Promise<boolean> {
  const { count } = await tx.notification.updateMany({
    where: { id, status: { not: 'sent' } },
    data: { attempts: { increment: 1 } },
  });
  return count === 1;
}

export async function markSent(tx: Db, id: string, sentAt: Date): Promise<void> {
  await tx.notification.update({ where: { id }, data: { status: 'sent', sentAt } });
}

export async function markFailed(tx: Db, id: string, error: string): Promise<void> {
  await tx.notification.update({ where: { id }, data: { status: 'failed', lastError: error.slice(0, 2000) } });
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
