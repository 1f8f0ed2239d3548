import { getLogger } from '@shop/platform/logging';
import type { CatalogDb } from '../data-access/database';
import { writeReservation } from '../data-access/reservation-repository';
import { stockRejected, stockReserved } from '../events/stock-events';
import { assumedStockOf, decideReservation, sumByProduct, type ReservationDecision, type ReservationItem } from './stock-reservation';

const log = getLogger('reserve-stock');

// Inbox key of this handler (platform/src/inbox).
const HANDLER = 'catalog-service:reserve-stock';

// Each retry follows a change of the products' stock between two statements; a bound keeps a
// product whose stock changes without pause from holding the consumer (the bus retries later).
const MAX_ATTEMPTS = 5;

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
 *
 * One statement: it assumes the usual outcome (every product has the units) and is written only
 * if the locked stock agrees. Otherwise it returns that stock, decideReservation decides on it,
 * and a second statement writes that decision under the same condition.
 */
export async function reserveStock(db: CatalogDb, messageId: string, request: ReservationRequest): Promise<ReserveStockEffect> {
  const { orderId } = request;
  const items = sumByProduct(request.lines);
  let decision: ReservationDecision = { outcome: 'reserved', items };
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const event = decision.outcome === 'reserved' ? stockReserved(orderId, items) : stockRejected(orderId, decision.unavailable);
    const written = await writeReservation(db, { messageId, handler: HANDLER, orderId, items, status: decision.outcome, assumedStock: assumedStockOf(items, decision), event });
    if (written.result === 'stale') {
      decision = decideReservation(items, written.stockOf);
      continue;
    }
    if (written.claim === 'order-known') log.info('Order already has a reservation, nothing reserved', { orderId });
    if (written.claim !== 'claimed') return written.claim;
    if (decision.outcome === 'rejected') log.info('Stock rejected for order', { orderId });
    return decision.outcome;
  }
  throw new Error(`Stock of order ${orderId} kept changing over ${MAX_ATTEMPTS} attempts to reserve it`);
}
