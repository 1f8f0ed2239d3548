import { randomUUID } from 'node:crypto';
import { openDatabase } from '@shop/platform/data';
import { createTestDatabase, dropTestDatabase, waitFor } from '@shop/platform/testing';
import { Client, type Notification } from 'pg';
import { changeOrderOnce } from '../src/data-access/order-change-repository';
import { orderDatabase, type OrderDb } from '../src/data-access/database';
import { applySagaEvent } from '../src/domain/apply-saga-event-use-case';
import { cancelOrder } from '../src/domain/cancel-order-use-case';
import type { Order } from '../src/domain/order';
import type { OrderStatus } from '../src/domain/order-status';
import type { SagaEvent } from '../src/domain/saga-rules';
import { orderPaid } from '../src/events/order-events';
import { deliver, eventsOf as eventsIn, givenOrder as givenOrderIn, inboxHas as inboxHasIn, stored as storedIn } from './saga-fixtures';

// The saga's use case against a real database: what each reported event commits, and what it
// must not, including races staged with row locks (the messaging tests cover the consumers).

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

const givenOrder = (status?: OrderStatus, paymentId?: string) => givenOrderIn(db, sql, status, paymentId ?? null);
const stored = (orderId: string) => storedIn(sql, orderId);
const eventsOf = (orderId: string, type: string) => eventsIn(sql, orderId, type);
const inboxHas = (messageId: string) => inboxHasIn(sql, messageId);

const reserved = (order: { id: string }): SagaEvent => ({ type: 'stock.reserved', orderId: order.id });
const rejected = (order: Order): SagaEvent => ({
  type: 'stock.rejected',
  orderId: order.id,
  unavailable: [{ productId: order.items[1]!.productId!, requested: 1, available: 0 }],
});
const succeeded = (order: { id: string }, paymentId = randomUUID()) => ({ type: 'payment.succeeded', orderId: order.id, paymentId }) as const;
const failed = (order: { id: string }): SagaEvent => ({ type: 'payment.failed', orderId: order.id, reason: 'card_declined' });
const refunded = (order: { id: string }, paymentId: string, refundedAt = new Date('2026-12-05T10:00:00.000Z')): SagaEvent => ({
  type: 'payment.refunded',
  orderId: order.id,
  paymentId,
  refundedAt,
});
const envelope = (type: string, payload: Record<string, unknown>) => ({ id: expect.any(String), type, version: 1, occurredAt: expect.any(String), payload });

describe('stock.reserved', () => {
  test('When it arrives for a PENDING order, then the order is STOCK_RESERVED, order.stock_confirmed is recorded with its inbox row, and the relay is woken', async () => {
    const order = await givenOrder();
    const messageId = randomUUID();
    notifications.length = 0;

    const effect = await applySagaEvent(db, messageId, reserved(order));

    expect(effect).toBe('applied');
    const row = await stored(order.id);
    expect(row.status).toBe('STOCK_RESERVED');
    expect(row.updated_at.getTime()).toBeGreaterThan(order.updatedAt.getTime());
    expect(await eventsOf(order.id, 'order.stock_confirmed')).toEqual([
      envelope('order.stock_confirmed', { orderId: order.id, userId: order.userId, paymentMethodId: order.paymentMethodId, totalCents: 4498, currency: 'EUR' }),
    ]);
    expect(await inboxHas(messageId)).toBe(true);
    await waitFor(() => notifications.some((n) => n.channel === 'outbox'), { what: 'outbox NOTIFY' });
  });

  test('When the same message arrives again, then it is a duplicate and writes nothing', async () => {
    const order = await givenOrder();
    const messageId = randomUUID();
    await applySagaEvent(db, messageId, reserved(order));
    const afterFirst = await stored(order.id);

    expect(await applySagaEvent(db, messageId, reserved(order))).toBe('duplicate');

    expect(await stored(order.id)).toEqual(afterFirst);
    expect(await eventsOf(order.id, 'order.stock_confirmed')).toHaveLength(1);
  });

  test('When ten copies (same and other message ids) are handled at once, then order.stock_confirmed is recorded exactly once', async () => {
    const order = await givenOrder();
    const sameId = randomUUID();
    const ids = [sameId, sameId, sameId, ...Array.from({ length: 7 }, () => randomUUID())];

    const effects = await Promise.all(ids.map((id) => deliver(db, id, reserved(order))));

    expect(effects.filter((e) => e === 'applied')).toHaveLength(1);
    expect(effects.every((e) => ['applied', 'duplicate', 'unchanged'].includes(e))).toBe(true);
    expect((await stored(order.id)).status).toBe('STOCK_RESERVED');
    expect(await eventsOf(order.id, 'order.stock_confirmed')).toHaveLength(1);
  });

  test('When the order was cancelled, then it is settled: the order stays CANCELLED and only the inbox row is written', async () => {
    const order = await givenOrder('CANCELLED');
    const messageId = randomUUID();

    expect(await applySagaEvent(db, messageId, reserved(order))).toBe('settled');

    expect((await stored(order.id)).status).toBe('CANCELLED');
    expect(await eventsOf(order.id, 'order.stock_confirmed')).toEqual([]);
    expect(await inboxHas(messageId)).toBe(true);
    expect(await applySagaEvent(db, messageId, reserved(order))).toBe('duplicate');
  });
});

