import { createEnvelope, type EventEnvelope } from '@shop/platform/messaging';
import { z } from 'zod';
import type { Payment } from '../domain/payment';

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

const common = (payment: Omit<Payment, 'createdAt'>) => ({
  paymentId: payment.id,
  orderId: payment.orderId,
  userId: payment.userId,
  amountCents: payment.amountCents,
  currency: payment.currency,
});

/** `payment.succeeded`: the order's charge went through. */
export function paymentSucceeded(payment: Omit<Payment, 'createdAt'>): EventEnvelope<z.infer<typeof paymentSucceededV1>> {
  return createEnvelope('payment.succeeded', 1, paymentSucceededV1.parse(common(payment)));
}

/** `payment.failed`: the order could not be charged; `reason` says why (card_declined, invalid_payment_method...). */
export function paymentFailed(payment: Omit<Payment, 'createdAt'>): EventEnvelope<z.infer<typeof paymentFailedV1>> {
  return createEnvelope('payment.failed', 1, paymentFailedV1.parse({ ...common(payment), reason: payment.failureReason }));
}
