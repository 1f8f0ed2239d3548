import { defineSubscription } from '@shop/platform/messaging';
import { z } from 'zod';
import type { CatalogDb } from '../../data-access/database';
import { settleReservation } from '../../domain/settle-reservation-use-case';
import type { SettlementTrigger } from '../../domain/stock-reservation';

// The three order events that settle a reservation; we read only the order id of each.
const orderSettled = z.object({ orderId: z.uuid() });

/** order.paid (commit), order.payment_failed (release) and order.cancelled (release or return). */
export const SETTLEMENT_TRIGGERS: ReadonlyArray<SettlementTrigger> = ['order.paid', 'order.payment_failed', 'order.cancelled'];

/** One of the triggers → the order's reservation is settled as stock-reservation.ts says. */
export const onOrderSettled = (db: CatalogDb, trigger: SettlementTrigger) =>
  defineSubscription(trigger, orderSettled, async (event) => {
    await settleReservation(db, event.id, trigger, event.payload.orderId);
  });