describe('stock.rejected', () => {
  test('When it arrives for a PENDING order, then the order is REJECTED (out_of_stock, lines named) and order.rejected is recorded', async () => {
    const order = await givenOrder();
    const mug = order.items[1]!;

    expect(await applySagaEvent(db, randomUUID(), rejected(order))).toBe('applied');

    const unavailable = [{ productId: mug.productId, sku: 'MUG-7', name: 'Mug', requested: 1, available: 0 }];
    expect(await stored(order.id)).toMatchObject({ status: 'REJECTED', failure_reason: 'out_of_stock', unavailable_items: unavailable });
    expect(await eventsOf(order.id, 'order.rejected')).toEqual([
      envelope('order.rejected', { orderId: order.id, userId: order.userId, customer: order.customer, totalCents: 4498, currency: 'EUR', reason: 'out_of_stock', unavailable }),
    ]);
  });

  test('When the order was cancelled, then it is settled and nothing is recorded', async () => {
    const order = await givenOrder('CANCELLED');

    expect(await applySagaEvent(db, randomUUID(), rejected(order))).toBe('settled');

    expect(await stored(order.id)).toMatchObject({ status: 'CANCELLED', failure_reason: null, unavailable_items: null });
    expect(await eventsOf(order.id, 'order.rejected')).toEqual([]);
  });

  test('When the stock was already reserved (out of order), then it is rejected and the order keeps its reservation', async () => {
    const order = await givenOrder('STOCK_RESERVED');

    expect(await applySagaEvent(db, randomUUID(), rejected(order))).toBe('rejected');

    expect((await stored(order.id)).status).toBe('STOCK_RESERVED');
    expect(await eventsOf(order.id, 'order.rejected')).toEqual([]);
  });
});

