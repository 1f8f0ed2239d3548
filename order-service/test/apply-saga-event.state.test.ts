import { randomUUID } from 'node:crypto';
import { waitFor } from '@shop/platform/testing';
import { changeOrderOnce } from '../src/data-access/order-change-repository';
import { applySagaEvent } from '../src/domain/apply-saga-event-use-case';
import type { Order } from '../src/domain/order';
import type { SagaEvent } from '../src/domain/saga-rules';
import { orderPaid } from '../src/events/order-events';
import { envelope, SagaTestDatabase, succeeded } from './saga-fixtures';

// The saga's use case against a real database: what stock results, payment failures and refunds
// commit, and what they must not (payment.succeeded and its races: payment-succeeded.state.test.ts).

let t: SagaTestDatabase;
beforeAll(async () => {
  t = await SagaTestDatabase.open();
});
afterAll(() => t.close());

const reserved = (order: { id: string }): SagaEvent => ({ type: 'stock.reserved', orderId: order.id });
const rejected = (order: Order): SagaEvent => ({
  type: 'stock.rejected',
  orderId: order.id,
  unavailable: [{ productId: order.items[1]!.productId!, requested: 1, available: 0 }],
});
const failed = (order: { id: string }): SagaEvent => ({ type: 'payment.failed', orderId: order.id, reason: 'card_declined' });
const refunded = (order: { id: string }, paymentId: string, refundedAt = new Date('2026-12-05T10:00:00.000Z')): SagaEvent => ({
  type: 'payment.refunded',
  orderId: order.id,
  paymentId,
  refundedAt,
});

describe('stock.reserved', () => {
  test('When it arrives for a PENDING order, then the order is STOCK_RESERVED, order.stock_confirmed is recorded with its inbox row, and the relay is woken', async () => {
    const order = await t.givenOrder();
    const messageId = randomUUID();
    t.notifications.length = 0;

    const effect = await applySagaEvent(t.db, messageId, reserved(order));

    expect(effect).toBe('applied');
    const row = await t.stored(order.id);
    expect(row.status).toBe('STOCK_RESERVED');
    expect(row.updated_at.getTime()).toBeGreaterThan(order.updatedAt.getTime());
    expect(await t.eventsOf(order.id, 'order.stock_confirmed')).toEqual([
      envelope('order.stock_confirmed', { orderId: order.id, userId: order.userId, paymentMethodId: order.paymentMethodId, totalCents: 4498, currency: 'EUR' }),
    ]);
    expect(await t.inboxHas(messageId)).toBe(true);
    await waitFor(() => t.notifications.some((n) => n.channel === 'outbox'), { what: 'outbox NOTIFY' });
  });

  test('When the same message arrives again, then it is a duplicate and writes nothing', async () => {
    const order = await t.givenOrder();
    const messageId = randomUUID();
    await applySagaEvent(t.db, messageId, reserved(order));
    const afterFirst = await t.stored(order.id);

    expect(await applySagaEvent(t.db, messageId, reserved(order))).toBe('duplicate');

    expect(await t.stored(order.id)).toEqual(afterFirst);
    expect(await t.eventsOf(order.id, 'order.stock_confirmed')).toHaveLength(1);
  });

  test('When ten copies (same and other message ids) are handled at once, then order.stock_confirmed is recorded exactly once', async () => {
    const order = await t.givenOrder();
    const sameId = randomUUID();
    const ids = [sameId, sameId, sameId, ...Array.from({ length: 7 }, () => randomUUID())];

    const effects = await Promise.all(ids.map((id) => t.deliver(id, reserved(order))));

    expect(effects.filter((e) => e === 'applied')).toHaveLength(1);
    expect(effects.every((e) => ['applied', 'duplicate', 'unchanged'].includes(e))).toBe(true);
    expect((await t.stored(order.id)).status).toBe('STOCK_RESERVED');
    expect(await t.eventsOf(order.id, 'order.stock_confirmed')).toHaveLength(1);
  });

  test('When the order was cancelled, then it is settled: the order stays CANCELLED and only the inbox row is written', async () => {
    const order = await t.givenOrder('CANCELLED');
    const messageId = randomUUID();

    expect(await applySagaEvent(t.db, messageId, reserved(order))).toBe('settled');

    expect((await t.stored(order.id)).status).toBe('CANCELLED');
    expect(await t.eventsOf(order.id, 'order.stock_confirmed')).toEqual([]);
    expect(await t.inboxHas(messageId)).toBe(true);
    expect(await applySagaEvent(t.db, messageId, reserved(order))).toBe('duplicate');
  });
});

