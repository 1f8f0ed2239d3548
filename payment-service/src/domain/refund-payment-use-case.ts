import { getLogger } from '@shop/platform/logging';
import type { PaymentDb } from '../data-access/database';
import { findPaymentById } from '../data-access/payment-repository';
import { markRefundedOnce, settleMessage } from '../data-access/refund-repository';
import { paymentRefunded } from '../events/payment-events';
import type { CardProcessor } from './card-processor';
import { checkRefundable, refundIdempotencyKey, type NotRefundableReason, type RefundToMake } from './refund';

const log = getLogger('refund-payment');

// Inbox key of this handler (platform/src/messaging/inbox.ts).
const HANDLER = 'payment-service:refund-payment';

export interface RefundPaymentDeps {
  db: PaymentDb;
  processor: CardProcessor;
}

export type RefundEffect = 'refunded' | NotRefundableReason | 'duplicate';

/**
 * Refunds a payment exactly once. A payment that is not refundable (unknown, another order's,
 * failed, already refunded) settles the request: inbox row, nothing published, a warning. A
 * refundable one is refunded by the processor outside any transaction (idempotency key derived
 * from the payment id, so repeated calls refund once), then inbox row, status refunded and
 * `payment.refunded` commit together in one statement whose conditional UPDATE lets only one
 * request win. ProcessorUnavailable propagates: the bus retries the message.
 */
export async function refundPayment(deps: RefundPaymentDeps, messageId: string, request: RefundToMake, now: Date): Promise<RefundEffect> {
  const { db } = deps;
  const payment = checkRefundable(await findPaymentById(db, request.paymentId), request);
  if (typeof payment === 'string') return settleNotRefundable(db, messageId, request, payment);

  const { processorRefundId } = await deps.processor.refund({
    processorChargeId: payment.processorChargeId,
    amountCents: payment.amountCents,
    currency: payment.currency,
    idempotencyKey: refundIdempotencyKey(payment.id),
  });
  // refunded_at is the clock given here, not the database's now(), so the event built before
  // the write carries exactly the stored time.
  const event = paymentRefunded(payment, now);
  const outcome = await markRefundedOnce(db, { messageId, handler: HANDLER, paymentId: payment.id, refundedAt: now, processorRefundId, event });
  if (outcome === 'duplicate') return 'duplicate';
  // Between our read and our write another request refunded it (the only way out of succeeded).
  if (outcome === 'not-succeeded') return warnNotRefundable(request, 'already-refunded');
  log.info('Payment refunded', { paymentId: payment.id, orderId: payment.orderId, amountCents: payment.amountCents, currency: payment.currency });
  return 'refunded';
}

async function settleNotRefundable(db: PaymentDb, messageId: string, request: RefundToMake, reason: NotRefundableReason): Promise<RefundEffect> {
  if (!(await settleMessage(db, messageId, HANDLER))) return 'duplicate';
  return warnNotRefundable(request, reason);
}

// A warning, not an error: order-service may ask twice (a redelivered payment.succeeded under
// another id), and a refund of a failed payment is a no-op; both deserve a trace, not a retry.
function warnNotRefundable(request: RefundToMake, reason: NotRefundableReason): NotRefundableReason {
  log.warn('Refund request ignored: payment not refundable', { paymentId: request.paymentId, orderId: request.orderId, reason });
  return reason;
}
