import { updateOrderStatus } from '../data-access/order-repository';
import type { OrderDb } from '../data-access/database';
import { toOrderResponse } from './order';
import { getOwnOrder } from './order-queries';
import { InvalidOrderTransition, transition } from './order-status';

/** Cancels the caller's order while it is PENDING; any other status is a 409. */
export async function cancelOrder(db: OrderDb, userId: string, orderId: string) {
  const order = await getOwnOrder(db, userId, orderId);
  const next = transition(order.status, 'CANCELLED');
  if (next === 'unchanged') return toOrderResponse(order);
  const updated = await updateOrderStatus(db, order, next);
  // Lost a race with the payment result: report the status it has now.
  if (!updated) throw new InvalidOrderTransition((await getOwnOrder(db, userId, orderId)).status, 'CANCELLED');
  return toOrderResponse(updated);
}
