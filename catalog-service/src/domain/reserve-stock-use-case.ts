import { getLogger } from '@shop/platform/logging';
import type { CatalogDb } from '../data-access/database';
import { applyStockChanges, claimReservation, lockStockOf } from '../data-access/reservation-repository';
import { stockRejected, stockReserved } from '../events/stock-events';
import { decideReservation, RESERVE, stockChangesOf, sumByProduct, type ReservationItem } from './stock-reservation';

const log = getLogger('reserve-stock');

// Inbox key of this handler (platform/src/inbox).
const HANDLER = 'catalog-service:reserve-stock';

/** What order.created asks of the catalog. */
export interface ReservationRequest {
  orderId: string;
  lines: ReadonlyArray<ReservationItem>;
}

export type ReserveStockEffect = 'reserved' | 'rejected' | 'duplicate' | 'order-known';

/**
 * Reserves every line of a new order, or none: takes the units off sale and holds them for the
 * order (`stock.reserved`), or, when any product lacks units, changes no product and answers
 * `stock.rejected` naming each. Once per message id (the inbox) and once per order (its
 * reservation row); the row, the products, the inbox row and the event commit together.
 */
export async function reserveStock(db: CatalogDb, messageId: string, request: ReservationRequest): Promise<ReserveStockEffect> {
  const { orderId } = request;
  const items = sumByProduct(request.lines);
  const effect = await db.$transaction(async (tx) => {
    const claim = await claimReservation(tx, { messageId, handler: HANDLER, orderId, items });
    if (claim !== 'claimed') return claim;
    // Held until commit: no concurrent order can take the units this decision counts on.
    const stockOf = await lockStockOf(tx, items.map((item) => item.productId));
    const decision = decideReservation(items, stockOf);
    if (decision.outcome === 'reserved') {
      await applyStockChanges(tx, { orderId, status: 'reserved', changes: stockChangesOf(items, RESERVE), event: stockReserved(orderId, items) });
    } else {
      await applyStockChanges(tx, { orderId, status: 'rejected', changes: [], event: stockRejected(orderId, decision.unavailable) });
    }
    return decision.outcome;
  });
  if (effect === 'order-known') log.info('Order already has a reservation, nothing reserved', { orderId });
  if (effect === 'rejected') log.info('Stock rejected for order', { orderId });
  return effect;
}
