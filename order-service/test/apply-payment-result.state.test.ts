import { randomUUID } from 'node:crypto';
import { openDatabase } from '@shop/platform/data';
import { createTestDatabase, dropTestDatabase, waitFor } from '@shop/platform/testing';
import { Client, type Notification } from 'pg';
import { insertPlacedOrder } from '../src/data-access/order-repository';
import { changeStatusOnce } from '../src/data-access/payment-result-repository';
import { orderDatabase, type OrderDb } from '../src/data-access/database';
import { applyPaymentResult, type PaymentResult } from '../src/domain/apply-payment-result-use-case';
import type { Order } from '../src/domain/order';
import type { OrderStatus } from '../src/domain/order-status';
import { orderCreated, orderPaid } from '../src/events/order-events';

// The use case against a real database: what a payment result commits, and what it must not,
// including races staged with row locks (the messaging tests cover the consumer around it).

let databaseUrl: string;
let db: OrderDb;
let closeDb: () => Promise<void>;
let sql: Client;
let listener: Client;
const notifications: Notification[] = [];

beforeAll(async () => {
  databaseUrl = await createTestDatabase('order_service', orderDatabase);
  ({ db, close: closeDb } = openDatabase(orderDatabase, { DATABASE_URL: databaseUrl, DATABASE_POOL_MAX: 4 }));
  sql = new Client({ connectionString: databaseUrl });
  listener = new Client({ connectionString: databaseUrl });
  await Promise.all([sql.connect(), listener.connect()]);
  listener.on('notification', (n) => notifications.push(n));
  await listener.query('LISTEN outbox');
});
afterAll(async () => {
  await closeDb();
  await Promise.all([sql.end(), listener.end()]);
  await dropTestDatabase(databaseUrl);
});

/** A stored order (through the repository, with its order.created event), in any status. */
async function givenOrder(status: OrderStatus = 'PENDING'): Promise<Order> {
  const now = new Date(Date.now() - 60_000);
  const order: Order = {
    id: randomUUID(),
    userId: randomUUID(),
    customer: { email: 'grace@example.com', name: 'Grace Hopper' },
    paymentMethodId: randomUUID(),
    status,
    items: [{ productId: randomUUID(), sku: 'BOOK-1', name: 'Book', quantity: 2, unitPriceCents: 1999 }],
    totalCents: 3998,
    currency: 'EUR',
    failureReason: null,
    createdAt: now,
    updatedAt: now,
  };
  await insertPlacedOrder(db, { order, event: orderCreated(order) });
  return order;
}

const succeeded = (order: { id: string }): PaymentResult => ({ outcome: 'succeeded', orderId: order.id, paymentId: randomUUID() });
const failed = (order: { id: string }): PaymentResult => ({ outcome: 'failed', orderId: order.id, reason: 'card_declined' });

async function stored(orderId: string) {
  const { rows } = await sql.query('SELECT status, failure_reason, updated_at FROM orders WHERE id = $1', [orderId]);
  return rows[0] as { status: string; failure_reason: string | null; updated_at: Date };
}
async function eventsOf(orderId: string, type: string): Promise<Array<Record<string, unknown>>> {
  const { rows } = await sql.query("SELECT payload FROM outbox_messages WHERE type = $1 AND payload->'payload'->>'orderId' = $2", [type, orderId]);
  return rows.map((row) => row.payload);
}
async function inboxHas(messageId: string): Promise<boolean> {
  const { rows } = await sql.query('SELECT 1 FROM processed_messages WHERE message_id = $1', [messageId]);
  return rows.length === 1;
}

