import { decodeCursor, toPage } from '@shop/platform/data';
import { findOrderById, listOrdersOfUser } from '../data-access/order-repository';
import type { OrderDb } from '../data-access/database';
import { toOrderResponse, type Order } from './order';
import { OrderNotFound } from './order-errors';

/** The caller's order; someone else's is indistinguishable from a missing one. */
export async function getOwnOrder(db: OrderDb, userId: string, orderId: string): Promise<Order> {
  const order = await findOrderById(db, orderId);
  if (!order || order.userId !== userId) throw new OrderNotFound();
  return order;
}

/** A page of the caller's orders, newest first. */
export async function listOwnOrders(db: OrderDb, userId: string, query: { limit: number; cursor?: string | undefined }) {
  const after = query.cursor ? decodeCursor(query.cursor) : undefined;
  const { items, nextCursor } = toPage(await listOrdersOfUser(db, userId, query.limit + 1, after), query.limit);
  return { items: items.map(toOrderResponse), nextCursor };
}
