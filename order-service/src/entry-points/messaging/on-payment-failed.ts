import { defineSubscription } from '@shop/platform/messaging';
import { z } from 'zod';
import type { OrderDb } from '../../data-access/database';
import { applyPaymentResult } from '../../domain/apply-payment-result-use-case';

// Our own copy of the fields we read from payment-service's event.
const paymentFailed = z.object({ orderId: z.uuid(), reason: z.string().min(1).max(100) });

/** `payment.failed` → the order becomes PAYMENT_FAILED with the reason and `order.payment_failed` is recorded. */
export const onPaymentFailed = (db: OrderDb) =>
  defineSubscription('payment.failed', paymentFailed, async (event) => {
    await applyPaymentResult(db, event.id, { outcome: 'failed', ...event.payload });
  });
