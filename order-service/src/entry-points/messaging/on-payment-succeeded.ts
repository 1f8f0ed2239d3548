import { defineSubscription } from '@shop/platform/messaging';
import { z } from 'zod';
import type { OrderDb } from '../../data-access/database';
import { applyPaymentResult } from '../../domain/apply-payment-result-use-case';

// Our own copy of the fields we read from payment-service's event.
const paymentSucceeded = z.object({ orderId: z.uuid(), paymentId: z.uuid() });

/** `payment.succeeded` → the order becomes PAID and `order.paid` is recorded. */
export const onPaymentSucceeded = (db: OrderDb) =>
  defineSubscription('payment.succeeded', paymentSucceeded, async (event) => {
    await applyPaymentResult(db, event.id, { outcome: 'succeeded', ...event.payload });
  });
