import { defineSubscription } from '@shop/platform/messaging';
import { z } from 'zod';
import type { OrderDb } from '../../data-access/database';
import { applySagaEvent } from '../../domain/apply-saga-event-use-case';

// Our own copy of the fields we read from catalog-service's event.
const stockRejected = z.object({
  orderId: z.uuid(),
  unavailable: z
    .array(z.object({ productId: z.uuid(), requested: z.number().int().positive(), available: z.number().int().nonnegative() }))
    .min(1),
});

/** `stock.rejected` → a PENDING order becomes REJECTED (out_of_stock, with the unavailable lines) and `order.rejected` is recorded. */
export const onStockRejected = (db: OrderDb) =>
  defineSubscription('stock.rejected', stockRejected, async (event) => {
    await applySagaEvent(db, event.id, { type: 'stock.rejected', ...event.payload });
  });
