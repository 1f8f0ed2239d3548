import { randomUUID } from 'node:crypto';
import { openDatabase } from '@shop/platform/data';
import { createTestDatabase, dropTestDatabase } from '@shop/platform/testing';
import { Client, type Notification } from 'pg';
import { insertPlacedOrder } from '../src/data-access/order-repository';
import { orderDatabase, type OrderDb } from '../src/data-access/database';
import { applySagaEvent, type SagaEffect } from '../src/domain/apply-saga-event-use-case';
import type { Order } from '../src/domain/order';
import type { OrderStatus } from '../src/domain/order-status';
import type { SagaEvent } from '../src/domain/saga-rules';
import { orderCreated } from '../src/events/order-events';

// A database of its own for the saga's state tests, orders in any saga state, and the saga's
// records of them (rows, outbox events, inbox rows) read back with plain SQL.

export interface StoredOrder {
  status: string;
  failure_reason: string | null;
  payment_id: string | null;
  refunded_at: Date | null;
  unavailable_items: unknown;
  updated_at: Date;
}

export class SagaTestDatabase {
  /** NOTIFYs the outbox sent on commit (the relay's wake-up). */
  readonly notifications: Notification[] = [];

  private constructor(
    readonly databaseUrl: string,
    readonly db: OrderDb,
    private readonly closeDb: () => Promise<void>,
    readonly sql: Client,
    private readonly listener: Client,
  ) {}

  /** Creates and migrates a database, opens the service's client on it and a plain one to inspect it. */
  static async open(): Promise<SagaTestDatabase> {
    const databaseUrl = await createTestDatabase('order_service', orderDatabase);
    const { db, close } = openDatabase(orderDatabase, { DATABASE_URL: databaseUrl, DATABASE_POOL_MAX: 4 });
    const sql = new Client({ connectionString: databaseUrl });
    const listener = new Client({ connectionString: databaseUrl });
    await Promise.all([sql.connect(), listener.connect()]);
    const opened = new SagaTestDatabase(databaseUrl, db, close, sql, listener);
    listener.on('notification', (n) => opened.notifications.push(n));
    await listener.query('LISTEN outbox');
    return opened;
  }

  async close(): Promise<void> {
    await this.closeDb();
    await Promise.all([this.sql.end(), this.listener.end()]);
    await dropTestDatabase(this.databaseUrl);
  }

  /** A stored order (through the repository, with its order.created event) in `status`, with a payment id when given. */
  async givenOrder(status: OrderStatus = 'PENDING', paymentId: string | null = null): Promise<Order> {
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
    await insertPlacedOrder(this.db, { order, event: orderCreated(order) });
    if (paymentId) await this.sql.query('UPDATE orders SET payment_id = $2 WHERE id = $1', [order.id, paymentId]);
    return order;
  }

  /** Hands a message to the use case as the bus does: a throw (a concurrent change) is retried. */
  async deliver(messageId: string, event: SagaEvent): Promise<SagaEffect> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await applySagaEvent(this.db, messageId, event);
      } catch (error) {
        if (attempt >= 10 || !/changed while applying/.test(String(error))) throw error;
      }
    }
  }

  /** The order's row as stored. */
  async stored(orderId: string): Promise<StoredOrder> {
    const { rows } = await this.sql.query(
      'SELECT status, failure_reason, payment_id, refunded_at, unavailable_items, updated_at FROM orders WHERE id = $1',
      [orderId],
    );
    return rows[0] as StoredOrder;
  }

  /** The envelopes of `type` the order's outbox holds, oldest first. */
  async eventsOf(orderId: string, type: string): Promise<Array<{ id: string; type: string; payload: Record<string, unknown> }>> {
    const { rows } = await this.sql.query(
      "SELECT payload FROM outbox_messages WHERE type = $1 AND payload->'payload'->>'orderId' = $2 ORDER BY seq",
      [type, orderId],
    );
    return rows.map((row) => row.payload);
  }

  /** Whether any handler recorded the message in the inbox. */
  async inboxHas(messageId: string): Promise<boolean> {
    const { rows } = await this.sql.query('SELECT 1 FROM processed_messages WHERE message_id = $1', [messageId]);
    return rows.length === 1;
  }
}

/** An outbox envelope with this type and payload. */
export const envelope = (type: string, payload: Record<string, unknown>) => ({ id: expect.any(String), type, version: 1, occurredAt: expect.any(String), payload });

/** payment.succeeded for the order, by a new payment unless one is given. */
export const succeeded = (order: { id: string }, paymentId: string = randomUUID()) => ({ type: 'payment.succeeded', orderId: order.id, paymentId }) as const;
