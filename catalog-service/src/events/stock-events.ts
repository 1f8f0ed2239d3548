import { createEnvelope, type EventEnvelope } from '@shop/platform/messaging';
import { z } from 'zod';
import type { ReservationItem, UnavailableItem } from '../domain/stock-reservation';

// The answers catalog-service gives order-service's saga for each order.created (issue 17).
// Checked here, before they are recorded; order-service checks its own copy of the fields. The
// shapes are a contract: change them only with a new event version.

const units = z.number().int().positive();

export const stockReservedV1 = z
  .object({
    orderId: z.uuid(),
    items: z.array(z.object({ productId: z.uuid(), quantity: units }).strict()).min(1),
  })
  .strict();

export const stockRejectedV1 = z
  .object({
    orderId: z.uuid(),
    unavailable: z.array(z.object({ productId: z.uuid(), requested: units, available: z.number().int().min(0) }).strict()).min(1),
  })
  .strict();

export type StockReservedPayload = z.infer<typeof stockReservedV1>;
export type StockRejectedPayload = z.infer<typeof stockRejectedV1>;

/** `stock.reserved`: every line of the order is held for it (quantities per product). */
export const stockReserved = (orderId: string, items: ReadonlyArray<ReservationItem>): EventEnvelope<StockReservedPayload> =>
  createEnvelope('stock.reserved', 1, stockReservedV1.parse({ orderId, items }));

/** `stock.rejected`: nothing is held; these products lacked units (available: what was for sale). */
export const stockRejected = (orderId: string, unavailable: ReadonlyArray<UnavailableItem>): EventEnvelope<StockRejectedPayload> =>
  createEnvelope('stock.rejected', 1, stockRejectedV1.parse({ orderId, unavailable }));
