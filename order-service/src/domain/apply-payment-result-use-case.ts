import { getLogger } from '@shop/platform/logging';
import { markProcessed } from '@shop/platform/messaging';
import { enqueue } from '@shop/platform/outbox';
import { findOrderById, updateOrderStatus } from '../data-access/order-repository';
import type { OrderDb } from '../data-access/prisma-client-factory';
import { orderPaid, orderPaymentFailed } from '../events/order-events';
import { InvalidOrderTransition, transition } from './order-status';

const log = getLogger('apply-payment-result');

export type PaymentResult =
  | { outcome: 'succeeded'; orderId: string; paymentId: string }
  | { outcome: 'failed'; orderId: string; reason: string };

export type PaymentResultEffect = 'applied' | 'duplicate' | 'unchanged' | 'rejected' | 'unknown-order';

/**
 * Moves the order to PAID or PAYMENT_FAILED and records `order.paid` / `order.payment_failed`,
 * once per message id: the inbox row, the status change and the outbox row commit together.
 */
export async function applyPaymentResult(db: OrderDb, messageId: string, result: PaymentResult): Promise<PaymentResultEffect> {
  return db.$transaction(async (tx) => {
    if (!(await markProcessed(tx, messageId, 'order-service:payment-result'))) return 'duplicate';
    const order = await findOrderById(tx, result.orderId);
    if (!order) {
      log.warn('Payment result for an unknown order', { orderId: result.orderId });
      return 'unknown-order';
    }
    const target = result.outcome === 'succeeded' ? 'PAID' : 'PAYMENT_FAILED';
    let next;
    try {
      next = transition(order.status, target);
    } catch (error) {
      // A final order cannot change: e.g. cancelled before the charge landed. Retrying cannot
      // help, so the message is settled here; a refund flow would start from this log line.
      if (!(error instanceof InvalidOrderTransition)) throw error;
      log.warn('Payment result rejected by the order status', { orderId: order.id, from: order.status, to: target });
      return 'rejected';
    }
    if (next === 'unchanged') return 'unchanged';
    const failureReason = result.outcome === 'failed' ? result.reason : undefined;
    const updated = await updateOrderStatus(tx, order, next, failureReason);
    // A concurrent change (a cancel): throwing rolls back the inbox row too, so the message is retried.
    if (!updated) throw new Error(`Order ${order.id} changed while applying the payment result`);
    await enqueue(tx, result.outcome === 'succeeded' ? orderPaid(updated, result.paymentId) : orderPaymentFailed(updated, result.reason));
    return 'applied';
  });
}
