import { getLogger } from '@shop/platform/logging';
import type { CatalogDb } from '../data-access/database';
import { applyStockChanges, claimMessage, findReservationForUpdate, insertTombstone, lockStockOf } from '../data-access/reservation-repository';
import { settlementFor, stockChangesOf, type SettlementTrigger } from './stock-reservation';

const log = getLogger('settle-reservation');

// Inbox key of this handler (platform/src/inbox); one per trigger, like one per subscription.
const handlerOf = (trigger: SettlementTrigger) => `catalog-service:settle-reservation:${trigger}`;

export type SettleReservationEffect = 'settled' | 'tombstone' | 'unchanged' | 'no-reservation' | 'duplicate';

/**
 * Applies what order-service decided to the order's reservation: order.paid commits the held
 * units, order.payment_failed releases them, order.cancelled releases them or returns paid ones
 * (stock-reservation.ts holds the rules). Anything else is a no-op, so redelivered and reordered
 * events change nothing. An order.cancelled that finds no reservation leaves a tombstone, so its
 * late order.created reserves nothing. Reservation, products and inbox row commit together.
 */
export async function settleReservation(db: CatalogDb, messageId: string, trigger: SettlementTrigger, orderId: string): Promise<SettleReservationEffect> {
  const effect = await db.$transaction(async (tx): Promise<SettleReservationEffect> => {
    if (!(await claimMessage(tx, messageId, handlerOf(trigger)))) return 'duplicate';
    if (trigger === 'order.cancelled' && (await insertTombstone(tx, orderId))) return 'tombstone';
    const reservation = await findReservationForUpdate(tx, orderId);
    if (!reservation) return 'no-reservation';
    const settlement = settlementFor(trigger, reservation.status);
    if (!settlement) return 'unchanged';
    // Products are locked in id order before the update, as every reservation handler does.
    await lockStockOf(tx, reservation.items.map((item) => item.productId));
    await applyStockChanges(tx, { orderId, status: settlement.to, changes: stockChangesOf(reservation.items, settlement.move) });
    return 'settled';
  });
  // order-service publishes order.paid / order.payment_failed only after stock.reserved: a
  // missing reservation means a lost or foreign event, worth a look but not a retry.
  if (effect === 'no-reservation') log.warn('No reservation to settle', { orderId, trigger });
  return effect;
}
