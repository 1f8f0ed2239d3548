import { keysetPage, sqlRows, type PageCursor } from '@shop/platform/data';
import type { EventEnvelope } from '@shop/platform/messaging';
import { outboxInsertSql } from '@shop/platform/outbox';
import type { Order, UnavailableItem } from '../domain/order';
import { Prisma } from '../generated/prisma/client';
import type { Db } from './database';
import { idempotencyKeyInsertSql, type StoredResponse } from './idempotency-repository';

const withLines = { lines: { orderBy: { position: 'asc' } } } as const;
type OrderRow = Prisma.OrderGetPayload<{ include: typeof withLines }>;

function toOrder(row: OrderRow): Order {
  return {
    id: row.id,
    userId: row.userId,
    customer: { email: row.customerEmail, name: row.customerName },
    paymentMethodId: row.paymentMethodId,
    status: row.status,
    items: row.lines.map(({ productId, sku, name, quantity, unitPriceCents }) => ({ productId, sku, name, quantity, unitPriceCents })),
    totalCents: row.totalCents,
    currency: row.currency,
    failureReason: row.failureReason,
    paymentId: row.paymentId,
    refundedAt: row.refundedAt,
    // Written only by changeOrderOnce, from a checked UnavailableItem[].
    unavailableItems: row.unavailableItems as UnavailableItem[] | null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** What placing an order writes, all or nothing. */
export interface PlacedOrderWrite {
  order: Order;
  /** Its `order.created` event, for the outbox. */
  event: EventEnvelope;
  /** The response stored under the request's Idempotency-Key, if it had one. */
  idempotency?: { userId: string; key: string; stored: StoredResponse } | undefined;
}

/**
 * Writes a placed order in ONE statement: the order, its lines, its outbox event and its
 * Idempotency-Key response. Data-modifying CTEs commit or fail as a whole, so this is as atomic
 * as a transaction, at one round trip instead of eight (an interactive transaction, Prisma's
 * nested create and its re-read). Profiles showed round trips were the order intake's top cost.
 */
export async function insertPlacedOrder(db: Db, { order, event, idempotency }: PlacedOrderWrite): Promise<void> {
  const idempotencyKeyInsert = idempotency && idempotencyKeyInsertSql(idempotency.userId, idempotency.key, idempotency.stored);
  const lines = order.items.map((item, position) => ({
    position,
    product_id: item.productId,
    sku: item.sku,
    name: item.name,
    quantity: item.quantity,
    unit_price_cents: item.unitPriceCents,
  }));
  await sqlRows(db, Prisma.sql`
    WITH new_order AS (
      INSERT INTO orders (id, user_id, customer_email, customer_name, payment_method_id, status, total_cents, currency, failure_reason, created_at, updated_at)
      VALUES (${order.id}::uuid, ${order.userId}::uuid, ${order.customer.email}, ${order.customer.name}, ${order.paymentMethodId}::uuid,
              ${order.status}::order_status, ${order.totalCents}, ${order.currency}, ${order.failureReason}, ${order.createdAt}::timestamptz, ${order.updatedAt}::timestamptz)
      RETURNING id
    ), new_lines AS (
      INSERT INTO order_lines (order_id, position, product_id, sku, name, quantity, unit_price_cents)
      SELECT new_order.id, line.position, line.product_id, line.sku, line.name, line.quantity, line.unit_price_cents
        FROM new_order, jsonb_to_recordset(${JSON.stringify(lines)}::jsonb)
          AS line(position int, product_id uuid, sku text, name text, quantity int, unit_price_cents int)
    )${idempotencyKeyInsert ? Prisma.sql`, idempotency_key AS (${idempotencyKeyInsert})` : Prisma.empty}
    , outbox AS (${outboxInsertSql(event)})
    SELECT notified FROM outbox`);
}

export async function findOrderById(db: Db, id: string): Promise<Order | null> {
  const row = await db.order.findUnique({ where: { id }, include: withLines });
  return row ? toOrder(row) : null;
}

/** A user's orders, newest first, strictly after the cursor. */
export async function listOrdersOfUser(db: Db, userId: string, limit: number, after?: PageCursor): Promise<Order[]> {
  const page = keysetPage(limit, after);
  const rows = await db.order.findMany({ where: { userId, ...page.where }, orderBy: page.orderBy, take: page.take, include: withLines });
  return rows.map(toOrder);
}