describe('payment.succeeded', () => {
  test('When it arrives for a STOCK_RESERVED order, then the order is PAID with the payment id and order.paid is recorded', async () => {
    const order = await givenOrder('STOCK_RESERVED');
    const result = succeeded(order);

    expect(await applySagaEvent(db, randomUUID(), result)).toBe('applied');

    expect(await stored(order.id)).toMatchObject({ status: 'PAID', payment_id: result.paymentId, failure_reason: null });
    expect(await eventsOf(order.id, 'order.paid')).toEqual([
      envelope('order.paid', { orderId: order.id, userId: order.userId, customer: order.customer, paymentId: result.paymentId, totalCents: 4498, currency: 'EUR' }),
    ]);
    expect(await eventsOf(order.id, 'order.refund_requested')).toEqual([]);
  });

  test('When two copies of the message are handled at once, then exactly one applies and a retry of the other is a duplicate', async () => {
    const order = await givenOrder('STOCK_RESERVED');
    const messageId = randomUUID();
    const result = succeeded(order);

    const outcomes = await Promise.allSettled([applySagaEvent(db, messageId, result), applySagaEvent(db, messageId, result)]);

    expect(outcomes.filter((o) => o.status === 'fulfilled' && o.value === 'applied')).toHaveLength(1);
    // The loser either saw the inbox row, or lost on the row lock and throws so the bus retries it.
    const loser = outcomes.find((o) => !(o.status === 'fulfilled' && o.value === 'applied'))!;
    if (loser.status === 'fulfilled') expect(loser.value).toBe('duplicate');
    else expect(String(loser.reason)).toMatch(/changed while applying/);
    expect(await applySagaEvent(db, messageId, result)).toBe('duplicate');
    expect(await eventsOf(order.id, 'order.paid')).toHaveLength(1);
  });

  test('When the same payment is reported again under another message id, then it is unchanged: no second order.paid, no refund', async () => {
    const order = await givenOrder('STOCK_RESERVED');
    const result = succeeded(order);
    await applySagaEvent(db, randomUUID(), result);

    expect(await applySagaEvent(db, randomUUID(), result)).toBe('unchanged');

    expect(await eventsOf(order.id, 'order.paid')).toHaveLength(1);
    expect(await eventsOf(order.id, 'order.refund_requested')).toEqual([]);
  });

  test('When the order was cancelled, then it stays CANCELLED and exactly one order.refund_requested is recorded, even when delivered twice', async () => {
    const order = await givenOrder('CANCELLED');
    const messageId = randomUUID();
    const result = succeeded(order);

    expect(await applySagaEvent(db, messageId, result)).toBe('applied');
    expect(await applySagaEvent(db, messageId, result)).toBe('duplicate');

    expect(await stored(order.id)).toMatchObject({ status: 'CANCELLED', payment_id: null });
    expect(await eventsOf(order.id, 'order.paid')).toEqual([]);
    expect(await eventsOf(order.id, 'order.refund_requested')).toEqual([
      envelope('order.refund_requested', { orderId: order.id, userId: order.userId, paymentId: result.paymentId, amountCents: 4498, currency: 'EUR' }),
    ]);
  });

  test('When the order was cancelled after it was PAID by this payment, then the cancel already asked for the refund: nothing more', async () => {
    const paymentId = randomUUID();
    const order = await givenOrder('CANCELLED', paymentId);

    expect(await applySagaEvent(db, randomUUID(), succeeded(order, paymentId))).toBe('unchanged');

    expect(await eventsOf(order.id, 'order.refund_requested')).toEqual([]);
  });

  test('When a PAID order is reported paid by another payment, then that second charge is refunded and the order keeps its payment', async () => {
    const paymentId = randomUUID();
    const order = await givenOrder('PAID', paymentId);
    const second = succeeded(order);

    expect(await applySagaEvent(db, randomUUID(), second)).toBe('applied');

    expect(await stored(order.id)).toMatchObject({ status: 'PAID', payment_id: paymentId });
    expect((await eventsOf(order.id, 'order.refund_requested')).map((e) => e.payload.paymentId)).toEqual([second.paymentId]);
  });

  test.each([['PAYMENT_FAILED'], ['REJECTED']] as const)('When the order is %s, then the charge is refunded and the status stays', async (status) => {
    const order = await givenOrder(status);
    const result = succeeded(order);

    expect(await applySagaEvent(db, randomUUID(), result)).toBe('applied');

    expect((await stored(order.id)).status).toBe(status);
    expect((await eventsOf(order.id, 'order.refund_requested')).map((e) => e.payload.paymentId)).toEqual([result.paymentId]);
  });

  test('When the order is cancelled between the read and the write, then nothing is written, it throws for a retry, and the retry requests the refund', async () => {
    const order = await givenOrder('STOCK_RESERVED');
    const messageId = randomUUID();
    const result = succeeded(order);
    // The cancel holds the row: the use case reads STOCK_RESERVED (the cancel is not committed
    // yet) and its write waits for the row lock.
    const canceller = new Client({ connectionString: databaseUrl });
    await canceller.connect();
    try {
      await canceller.query('BEGIN');
      await canceller.query("UPDATE orders SET status = 'CANCELLED', updated_at = now() WHERE id = $1", [order.id]);
      const applying = applySagaEvent(db, messageId, result);
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
    expect(await applySagaEvent(db, messageId, result)).toBe('applied');
    expect(await eventsOf(order.id, 'order.refund_requested')).toHaveLength(1);
  });

  test('When the order is unknown, then the message is recorded and nothing else', async () => {
    const messageId = randomUUID();
    const orderId = randomUUID();

    expect(await applySagaEvent(db, messageId, succeeded({ id: orderId }))).toBe('unknown-order');

    expect(await inboxHas(messageId)).toBe(true);
    expect(await eventsOf(orderId, 'order.refund_requested')).toEqual([]);
  });
});

describe('payment.failed', () => {
  test('When it arrives for a STOCK_RESERVED order, then the order is PAYMENT_FAILED with the reason and order.payment_failed is recorded', async () => {
    const order = await givenOrder('STOCK_RESERVED');

    expect(await applySagaEvent(db, randomUUID(), failed(order))).toBe('applied');

    expect(await stored(order.id)).toMatchObject({ status: 'PAYMENT_FAILED', failure_reason: 'card_declined' });
    expect(await eventsOf(order.id, 'order.payment_failed')).toEqual([
      envelope('order.payment_failed', { orderId: order.id, userId: order.userId, customer: order.customer, reason: 'card_declined', totalCents: 4498, currency: 'EUR' }),
    ]);
  });

  test('When the order was cancelled, then it is settled and nothing is recorded', async () => {
    const order = await givenOrder('CANCELLED');
    const messageId = randomUUID();

    expect(await applySagaEvent(db, messageId, failed(order))).toBe('settled');

    expect(await stored(order.id)).toMatchObject({ status: 'CANCELLED', failure_reason: null });
    expect(await eventsOf(order.id, 'order.payment_failed')).toEqual([]);
    expect(await inboxHas(messageId)).toBe(true);
  });

  test('When it arrives after the order was PAID (out of order), then the order stays PAID and nothing is recorded', async () => {
    const order = await givenOrder('PAID', randomUUID());
    const paid = await stored(order.id);

    expect(await applySagaEvent(db, randomUUID(), failed(order))).toBe('rejected');

    expect(await stored(order.id)).toEqual(paid);
    expect(await eventsOf(order.id, 'order.payment_failed')).toEqual([]);
  });
});

describe('payment.refunded', () => {
  test('When a refund is reported, then refunded_at is set once and order.refunded recorded once, whatever the redeliveries', async () => {
    const paymentId = randomUUID();
    const order = await givenOrder('CANCELLED', paymentId);
    const messageId = randomUUID();
    const event = refunded(order, paymentId);

    expect(await applySagaEvent(db, messageId, event)).toBe('applied');
    expect(await applySagaEvent(db, messageId, event)).toBe('duplicate');
    expect(await applySagaEvent(db, randomUUID(), refunded(order, paymentId, new Date()))).toBe('unchanged');

    expect(await stored(order.id)).toMatchObject({ status: 'CANCELLED', refunded_at: new Date('2026-12-05T10:00:00.000Z') });
    expect(await eventsOf(order.id, 'order.refunded')).toEqual([
      envelope('order.refunded', { orderId: order.id, userId: order.userId, customer: order.customer, paymentId, totalCents: 4498, currency: 'EUR' }),
    ]);
  });
});

describe('a cancel racing payment.succeeded', () => {
  test('When both are fired at once, 30 times, then every order ends CANCELLED with exactly one refund request for its payment, never PAID with one', async () => {
    for (let i = 0; i < 30; i++) {
      const order = await givenOrder('STOCK_RESERVED');
      const result = succeeded(order);

      // Every other time the result is held back a little, so the cancel also wins some races.
      const heldBack = i % 2 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, 3));
      const [cancelled] = await Promise.all([cancelOrder(db, order.userId, order.id), heldBack.then(() => deliver(db, randomUUID(), result))]);

      const row = await stored(order.id);
      const refunds = await eventsOf(order.id, 'order.refund_requested');
      const paid = await eventsOf(order.id, 'order.paid');
      const cancels = await eventsOf(order.id, 'order.cancelled');
      expect(cancelled.status).toBe('CANCELLED');
      // Whoever won, PAID can still be cancelled, so the order always ends CANCELLED; which
      // one won shows in order.cancelled's previousStatus and in who asked for the refund.
      expect(row.status).toBe('CANCELLED');
      expect(refunds.map((e) => e.payload)).toEqual([{ orderId: order.id, userId: order.userId, paymentId: result.paymentId, amountCents: 4498, currency: 'EUR' }]);
      expect(cancels).toHaveLength(1);
      expect(paid.length).toBeLessThanOrEqual(1);
      expect(cancels[0]!.payload).toMatchObject(
        paid.length ? { previousStatus: 'PAID', paymentId: result.paymentId } : { previousStatus: 'PENDING', paymentId: null },
      );
    }
  });
});

