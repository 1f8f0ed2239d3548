import { getLogger } from '@shop/platform/logging';
import type { CatalogDb } from '../data-access/database';
import { writeSettlement } from '../data-access/reservation-repository';
import { settlementsOf, type SettlementTrigger } from './stock-reservation';

const log = getLogger('settle-reservation');

// Inbox key of this handler (platform/src/inbox); one per trigger, like one per subscription.
const handlerOf = (trigger: SettlementTrigger) => `catalog-service:settle-reservation:${trigger}`;

// A retry happens only when the order's row appeared during the statement; the next one sees it.
const MAX_ATTEMPTS = 3;

export type SettleReservationEffect = 'settled' | 'tombstone' | 'unchanged' | 'no-reservation' | 'duplicate';

/**
 * Applies what order-service decided to the order's reservation: order.paid commits the held
 * units, order.payment_failed releases them, order.cancelled releases them or returns paid ones
 * (stock-reservation.ts holds the rules; the statement executes its table for the trigger).
 * Anything else is a no-op, so redelivered and reordered events change nothing. An
 * order.cancelled that finds no reservation leaves a tombstone, so its late order.created
 * reserves nothing. Reservation, products and inbox row are written by one statement.
 */
export async function settleReservation(db: CatalogDb, messageId: string, trigger: SettlementTrigger, orderId: string): Promise<SettleReservationEffect> {
  const write = { messageId, handler: handlerOf(trigger), orderId, leavesTombstone: trigger === 'order.cancelled', settlements: settlementsOf(trigger) };
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const effect = await writeSettlement(db, write);
    if (effect === 'retry') continue;
    // order-service publishes order.paid / order.payment_failed only after stock.reserved: a
    // missing reservation means a lost or foreign event, worth a look but not a retry.
    if (effect === 'no-reservation') log.warn('No reservation to settle', { orderId, trigger });
    return effect;
  }
  throw new Error(`The reservation of order ${orderId} could not be settled in ${MAX_ATTEMPTS} attempts`);
}
