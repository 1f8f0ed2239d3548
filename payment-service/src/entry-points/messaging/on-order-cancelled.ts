import { defineSubscription } from '@shop/platform/messaging';
import { z } from 'zod';
import type { PaymentDb } from '../../data-access/database';
import { rememberCancelledOrder } from '../../domain/remember-cancelled-order-use-case';

// Our own copy of the one field we read from order-service's event.
const orderCancelled = z.object({
  orderId: z.uuid(),
});

/** `order.cancelled` → the order is remembered as cancelled: it is never charged afterwards. */
export const onOrderCancelled = (deps: { db: PaymentDb }) =>
  defineSubscription('order.cancelled', orderCancelled, async (event) => {
    await rememberCancelledOrder(deps.db, event.id, event.payload.orderId);
  });
