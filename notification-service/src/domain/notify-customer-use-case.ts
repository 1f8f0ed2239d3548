import { getLogger } from '@shop/platform/logging';
import { claimDelivery, markFailed, markSent } from '../data-access/notification-repository';
import type { NotificationDb } from '../data-access/database';
import type { Mailer } from './mailer';
import type { RenderedMessage } from './message-templates';
import { MailDeliveryFailed, NotificationBusy } from './notification-errors';

const log = getLogger('notify-customer');

// Inbox key of this handler (platform/src/inbox).
const HANDLER = 'notification-service:notify-customer';
// How long a claim outlives the longest SMTP delivery: time for the mark that follows it.
const LEASE_MARGIN_MS = 5000;

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
 * Sends the customer one mail for one event: claim → send → mark, each a single statement, with
 * no transaction or lock held while the SMTP server is talked to (a slow mail server ties up no
 * database connection, so CONSUMER_PREFETCH is free of DATABASE_POOL_MAX).
 *
 * - Claim: the notification row is taken for the length of one delivery (a lease). An event the
 *   inbox has seen is done; an event another sender holds right now is NotificationBusy, and the
 *   bus retries it later (by then that sender has marked it).
 * - Send, with a Message-ID derived from the event id.
 * - Mark: `sent` and the inbox row in one statement. A failed send marks the row `failed` with
 *   the SMTP error and ends the lease; the error goes back to the bus, which retries with its
 *   backoff and parks the message in the dead queue after the last retry.
 *
 * One mail per event: a redelivered event finds the inbox row (or the `sent` row) and sends
 * nothing; two copies handled at once meet at the claim, and only one sends. What remains: if
 * the process dies (or the database is unreachable) after the SMTP server accepted the mail and
 * before the mark, the lease runs out and the redelivered event sends the mail again; likewise
 * when a send times out after the server took the mail. One duplicate per such incident, never a
 * lost mail; SMTP cannot be asked "did you already take this?", and mail clients can recognise
 * the duplicate by its Message-ID. Every failure is retried alike, a permanent 5xx included;
 * telling those apart (and bounce handling) is the real solution once it matters.
 */
export async function notifyCustomer(deps: NotifyDeps, cause: NotificationCause, message: RenderedMessage): Promise<NotifyOutcome> {
  const { db, mailer } = deps;
  const inbox = { messageId: cause.eventId, handler: HANDLER };
  const claim = await claimDelivery(
    db,
    { eventId: cause.eventId, eventType: cause.eventType, userId: cause.userId, orderId: cause.orderId, recipient: cause.customer.email, subject: message.subject },
    inbox,
    mailer.deliveryTimeoutMs + LEASE_MARGIN_MS,
  );
  if (claim.kind === 'done') return 'already-sent';
  if (claim.kind === 'busy') throw new NotificationBusy(cause.eventId);

  try {
    await mailer.send({ id: cause.eventId, to: { name: cause.customer.name, address: cause.customer.email }, subject: message.subject, text: message.text });
  } catch (error) {
    const failure = error instanceof MailDeliveryFailed ? error : new MailDeliveryFailed((error as Error).message, error);
    await markFailed(db, claim.id, failure.message);
    throw failure;
  }
  await markSent(db, claim.id, inbox);
  log.info('Notification sent', { eventType: cause.eventType, orderId: cause.orderId, notificationId: claim.id });
  return 'sent';
}