describe('stock.rejected', () => {
  test('When it arrives for a PENDING order, then the order is REJECTED (out_of_stock, lines named) and order.rejected is recorded', async () => {
    const order = await t.givenOrder();
    const mug = order.items[1]!;

    expect(await applySagaEvent(t.db, randomUUID(), rejected(order))).toBe('applied');

    const unavailable = [{ productId: mug.productId, sku: 'MUG-7', name: 'Mug', requested: 1, available: 0 }];
    expect(await t.stored(order.id)).toMatchObject({ status: 'REJECTED', failure_reason: 'out_of_stock', unavailable_items: unavailable });
    expect(await t.eventsOf(order.id, 'order.rejected')).toEqual([
      envelope('order.rejected', { orderId: order.id, userId: order.userId, customer: order.customer, totalCents: 4498, currency: 'EUR', reason: 'out_of_stock', unavailable }),
    ]);
  });

  test('When the order was cancelled, then it is settled and nothing is recorded', async () => {
    const order = await t.givenOrder('CANCELLED');

    expect(await applySagaEvent(t.db, randomUUID(), rejected(order))).toBe('settled');

    expect(await t.stored(order.id)).toMatchObject({ status: 'CANCELLED', failure_reason: null, unavailable_items: null });
    expect(await t.eventsOf(order.id, 'order.rejected')).toEqual([]);
  });

  test('When the stock was already reserved (out of order), then it is rejected and the order keeps its reservation', async () => {
    const order = await t.givenOrder('STOCK_RESERVED');

    expect(await applySagaEvent(t.db, randomUUID(), rejected(order))).toBe('rejected');

    expect((await t.stored(order.id)).status).toBe('STOCK_RESERVED');
    expect(await t.eventsOf(order.id, 'order.rejected')).toEqual([]);
  });
});

describe('payment.failed', () => {
  test('When it arrives for a STOCK_RESERVED order, then the order is PAYMENT_FAILED with the reason and order.payment_failed is recorded', async () => {
    const order = await t.givenOrder('STOCK_RESERVED');

    expect(await applySagaEvent(t.db, randomUUID(), failed(order))).toBe('applied');

    expect(await t.stored(order.id)).toMatchObject({ status: 'PAYMENT_FAILED', failure_reason: 'card_declined' });
    expect(await t.eventsOf(order.id, 'order.payment_failed')).toEqual([
      envelope('order.payment_failed', { orderId: order.id, userId: order.userId, customer: order.customer, reason: 'card_declined', totalCents: 4498, currency: 'EUR' }),
    ]);
  });

  test('When the order was cancelled, then it is settled and nothing is recorded', async () => {
    const order = await t.givenOrder('CANCELLED');
    const messageId = randomUUID();

    expect(await applySagaEvent(t.db, messageId, failed(order))).toBe('settled');

    expect(await t.stored(order.id)).toMatchObject({ status: 'CANCELLED', failure_reason: null });
    expect(await t.eventsOf(order.id, 'order.payment_failed')).toEqual([]);
    expect(await t.inboxHas(messageId)).toBe(true);
  });

  test('When it arrives after the order was PAID (out of order), then the order stays PAID and nothing is recorded', async () => {
    const order = await t.givenOrder('PAID', randomUUID());
    const paid = await t.stored(order.id);

    expect(await applySagaEvent(t.db, randomUUID(), failed(order))).toBe('rejected');

    expect(await t.stored(order.id)).toEqual(paid);
    expect(await t.eventsOf(order.id, 'order.payment_failed')).toEqual([]);
  });
});