describe('payment.succeeded', () => {
  test('When it arrives for a PENDING order, then the order is PAID, order.paid is recorded with its inbox row, and the relay is woken', async () => {
    const order = await givenOrder();
    const result = succeeded(order);
    const messageId = randomUUID();
    notifications.length = 0;

    const effect = await applyPaymentResult(db, messageId, result);

    expect(effect).toBe('applied');
    const row = await stored(order.id);
    expect(row).toMatchObject({ status: 'PAID', failure_reason: null });
    expect(row.updated_at.getTime()).toBeGreaterThan(order.updatedAt.getTime());
    expect(await eventsOf(order.id, 'order.paid')).toEqual([
      {
        id: expect.any(String),
        type: 'order.paid',
        version: 1,
        occurredAt: expect.any(String),
        payload: { orderId: order.id, userId: order.userId, customer: order.customer, paymentId: (result as { paymentId: string }).paymentId, totalCents: 3998, currency: 'EUR' },
      },
    ]);
    expect(await inboxHas(messageId)).toBe(true);
    await waitFor(() => notifications.some((n) => n.channel === 'outbox'), { what: 'outbox NOTIFY' });
  });

  test('When the same message arrives again, then it is a duplicate and writes nothing', async () => {
    const order = await givenOrder();
    const messageId = randomUUID();
    const result = succeeded(order);
    await applyPaymentResult(db, messageId, result);
    const afterFirst = await stored(order.id);

    const effect = await applyPaymentResult(db, messageId, result);

    expect(effect).toBe('duplicate');
    expect(await stored(order.id)).toEqual(afterFirst);
    expect(await eventsOf(order.id, 'order.paid')).toHaveLength(1);
  });

  test('When two copies of the message are handled at once, then exactly one applies and a retry of the other is a duplicate', async () => {
    const order = await givenOrder();
    const messageId = randomUUID();
    const result = succeeded(order);

    const outcomes = await Promise.allSettled([applyPaymentResult(db, messageId, result), applyPaymentResult(db, messageId, result)]);

    const applied = outcomes.filter((o) => o.status === 'fulfilled' && o.value === 'applied');
    expect(applied).toHaveLength(1);
    // The loser either saw the inbox row, or lost on the row lock and throws so the bus retries it.
    const loser = outcomes.find((o) => !(o.status === 'fulfilled' && o.value === 'applied'))!;
    if (loser.status === 'fulfilled') expect(loser.value).toBe('duplicate');
    else expect(String(loser.reason)).toMatch(/changed while applying/);
    expect(await applyPaymentResult(db, messageId, result)).toBe('duplicate');
    expect(await eventsOf(order.id, 'order.paid')).toHaveLength(1);
  });

  test('When another message already made the order PAID, then it is unchanged and records no second event', async () => {
    const order = await givenOrder();
    await applyPaymentResult(db, randomUUID(), succeeded(order));
    const messageId = randomUUID();

    const effect = await applyPaymentResult(db, messageId, succeeded(order));

    expect(effect).toBe('unchanged');
    expect(await eventsOf(order.id, 'order.paid')).toHaveLength(1);
    expect(await inboxHas(messageId)).toBe(true);
    expect(await applyPaymentResult(db, messageId, succeeded(order))).toBe('duplicate');
  });

  test('When the order was cancelled, then it stays CANCELLED, nothing is recorded but the inbox row, and a redelivery is a duplicate', async () => {
    const order = await givenOrder('CANCELLED');
    const messageId = randomUUID();

    const effect = await applyPaymentResult(db, messageId, succeeded(order));

    expect(effect).toBe('rejected');
    expect((await stored(order.id)).status).toBe('CANCELLED');
    expect(await eventsOf(order.id, 'order.paid')).toEqual([]);
    expect(await inboxHas(messageId)).toBe(true);
    expect(await applyPaymentResult(db, messageId, succeeded(order))).toBe('duplicate');
  });

  test('When the order is cancelled between the read and the write, then nothing is written, it throws for a retry, and the retry is rejected', async () => {
    const order = await givenOrder();
    const messageId = randomUUID();
    const result = succeeded(order);
    // The cancel holds the row: the use case reads PENDING (the cancel is not committed yet) and
    // its write waits for the row lock.
    const canceller = new Client({ connectionString: databaseUrl });
    await canceller.connect();
    try {
      await canceller.query('BEGIN');
      await canceller.query("UPDATE orders SET status = 'CANCELLED', updated_at = now() WHERE id = $1", [order.id]);
      const applying = applyPaymentResult(db, messageId, result);
      applying.catch(() => undefined);
      await waitFor(
        async () => (await sql.query("SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")).rows.length > 0,
        { what: 'the payment result waiting for the row lock' },
      );
      await canceller.query('COMMIT');

      await expect(applying).rejects.toThrow(/changed while applying/);
    } finally {
      await canceller.end();
    }

    expect((await stored(order.id)).status).toBe('CANCELLED');
    expect(await inboxHas(messageId)).toBe(false);
    expect(await eventsOf(order.id, 'order.paid')).toEqual([]);
    expect(await applyPaymentResult(db, messageId, result)).toBe('rejected');
  });

  test('When the order is unknown, then the message is recorded and nothing else', async () => {
    const messageId = randomUUID();
    const orderId = randomUUID();

    const effect = await applyPaymentResult(db, messageId, succeeded({ id: orderId }));

    expect(effect).toBe('unknown-order');
    expect(await inboxHas(messageId)).toBe(true);
    expect(await eventsOf(orderId, 'order.paid')).toEqual([]);
  });
});

