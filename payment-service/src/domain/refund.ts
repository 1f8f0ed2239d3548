import type { Payment } from './payment';

/** The fields of `order.refund_requested` a refund needs. */
export interface RefundToMake {
  orderId: string;
  userId: string;
  paymentId: string;
  amountCents: number;
  currency: string;
}

/** Why a refund request changes nothing. */
export type NotRefundableReason = 'unknown-payment' | 'other-order' | 'already-refunded' | 'payment-failed';

/** A payment that may be refunded: it succeeded, so the processor holds a charge to give back. */
export type RefundablePayment = Payment & { status: 'succeeded'; processorChargeId: string };

/**
 * Business rule: only a succeeded payment of the order the request names is refunded, and in
 * full (the only refund there is: the order was cancelled). Anything else is answered with the
 * reason it is not refundable; a repeated request meets 'already-refunded'.
 */
export function checkRefundable(payment: Payment | null, request: Pick<RefundToMake, 'orderId'>): RefundablePayment | NotRefundableReason {
  if (!payment) return 'unknown-payment';
  if (payment.orderId !== request.orderId) return 'other-order';
  if (payment.status === 'refunded') return 'already-refunded';
  // A succeeded payment always holds the processor's charge id; without one nothing was charged.
  if (payment.status === 'failed' || payment.processorChargeId === null) return 'payment-failed';
  return { ...payment, status: payment.status, processorChargeId: payment.processorChargeId };
}

/**
 * The processor's idempotency key of a payment's refund: one per payment, so however many
 * requests (redeliveries, concurrent copies) reach the processor, it refunds once.
 */
export function refundIdempotencyKey(paymentId: string): string {
  return `refund:${paymentId}`;
}