describe('payment.refunded', () => {
  test('When a refund is reported, then refunded_at is set once and order.refunded recorded once, whatever the redeliveries', async () => {
    const paymentId = randomUUID();
    const order = await t.givenOrder('CANCELLED', paymentId);
    const messageId = randomUUID();
    const event = refunded(order, paymentId);

    expect(await applySagaEvent(t.db, messageId, event)).toBe('applied');
    expect(await applySagaEvent(t.db, messageId, event)).toBe('duplicate');
    expect(await applySagaEvent(t.db, randomUUID(), refunded(order, paymentId, new Date()))).toBe('unchanged');

    expect(await t.stored(order.id)).toMatchObject({ status: 'CANCELLED', refunded_at: new Date('2026-12-05T10:00:00.000Z') });
    expect(await t.eventsOf(order.id, 'order.refunded')).toEqual([
      envelope('order.refunded', { orderId: order.id, userId: order.userId, customer: order.customer, paymentId, totalCents: 4498, currency: 'EUR' }),
    ]);
  });
});

describe('atomicity', () => {
  test('When recording one of the events fails, then neither the status change, the inbox row nor any other event is committed', async () => {
    const order = await t.givenOrder('STOCK_RESERVED');
    const messageId = randomUUID();
    await t.sql.query(`CREATE FUNCTION refuse_order_paid() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.type = 'order.paid' THEN RAISE EXCEPTION 'outbox refused in a test'; END IF; RETURN NEW; END $$`);
    await t.sql.query('CREATE TRIGGER refuse_order_paid BEFORE INSERT ON outbox_messages FOR EACH ROW EXECUTE FUNCTION refuse_order_paid()');
    try {
      await expect(applySagaEvent(t.db, messageId, succeeded(order))).rejects.toThrow(/outbox refused in a test/);
    } finally {
      await t.sql.query('DROP TRIGGER refuse_order_paid ON outbox_messages');
      await t.sql.query('DROP FUNCTION refuse_order_paid()');
    }

    expect((await t.stored(order.id)).status).toBe('STOCK_RESERVED');
    expect(await t.inboxHas(messageId)).toBe(false);
    expect(await applySagaEvent(t.db, messageId, succeeded(order))).toBe('applied');
  });
});

describe('changeOrderOnce (the conditional write)', () => {
  test('When the message was recorded after the read, then the write changes nothing and says duplicate', async () => {
    const order = await t.givenOrder('STOCK_RESERVED');
    const messageId = randomUUID();
    await t.sql.query("INSERT INTO processed_messages (message_id, handler) VALUES ($1, 'order-service:payment-result')", [messageId]);

    const outcome = await changeOrderOnce(
      t.db,
      order.id,
      { from: 'STOCK_RESERVED', to: 'PAID', paymentId: randomUUID(), events: [orderPaid(order, randomUUID())] },
      { messageId, handler: 'order-service:payment-result' },
    );

    expect(outcome).toEqual({ result: 'duplicate' });
    expect((await t.stored(order.id)).status).toBe('STOCK_RESERVED');
    expect(await t.eventsOf(order.id, 'order.paid')).toEqual([]);
  });

  test('When a refund is recorded on an order that got one since the read, then nothing is written', async () => {
    const order = await t.givenOrder('CANCELLED');
    await t.sql.query('UPDATE orders SET refunded_at = now() WHERE id = $1', [order.id]);

    const outcome = await changeOrderOnce(t.db, order.id, { from: 'CANCELLED', refundedAt: new Date(), events: [] });

    expect(outcome).toEqual({ result: 'status-changed' });
  });
});
