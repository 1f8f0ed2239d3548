import { getLogger } from '@shop/platform/logging';
import { claimAttempt, markFailed, markSent } from '../data-access/notification-repository';
import type { NotificationDb } from '../data-access/prisma-client-factory';
import type { Mailer } from './mailer';
import type { RenderedMessage } from './message-templates';
import { MailDeliveryFailed } from './notification-errors';

const log = getLogger('notify-customer');

// Time for the transaction's own statements on top of the longest SMTP send.
const DATABASE_MARGIN_MS = 5000;

export interface NotifyDeps {
  db: NotificationDb;
  mailer: Mailer;
}

/** The event a mail is about, and who gets it (the address the event carries). */
export interface NotificationCause {
  eventId: string;
  eventType: string;
  userId: string;
  orderId: string;
  customer: { email: string; name: string };
}

export type NotifyOutcome = 'sent' | 'already-sent';

/**
 * Sends the customer one mail for one event and records it.
 *
 * Idempotency: the notification row's unique event_id is the idempotency record, so there is
 * no separate inbox table (markProcessed): a redelivered event finds its row, and a `sent` row
 * ends the handling without a second mail. Two copies of an event handled at the same moment
 * serialise on the row lock taken by claimAttempt; the second then sees `sent`.
 *
 * Cost: four round trips (BEGIN, the claim that inserts or locks the row, the status update,
 * COMMIT); round trips are what the pipeline's CPU goes to. The row appears once the attempt
 * ends, `sent` or `failed`.
 *
 * Failure: the row becomes `failed` with the SMTP error (committed), and the error is thrown
 * so that the bus retries with its backoff; after the last retry the message is parked in the
 * dead queue and the row stays `failed`.
 *
 * Residual risk, accepted: if the process dies (or the database goes away) after the SMTP
 * server accepted the mail but before `sent` is committed, the transaction rolls back and the
 * redelivered event sends the mail again; the same happens when a send times out after the
 * server took the message but before its reply arrived. That is one duplicate per such
 * incident, never a lost mail (at-least-once delivery). SMTP has no way to ask "did you
 * already take this?", so exactly-once is not on offer; the Message-ID is derived from the
 * event id, so mail clients can recognise such a duplicate.
 *
 * Every failure is retried alike, a permanent 5xx (unknown mailbox) included; telling those
 * apart and stopping early (plus bounce handling) is the real solution once it matters.
 */
export async function notifyCustomer(deps: NotifyDeps, cause: NotificationCause, message: RenderedMessage): Promise<NotifyOutcome> {
  const { db, mailer } = deps;
  // The row lock is held while the SMTP server is talked to (bounded by the mailer's
  // timeout), which is why CONSUMER_PREFETCH must stay below DATABASE_POOL_MAX.
  const outcome = await db.$transaction(
    async (tx) => {
      const notificationId = await claimAttempt(tx, {
        eventId: cause.eventId,
        eventType: cause.eventType,
        userId: cause.userId,
        orderId: cause.orderId,
        recipient: cause.customer.email,
        subject: message.subject,
      });
      if (!notificationId) return { kind: 'already-sent' } as const;
      try {
        await mailer.send({ id: cause.eventId, to: { name: cause.customer.name, address: cause.customer.email }, subject: message.subject, text: message.text });
      } catch (error) {
        const failure = error instanceof MailDeliveryFailed ? error : new MailDeliveryFailed((error as Error).message, error);
        await markFailed(tx, notificationId, failure.message);
        return { kind: 'failed', failure } as const;
      }
      await markSent(tx, notificationId, new Date());
      return { kind: 'sent', notificationId } as const;
    },
    { timeout: mailer.deliveryTimeoutMs + DATABASE_MARGIN_MS },
  );

  if (outcome.kind === 'failed') throw outcome.failure;
  if (outcome.kind === 'sent') log.info('Notification sent', { eventType: cause.eventType, orderId: cause.orderId, notificationId: outcome.notificationId });
  return outcome.kind;
}
