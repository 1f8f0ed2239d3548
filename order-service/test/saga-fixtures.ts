import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import { insertPlacedOrder } from '../src/data-access/order-repository';
import type { OrderDb } from '../src/data-access/database';
import { applySagaEvent, type SagaEffect } from '../src/domain/apply-saga-event-use-case';
import type { Order } from '../src/domain/order';
import type { OrderStatus } from '../src/domain/order-status';
import type { SagaEvent } from '../src/domain/saga-rules';
import { orderCreated } from '../src/events/order-events';

// Orders in any saga state, and the saga's records of them, for tests on the real database.

/** A stored order (through the repository, with its order.created event) in `status`, with a payment id when given. */
export async function givenOrder(db: OrderDb, sql: Client, status: OrderStatus = 'PENDING', paymentId: string | null = null): Promise<Order> {
  const now = new Date(Date.now() - 60_000);
  const order: Order = {
    id: randomUUID(),
    userId: randomUUID(),
    customer: { email: 'grace@example.com', name: 'Grace Hopper' },
    paymentMethodId: randomUUID(),
    status,
    items: [
      { productId: randomUUID(), sku: 'BOOK-1', name: 'Book', quantity: 2, unitPriceCents: 1999 },
      { productId: randomUUID(), sku: 'MUG-7', name: 'Mug', quantity: 1, unitPriceCents: 500 },
    ],
    totalCents: 4498,
    currency: 'EUR',
    failureReason: null,
    paymentId,
    refundedAt: null,
    unavailableItems: null,
    createdAt: now,
    updatedAt: now,
  };
  await insertPlacedOrder(db, { order, event: orderCreated(order) });
  if (paymentId) await sql.query('UPDATE orders SET payment_id = $2 WHERE id = $1', [order.id, paymentId]);
  return order;
}

/** Hands a message to the use case as the bus does: a throw (a concurrent change) is retried. */
export async function deliver(db: OrderDb, messageId: string, event: SagaEvent): Promise<SagaEffect> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await applySagaEvent(db, messageId, event);
    } catch (error) {
      if (attempt >= 10 || !/changed while applying/.test(String(error))) throw error;
    }
  }
}

/** The order's row as stored. */
export async function stored(sql: Client, orderId: string) {
  const { rows } = await sql.query(
    'SELECT status, failure_reason, payment_id, refunded_at, unavailable_items, updated_at FROM orders WHERE id = $1',
    [orderId],
  );
  return rows[0] as {
    status: string;
    failure_reason: string | null;
    payment_id: string | null;
    refunded_at: Date | null;
    unavailable_items: unknown;
    updated_at: Date;
  };
}

/** The envelopes of `type` the order's outbox holds, oldest first. */
export async function eventsOf(sql: Client, orderId: string, type: string): Promise<Array<{ id: string; type: string; payload: Record<string, unknown> }>> {
  const { rows } = await sql.query(
    "SELECT payload FROM outbox_messages WHERE type = $1 AND payload->'payload'->>'orderId' = $2 ORDER BY seq",
    [type, orderId],
  );
  return rows.map((row) => row.payload);
}

/** Whether any handler recorded the message in the inbox. */
export async function inboxHas(sql: Client, messageId: string): Promise<boolean> {
  const { rows } = await sql.query('SELECT 1 FROM processed_messages WHERE message_id = $1', [messageId]);
  return rows.length === 1;
}
