import { AppError } from '@shop/platform/errors';
import { orderCancelled, orderPaid, orderPaymentFailed, orderRefunded, orderRefundRequested, orderRejected, orderStockConfirmed } from '../events/order-events';
import { OUT_OF_STOCK, type UnavailableItem } from './order';
import type { OrderChange, SagaOrder } from './order-change';
import { canTransition, transition, type OrderStatus } from './order-status';

// The saga's decisions, pure: the order as read and what happened in, the change to write (or
// why nothing changes) out. The transition table in order-status.ts is the only judge of moves.

/** What other services report about an order (our own copy of the fields each event carries). */
export type SagaEvent =
  | { type: 'stock.reserved'; orderId: string }
  | { type: 'stock.rejected'; orderId: string; unavailable: Array<{ productId: string; requested: number; available: number }> }
  | { type: 'payment.succeeded'; orderId: string; paymentId: string }
  | { type: 'payment.failed'; orderId: string; reason: string }
  | { type: 'payment.refunded'; orderId: string; paymentId: string; refundedAt: Date };

/**
 * 'unchanged': the order already shows this (a redelivery under another id); 'settled': the order
 * was cancelled, which already compensates; 'rejected': the event does not fit the order's status.
 */
export type SettledEffect = 'unchanged' | 'settled' | 'rejected';

export type SagaDecision = { kind: 'change'; change: OrderChange } | { kind: 'settle'; effect: SettledEffect };

const settle = (effect: SettledEffect): SagaDecision => ({ kind: 'settle', effect });
const change = (order: SagaOrder, rest: Omit<OrderChange, 'from'>): SagaDecision => ({ kind: 'change', change: { from: order.status, ...rest } });

/** Moves the order to `to` when the table allows it, with the fields and events `rest` builds (only then). */
function moveTo(order: SagaOrder, to: OrderStatus, rest: () => Omit<OrderChange, 'from' | 'to'>): SagaDecision {
  if (order.status === to) return settle('unchanged');
  // Business rule: a cancelled order ignores late results; order.cancelled already told the others.
  if (!canTransition(order.status, to)) return settle(order.status === 'CANCELLED' ? 'settled' : 'rejected');
  return change(order, { to, ...rest() });
}

/** Decides what an event reported by catalog- or payment-service does to the order. */
export function decideSagaStep(order: SagaOrder, event: SagaEvent): SagaDecision {
  switch (event.type) {
    case 'stock.reserved':
      return moveTo(order, 'STOCK_RESERVED', () => ({ events: [orderStockConfirmed(order)] }));
    case 'stock.rejected':
      return moveTo(order, 'REJECTED', () => {
        const unavailableItems = describeUnavailable(order, event.unavailable);
        return { failureReason: OUT_OF_STOCK, unavailableItems, events: [orderRejected(order, unavailableItems)] };
      });
    case 'payment.failed':
      return moveTo(order, 'PAYMENT_FAILED', () => ({ failureReason: event.reason, events: [orderPaymentFailed(order, event.reason)] }));
    case 'payment.succeeded':
      return decidePaymentSucceeded(order, event.paymentId);
    case 'payment.refunded':
      if (order.refundedAt) return settle('unchanged');
      return change(order, { refundedAt: event.refundedAt, events: [orderRefunded(order, event.paymentId)] });
  }
}

function decidePaymentSucceeded(order: SagaOrder, paymentId: string): SagaDecision {
  // The order knows this payment: it made it PAID, or a cancel since then asked for its refund.
  if (order.paymentId === paymentId) return settle('unchanged');
  // An order PAID before payment ids were stored: never refund what may be its own payment.
  if (order.status === 'PAID' && order.paymentId === null) return settle('rejected');
  if (canTransition(order.status, 'PAID')) return change(order, { to: 'PAID', paymentId, events: [orderPaid(order, paymentId)] });
  // Business rule: a charge the order will not keep (cancelled, failed, or a second one) is
  // refunded. Once per message through the inbox; payment-service charges once per order.
  return change(order, { events: [orderRefundRequested(order, paymentId)] });
}

/** The refused lines, named as the order has them (catalog-service reports product ids only, always of the order's lines). */
function describeUnavailable(order: SagaOrder, unavailable: Extract<SagaEvent, { type: 'stock.rejected' }>['unavailable']): UnavailableItem[] {
  return unavailable.map(({ productId, requested, available }) => {
    const line = order.lines.find((l) => l.productId === productId);
    return { productId, sku: line?.sku ?? '', name: line?.name ?? '', requested, available };
  });
}

/** 409: a PAID order without a known payment cannot be cancelled, as its charge could not be refunded. */
export class PaymentOfOrderUnknown extends AppError {
  constructor() {
    super({ code: 'payment-of-order-unknown', message: 'The payment of this order is unknown, so it cannot be refunded', httpStatus: 409 });
  }
}

/**
 * What cancelling the order writes: PENDING (either step) → CANCELLED; PAID → CANCELLED and a
 * refund request for its payment, together; 'unchanged' when already CANCELLED; any other
 * status is an InvalidOrderTransition (409).
 */
export function decideCancel(order: Omit<SagaOrder, 'lines'>): OrderChange | 'unchanged' {
  if (transition(order.status, 'CANCELLED') === 'unchanged') return 'unchanged';
  if (order.status !== 'PAID') return { from: order.status, to: 'CANCELLED', events: [orderCancelled(order, 'PENDING', null)] };
  if (!order.paymentId) throw new PaymentOfOrderUnknown();
  return {
    from: 'PAID',
    to: 'CANCELLED',
    events: [orderCancelled(order, 'PAID', order.paymentId), orderRefundRequested(order, order.paymentId)],
  };
}
