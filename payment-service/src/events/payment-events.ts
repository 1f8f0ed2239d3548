import { createEnvelope, type EventEnvelope } from '@shop/platform/messaging';
import { z } from 'zod';
import type { NewPayment, Payment } from '../domain/payment';

// The events payment-service publishes (through its outbox). Each payload is checked here,
// before it is recorded, and again by each consumer against its own copy of the fields.

export const paymentSucceededV1 = z.object({
  paymentId: z.uuid(),
  orderId: z.uuid(),
  userId: z.uuid(),
  amountCents: z.number().int().positive(),
  currency: z.string().length(3),
});

export const paymentFailedV1 = z.object({
  paymentId: z.uuid(),
  orderId: z.uuid(),
  userId: z.uuid(),
  reason: z.string().min(1).max(100),
  amountCents: z.number().int().positive(),
  currency: z.string().length(3),
});

export const paymentRefundedV1 = z.object({
  paymentId: z.uuid(),
  orderId: z.uuid(),
  userId: z.uuid(),
  amountCents: z.number().int().positive(),
  currency: z.string().length(3),
  refundedAt: z.iso.datetime(),
});

const common = (payment: NewPayment | Payment) => ({
  paymentId: payment.id,
  orderId: payment.orderId,
  userId: payment.userId,
  amountCents: payment.amountCents,
  currency: payment.currency,
});

/** `payment.succeeded`: the order's charge went through. */
export function paymentSucceeded(payment: NewPayment): EventEnvelope<z.infer<typeof paymentSucceededV1>> {
  return createEnvelope('payment.succeeded', 1, paymentSucceededV1.parse(common(payment)));
}

/** `payment.failed`: the order could not be charged; `reason` says why (card_declined, invalid_payment_method...). */
export function paymentFailed(payment: NewPayment): EventEnvelope<z.infer<typeof paymentFailedV1>> {
  return createEnvelope('payment.failed', 1, paymentFailedV1.parse({ ...common(payment), reason: payment.failureReason }));
}

/** `payment.refunded`: the order's charge was given back in full at refundedAt. */
export function paymentRefunded(payment: Payment, refundedAt: Date): EventEnvelope<z.infer<typeof paymentRefundedV1>> {
  return createEnvelope('payment.refunded', 1, paymentRefundedV1.parse({ ...common(payment), refundedAt: refundedAt.toISOString() }));
}
