import { defineSubscription } from '@shop/platform/messaging';
import { z } from 'zod';
import type { OrderDb } from '../../data-access/database';
import { applySagaEvent } from '../../domain/apply-saga-event-use-case';

// Our own copy of the fields we read from catalog-service's event (the items are its business).
const stockReserved = z.object({ orderId: z.uuid() });

/** `stock.reserved` → a PENDING order becomes STOCK_RESERVED and `order.stock_confirmed` is recorded (payment may charge). */
export const onStockReserved = (db: OrderDb) =>
  defineSubscription('stock.reserved', stockReserved, async (event) => {
    await applySagaEvent(db, event.id, { type: 'stock.reserved', ...event.payload });
  });
