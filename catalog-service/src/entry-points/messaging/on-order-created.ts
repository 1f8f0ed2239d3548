import { defineSubscription } from '@shop/platform/messaging';
import { z } from 'zod';
import type { CatalogDb } from '../../data-access/database';
import { reserveStock } from '../../domain/reserve-stock-use-case';

// Our own copy of the fields we read from order-service's event. Bounds keep the summed
// quantities well inside an int (order-service allows up to 1000 per line).
const orderCreated = z.object({
  orderId: z.uuid(),
  items: z.array(z.object({ productId: z.uuid(), quantity: z.number().int().positive().max(1_000_000) })).min(1).max(1000),
});

/** `order.created` → every line reserved (`stock.reserved`) or none (`stock.rejected`). */
export const onOrderCreated = (db: CatalogDb) =>
  defineSubscription('order.created', orderCreated, async (event) => {
    await reserveStock(db, event.id, { orderId: event.payload.orderId, lines: event.payload.items });
  });
