import { getLogger } from '@shop/platform/logging';
import { changeStatusOnce, findPaymentResultContext, recordProcessed } from '../data-access/payment-result-repository';
import type { OrderDb } from '../data-access/database';
import { orderPaid, orderPaymentFailed } from '../events/order-events';
import { InvalidOrderTransition, transition } from './order-status';

const log = getLogger('apply-payment-result');

// Inbox key of this handler (platform/src/inbox).
const HANDLER = 'order-service:payment-result';

export type PaymentResult =
  | { outcome: 'succeeded'; orderId: string; paymentId: string }
  | { outcome: 'failed'; orderId: string; reason: string };

export type PaymentResultEffect = 'applied' | 'duplicate' | 'unchanged' | 'rejected' | 'unknown-order';

/**
 * Moves the order to PAID or PAYMENT_FAILED and records `order.paid` / `order.payment_failed`,
 * once per message id. One read, then the status machine decides; the status change, the inbox
 * row and the event commit together in one statement, and only if the order is still in the
 * status the decision was made on. A concurrent change since the read writes nothing and throws,
 * so the bus retries the message, which is then decided on the new status.
 */
export async function applyPaymentResult(db: OrderDb, messageId: string, result: PaymentResult): Promise<PaymentResultEffect> {
  const { alreadyProcessed, order } = await findPaymentResultContext(db, messageId, HANDLER, result.orderId);
  if (alreadyProcessed) return 'duplicate';
  if (!order) {
    return settleWithoutChange(db, messageId, 'unknown-order', () => log.warn('Payment result for an unknown order', { orderId: result.orderId }));
  }
  const target = result.outcome === 'succeeded' ? 'PAID' : 'PAYMENT_FAILED';
  let next;
  try {
    next = transition(order.status, target);
  } catch (error) {
    // A final order cannot change: e.g. cancelled before the charge landed. Retrying cannot
    // help, so the message is settled here; a refund flow would start from this log line.
    if (!(error instanceof InvalidOrderTransition)) throw error;
    return settleWithoutChange(db, messageId, 'rejected', () =>
      log.warn('Payment result rejected by the order status', { orderId: order.id, from: order.status, to: target }),
    );
  }
  if (next === 'unchanged') return settleWithoutChange(db, messageId, 'unchanged');

  // The event carries no field the database sets, so it is built before the write.
  const event = result.outcome === 'succeeded' ? orderPaid(order, result.paymentId) : orderPaymentFailed(order, result.reason);
  const failureReason = result.outcome === 'failed' ? result.reason : null;
  const outcome = await changeStatusOnce(db, { messageId, handler: HANDLER, orderId: order.id, from: order.status, to: next, failureReason, event });
  if (outcome === 'status-changed') throw new Error(`Order ${order.id} changed while applying the payment result`);
  return outcome;
}

/** Records a message that changes nothing, so its redeliveries are duplicates; reports (once) only when it is new. */
async function settleWithoutChange(
  db: OrderDb,
  messageId: string,
  effect: 'unknown-order' | 'rejected' | 'unchanged',
  report?: () => void,
): Promise<PaymentResultEffect> {
  if (!(await recordProcessed(db, messageId, HANDLER))) return 'duplicate';
  report?.();
  return effect;
}
