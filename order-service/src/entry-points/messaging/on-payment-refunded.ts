import { defineSubscription } from '@shop/platform/messaging';
import { z } from 'zod';
import type { OrderDb } from '../../data-access/database';
import { applySagaEvent } from '../../domain/apply-saga-event-use-case';

// Our own copy of the fields we read from payment-service's event.
const paymentRefunded = z.object({ orderId: z.uuid(), paymentId: z.uuid(), refundedAt: z.iso.datetime({ offset: true }) });

/** `payment.refunded` → the order's refunded_at is set (once) and `order.refunded` is recorded. */
export const onPaymentRefunded = (db: OrderDb) =>
  defineSubscription('payment.refunded', paymentRefunded, async (event) => {
    const { orderId, paymentId, refundedAt } = event.payload;
    await applySagaEvent(db, event.id, { type: 'payment.refunded', orderId, paymentId, refundedAt: new Date(refundedAt) });
  });
