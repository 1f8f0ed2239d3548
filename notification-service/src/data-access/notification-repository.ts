import { randomUUID } from 'node:crypto';
import { keysetPage, sqlRows, type PageCursor } from '@shop/platform/data';
import { inboxContainsSql, inboxInsertSql } from '@shop/platform/inbox';
import { Prisma } from '../generated/prisma/client';
import type { Notification } from '../domain/notification';
import type { Db } from './database';

export type NewNotification = Pick<Notification, 'eventId' | 'eventType' | 'userId' | 'orderId' | 'recipient' | 'subject'>;

/** The inbox key of one handling: the message and the handler that processes it. */
export interface InboxKey {
  messageId: string;
  handler: string;
}

/**
 * What a claim found: the delivery is this sender's until the lease ends ('claimed'); the event
 * was handled before ('done'); or another sender holds a live lease on it ('busy').
 */
export type Claim = { kind: 'claimed'; id: string } | { kind: 'done' } | { kind: 'busy' };

interface ClaimRow {
  claimed_id: string | null;
  processed: boolean;
  status: string | null;
}

/** The address erased notifications show: a syntactically valid one that can never be delivered (RFC 2606 .invalid). */
export const ERASED_RECIPIENT = 'erased@deleted-user.invalid';

/**
 * Claims the delivery of the event's notification for leaseMs, in one statement and without a
 * lock that outlives it: inserts the row the first time, or takes it over when it is not sent
 * and nobody's lease is running (a failed attempt, or a sender that died mid-delivery). The
 * inbox is read first, so an event handled before is 'done' whatever its row says. A deleted
 * user (deleted_users) is never claimed for: the event is 'done' and mails nobody.
 */
export async function claimDelivery(db: Db, notification: NewNotification, inbox: InboxKey, leaseMs: number): Promise<Claim> {
  const lease = Prisma.sql`now() + make_interval(secs => ${leaseMs / 1000})`;
  const [row] = await sqlRows<ClaimRow>(db, Prisma.sql`
    WITH seen AS (
      SELECT ${inboxContainsSql(inbox.messageId, inbox.handler)}
          OR EXISTS (SELECT 1 FROM deleted_users WHERE user_id = ${notification.userId}::uuid) AS processed
    ),
    claim AS (
      INSERT INTO notifications (id, event_id, event_type, user_id, order_id, recipient, subject, status, attempts, claimed_until)
      SELECT ${randomUUID()}::uuid, ${notification.eventId}::uuid, ${notification.eventType}, ${notification.userId}::uuid,
             ${notification.orderId}::uuid, ${notification.recipient}, ${notification.subject}, 'pending', 1, ${lease}
        FROM seen WHERE NOT seen.processed
      ON CONFLICT (event_id) DO UPDATE SET attempts = notifications.attempts + 1, status = 'pending', claimed_until = EXCLUDED.claimed_until
        WHERE notifications.status <> 'sent' AND (notifications.claimed_until IS NULL OR notifications.claimed_until < now())
      RETURNING id
    )
    SELECT (SELECT id FROM claim) AS claimed_id, (SELECT processed FROM seen) AS processed,
           (SELECT status::text FROM notifications WHERE event_id = ${notification.eventId}::uuid) AS status`);
  if (!row) throw new Error('The claim statement returned no row');
  if (row.claimed_id) return { kind: 'claimed', id: row.claimed_id };
  // The status is the statement's snapshot: as it was before this claim.
  return row.processed || row.status === 'sent' ? { kind: 'done' } : { kind: 'busy' };
}

/** Marks the notification sent and records the event in the inbox, in one statement; ends the lease. */
export async function markSent(db: Db, id: string, inbox: InboxKey): Promise<void> {
  const wasSent = Prisma.sql`EXISTS (SELECT 1 FROM sent)`;
  await sqlRows(db, Prisma.sql`
    WITH sent AS (UPDATE notifications SET status = 'sent', sent_at = now(), claimed_until = NULL WHERE id = ${id}::uuid RETURNING id),
    inbox AS (${inboxInsertSql(inbox.messageId, inbox.handler, { onlyIf: wasSent })})
    SELECT count(*)::int AS sent FROM sent`);
}

/** Marks the attempt failed with its error and ends the lease, so the retry can claim it at once. */
export async function markFailed(db: Db, id: string, error: string): Promise<void> {
  await sqlRows(db, Prisma.sql`UPDATE notifications SET status = 'failed', last_error = ${error.slice(0, 2000)}, claimed_until = NULL WHERE id = ${id}::uuid`);
}

/** A user's notifications, newest first, strictly after the cursor. */
export async function listNotificationsOfUser(db: Db, userId: string, limit: number, after?: PageCursor): Promise<Notification[]> {
  const page = keysetPage(limit, after);
  const rows = await db.notification.findMany({ where: { userId, ...page.where }, orderBy: page.orderBy, take: page.take });
  return rows.map(({ claimedUntil: _lease, ...notification }) => notification);
}

/**
 * Records the message in the inbox, the user's tombstone and the erasure of their notifications
 * in ONE statement: recipients become ERASED_RECIPIENT (subjects name only the order, and bodies
 * are not stored), and a mail not sent yet is marked failed so no retry sends it (the claim
 * refuses deleted users too). Kind, order id, status and timestamps stay as the record.
 * Returns the number of notifications erased, or 'duplicate' for a redelivery.
 */
export async function eraseUserNotificationsOnce(db: Db, inbox: InboxKey, userId: string): Promise<number | 'duplicate'> {
  const [row] = await sqlRows<{ new_message: boolean; erased: number }>(db, Prisma.sql`
    WITH inbox AS (${inboxInsertSql(inbox.messageId, inbox.handler)}),
    tombstone AS (INSERT INTO deleted_users (user_id) SELECT ${userId}::uuid FROM inbox ON CONFLICT DO NOTHING),
    erased AS (
      UPDATE notifications
         SET recipient = ${ERASED_RECIPIENT},
             status = CASE WHEN status = 'sent' THEN status ELSE 'failed' END,
             last_error = CASE WHEN status = 'sent' THEN last_error ELSE 'account deleted: not sent' END,
             claimed_until = NULL
       WHERE user_id = ${userId}::uuid AND EXISTS (SELECT 1 FROM inbox)
      RETURNING id
    )
    SELECT EXISTS (SELECT 1 FROM inbox) AS new_message, (SELECT count(*)::int FROM erased) AS erased`);
  return row?.new_message ? row.erased : 'duplicate';
}