describe('atomicity', () => {
  test('When recording one of the events fails, then neither the status change, the inbox row nor any other event is committed', async () => {
    const order = await givenOrder('STOCK_RESERVED');
    const messageId = randomUUID();
    await sql.query(`CREATE FUNCTION refuse_order_paid() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.type = 'order.paid' THEN RAISE EXCEPTION 'outbox refused in a test'; END IF; RETURN NEW; END $$`);
    await sql.query('CREATE TRIGGER refuse_order_paid BEFORE INSERT ON outbox_messages FOR EACH ROW EXECUTE FUNCTION refuse_order_paid()');
    try {
      await expect(applySagaEvent(db, messageId, succeeded(order))).rejects.toThrow(/outbox refused in a test/);
    } finally {
      await sql.query('DROP TRIGGER refuse_order_paid ON outbox_messages');
      await sql.query('DROP FUNCTION refuse_order_paid()');
    }

    expect((await stored(order.id)).status).toBe('STOCK_RESERVED');
    expect(await inboxHas(messageId)).toBe(false);
    expect(await applySagaEvent(db, messageId, succeeded(order))).toBe('applied');
  });
});

describe('changeOrderOnce (the conditional write)', () => {
  test('When the message was recorded after the read, then the write changes nothing and says duplicate', async () => {
    const order = await givenOrder('STOCK_RESERVED');
    const messageId = randomUUID();
    await sql.query("INSERT INTO processed_messages (message_id, handler) VALUES ($1, 'order-service:payment-result')", [messageId]);

    const outcome = await changeOrderOnce(
      db,
      order.id,
      { from: 'STOCK_RESERVED', to: 'PAID', paymentId: randomUUID(), events: [orderPaid(order, randomUUID())] },
      { messageId, handler: 'order-service:payment-result' },
    );

    expect(outcome).toEqual({ result: 'duplicate' });
    expect((await stored(order.id)).status).toBe('STOCK_RESERVED');
    expect(await eventsOf(order.id, 'order.paid')).toEqual([]);
  });

  test('When a refund is recorded on an order that got one since the read, then nothing is written', async () => {
    const order = await givenOrder('CANCELLED');
    await sql.query('UPDATE orders SET refunded_at = now() WHERE id = $1', [order.id]);

    const outcome = await changeOrderOnce(db, order.id, { from: 'CANCELLED', refundedAt: new Date(), events: [] });

    expect(outcome).toEqual({ result: 'status-changed' });
  });
});
