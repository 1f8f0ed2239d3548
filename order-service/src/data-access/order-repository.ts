import type { PageCursor } from '@shop/platform/data';
import type { Order } from '../domain/order';
import type { OrderStatus } from '../domain/order-status';
import type { Prisma } from '../generated/prisma/client';
import type { OrderDb } from './prisma-client-factory';

/** The client itself or an interactive transaction of it (the use case owns the transaction). */
export type Db = OrderDb | Prisma.TransactionClient;

const withLines = { lines: { orderBy: { position: 'asc' } } } as const;
type OrderRow = Prisma.OrderGetPayload<{ include: typeof withLines }>;

function toOrder(row: OrderRow): Order {
  return {
    id: row.id,
    userId: row.userId,
    customer: { email: row.customerEmail, name: row.customerName },
    paymentMethodId: row.paymentMethodId,
    status: row.status,
    items: row.lines.map(({ sku, name, quantity, unitPriceCents }) => ({ sku, name, quantity, unitPriceCents })),
    totalCents: row.totalCents,
    currency: row.currency,
    failureReason: row.failureReason,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** Inserts an order with its lines (one statement each, inside the caller's transaction). */
export async function insertOrder(tx: Db, order: Omit<Order, 'createdAt' | 'updatedAt' | 'failureReason'>): Promise<Order> {
  const row = await tx.order.create({
    data: {
      id: order.id,
      userId: order.userId,
      customerEmail: order.customer.email,
      customerName: order.customer.name,
      paymentMethodId: order.paymentMethodId,
      status: order.status,
      totalCents: order.totalCents,
      currency: order.currency,
      lines: { create: order.items.map((item, position) => ({ ...item, position })) },
    },
    include: withLines,
  });
  return toOrder(row);
}

export async function findOrderById(db: Db, id: string): Promise<Order | null> {
  const row = await db.order.findUnique({ where: { id }, include: withLines });
  return row ? toOrder(row) : null;
}

/** A user's orders, newest first, strictly after the cursor. */
export async function listOrdersOfUser(db: Db, userId: string, limit: number, after?: PageCursor): Promise<Order[]> {
  const rows = await db.order.findMany({
    where: {
      userId,
      ...(after ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] } : {}),
    },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: limit,
    include: withLines,
  });
  return rows.map(toOrder);
}

/**
 * Moves an order from one status to another only if it is still in `from` (optimistic
 * concurrency: a concurrent change makes this return null instead of overwriting it).
 */
export async function updateOrderStatus(
  tx: Db,
  id: string,
  from: OrderStatus,
  to: OrderStatus,
  failureReason?: string,
): Promise<Order | null> {
  const { count } = await tx.order.updateMany({ where: { id, status: from }, data: { status: to, failureReason } });
  return count === 1 ? findOrderById(tx, id) : null;
}