describe('payment.failed', () => {
  test('When it arrives for a PENDING order, then the order is PAYMENT_FAILED with the reason and order.payment_failed is recorded', async () => {
    const order = await givenOrder();

    const effect = await applyPaymentResult(db, randomUUID(), failed(order));

    expect(effect).toBe('applied');
    expect(await stored(order.id)).toMatchObject({ status: 'PAYMENT_FAILED', failure_reason: 'card_declined' });
    expect(await eventsOf(order.id, 'order.payment_failed')).toEqual([
      {
        id: expect.any(String),
        type: 'order.payment_failed',
        version: 1,
        occurredAt: expect.any(String),
        payload: { orderId: order.id, userId: order.userId, customer: order.customer, reason: 'card_declined', totalCents: 3998, currency: 'EUR' },
      },
    ]);
  });

  test('When it arrives after the order was PAID (out of order), then the order stays PAID and nothing is recorded', async () => {
    const order = await givenOrder();
    await applyPaymentResult(db, randomUUID(), succeeded(order));
    const paid = await stored(order.id);

    const effect = await applyPaymentResult(db, randomUUID(), failed(order));

    expect(effect).toBe('rejected');
    expect(await stored(order.id)).toEqual(paid);
    expect(await eventsOf(order.id, 'order.payment_failed')).toEqual([]);
  });
});

describe('atomicity', () => {
  test('When recording the event fails, then neither the status change nor the inbox row is committed', async () => {
    const order = await givenOrder();
    const messageId = randomUUID();
    await sql.query(`CREATE FUNCTION refuse_order_paid() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.type = 'order.paid' THEN RAISE EXCEPTION 'outbox refused in a test'; END IF; RETURN NEW; END $$`);
    await sql.query('CREATE TRIGGER refuse_order_paid BEFORE INSERT ON outbox_messages FOR EACH ROW EXECUTE FUNCTION refuse_order_paid()');
    try {
      await expect(applyPaymentResult(db, messageId, succeeded(order))).rejects.toThrow(/outbox refused in a test/);
    } finally {
      await sql.query('DROP TRIGGER refuse_order_paid ON outbox_messages');
      await sql.query('DROP FUNCTION refuse_order_paid()');
    }

    expect((await stored(order.id)).status).toBe('PENDING');
    expect(await inboxHas(messageId)).toBe(false);
    expect(await applyPaymentResult(db, messageId, succeeded(order))).toBe('applied');
  });
});

describe('changeStatusOnce (the conditional write)', () => {
  test('When the message was recorded after the read, then the write changes nothing and says duplicate', async () => {
    const order = await givenOrder();
    const messageId = randomUUID();
    await sql.query("INSERT INTO processed_messages (message_id, handler) VALUES ($1, 'order-service:payment-result')", [messageId]);

    const outcome = await changeStatusOnce(db, {
      messageId,
      handler: 'order-service:payment-result',
      orderId: order.id,
      from: 'PENDING',
      to: 'PAID',
      failureReason: null,
      event: orderPaid(order, randomUUID()),
    });

    expect(outcome).toBe('duplicate');
    expect((await stored(order.id)).status).toBe('PENDING');
    expect(await eventsOf(order.id, 'order.paid')).toEqual([]);
  });
});
