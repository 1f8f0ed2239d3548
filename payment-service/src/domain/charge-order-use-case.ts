import { randomUUID } from 'node:crypto';
import { getLogger } from '@shop/platform/logging';
import { findChargeContext, insertPaymentOnce, isOrderAlreadyCharged } from '../data-access/charge-repository';
import type { PaymentDb } from '../data-access/database';
import { paymentFailed, paymentSucceeded } from '../events/payment-events';
import type { CardProcessor, ChargeResult } from './card-processor';
import { INVALID_PAYMENT_METHOD, type NewPayment, type Payment } from './payment';
import { isChargeableFor, type PaymentMethod } from './payment-method';

const log = getLogger('charge-order');

// Inbox key of this handler (platform/src/messaging/inbox.ts).
const HANDLER = 'payment-service:charge-order';

export interface ChargeOrderDeps {
  db: PaymentDb;
  processor: CardProcessor;
}

/** The fields of `order.stock_confirmed` a charge needs. */
export interface OrderToCharge {
  orderId: string;
  userId: string;
  paymentMethodId: string;
  totalCents: number;
  currency: string;
}

export type ChargeEffect = 'succeeded' | 'failed' | 'already-charged' | 'order-cancelled' | 'duplicate';

/**
 * Charges an order exactly once. An order that already has a payment is done, and an order
 * known to be cancelled is never charged (no payment, no event). Otherwise the
 * processor is asked outside any transaction (idempotency key = order id, so a repeated call
 * cannot charge twice), then the inbox row, the payment and its `payment.*` event commit
 * together, in one statement. A concurrent charge of the same order loses on UNIQUE(order_id)
 * and is done too. ProcessorUnavailable propagates: the bus retries the message.
 */
export async function chargeOrder(deps: ChargeOrderDeps, messageId: string, order: OrderToCharge, attempt: number): Promise<ChargeEffect> {
  const { db } = deps;
  const { alreadyCharged, orderCancelled, method } = await findChargeContext(db, order.orderId, order.paymentMethodId);
  if (alreadyCharged) return 'already-charged';
  // Business rule: the customer cancelled before we were asked to charge. Nothing to record: a
  // redelivery finds the order cancelled again. A cancel that arrives after this check meets a
  // charge in flight; order-service then asks for its refund (order.refund_requested).
  if (orderCancelled) {
    log.info('Order cancelled before its charge: not charged', { orderId: order.orderId });
    return 'order-cancelled';
  }

  const result = await askProcessor(deps, order, method, attempt);
  const payment: NewPayment = {
    id: randomUUID(),
    orderId: order.orderId,
    userId: order.userId,
    paymentMethodId: order.paymentMethodId,
    status: result.outcome,
    failureReason: result.outcome === 'failed' ? result.reason : null,
    amountCents: order.totalCents,
    currency: order.currency,
    processorChargeId: result.outcome === 'succeeded' ? result.processorChargeId : null,
  };
  // The event carries no field the database sets, so it is built before the write.
  const event = payment.status === 'succeeded' ? paymentSucceeded(payment) : paymentFailed(payment);
  let saved: Payment | 'duplicate';
  try {
    saved = await insertPaymentOnce(db, { messageId, handler: HANDLER, payment, event });
  } catch (error) {
    if (isOrderAlreadyCharged(error)) return 'already-charged';
    throw error;
  }
  if (saved === 'duplicate') return 'duplicate';
  log.info('Order charged', { orderId: saved.orderId, paymentId: saved.id, status: saved.status, failureReason: saved.failureReason });
  return payment.status;
}

// Business rule: a method that is missing, deleted or someone else's fails the payment without
// asking the processor.
async function askProcessor(deps: ChargeOrderDeps, order: OrderToCharge, method: PaymentMethod | null, attempt: number): Promise<ChargeResult> {
  if (!isChargeableFor(method, order.userId)) return { outcome: 'failed', reason: INVALID_PAYMENT_METHOD };
  return deps.processor.charge({
    paymentMethod: { token: method.token, brand: method.brand, last4: method.last4 },
    amountCents: order.totalCents,
    currency: order.currency,
    idempotencyKey: order.orderId,
    attempt,
  });
}
