import { defineSubscription } from '@shop/platform/messaging';
import { z } from 'zod';
import { chargeOrder, type ChargeOrderDeps } from '../../domain/charge-order-use-case';

// Our own copy of the fields we read from order-service's event.
const orderStockConfirmed = z.object({
  orderId: z.uuid(),
  userId: z.uuid(),
  paymentMethodId: z.uuid(),
  totalCents: z.number().int().positive().max(2_147_483_647),
  currency: z.string().regex(/^[A-Z]{3}$/),
});

/**
 * `order.stock_confirmed` → the order is charged once; `payment.succeeded` or `payment.failed`
 * is recorded. Business rule: we charge only once the stock is reserved (not at order.created),
 * so a customer is never charged for goods that are not there.
 */
export const onOrderStockConfirmed = (deps: ChargeOrderDeps) =>
  defineSubscription('order.stock_confirmed', orderStockConfirmed, async (event, meta) => {
    await chargeOrder(deps, event.id, event.payload, meta.attempt);
  });
