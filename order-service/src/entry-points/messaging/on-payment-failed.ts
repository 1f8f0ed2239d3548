import { defineSubscription } from '@shop/platform/messaging';
import { z } from 'zod';
import type { OrderDb } from '../../data-access/database';
import { applySagaEvent } from '../../domain/apply-saga-event-use-case';

// Our own copy of the fields we read from payment-service's event.
const paymentFailed = z.object({ orderId: z.uuid(), reason: z.string().min(1).max(100) });

/** `payment.failed` → a reserved order becomes PAYMENT_FAILED with the reason and `order.payment_failed` is recorded. */
export const onPaymentFailed = (db: OrderDb) =>
  defineSubscription('payment.failed', paymentFailed, async (event) => {
    await applySagaEvent(db, event.id, { type: 'payment.failed', ...event.payload });
  });
