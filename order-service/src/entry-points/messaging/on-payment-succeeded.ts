import { defineSubscription } from '@shop/platform/messaging';
import { z } from 'zod';
import type { OrderDb } from '../../data-access/database';
import { applySagaEvent } from '../../domain/apply-saga-event-use-case';

// Our own copy of the fields we read from payment-service's event.
const paymentSucceeded = z.object({ orderId: z.uuid(), paymentId: z.uuid() });

/** `payment.succeeded` → a reserved order becomes PAID with `order.paid`; a charge the order cannot keep gets `order.refund_requested`. */
export const onPaymentSucceeded = (db: OrderDb) =>
  defineSubscription('payment.succeeded', paymentSucceeded, async (event) => {
    await applySagaEvent(db, event.id, { type: 'payment.succeeded', ...event.payload });
  });
