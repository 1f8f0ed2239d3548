import { randomUUID } from 'node:crypto';
import { waitFor } from '@shop/platform/testing';
import { Client } from 'pg';
import { applySagaEvent } from '../src/domain/apply-saga-event-use-case';
import { cancelOrder } from '../src/domain/cancel-order-use-case';
import { envelope, SagaTestDatabase, succeeded } from './saga-fixtures';

// payment.succeeded against a real database: the order is PAID, or the charge it will not keep
// is refunded exactly once; races with a cancel staged with row locks and fired at once.

let t: SagaTestDatabase;
beforeAll(async () => {
  t = await SagaTestDatabase.open();
});
afterAll(() => t.close());

describe('payment.succeeded', () => {
  test('When it arrives for a STOCK_RESERVED order, then the order is PAID with the payment id and order.paid is recorded', async () => {
    const order = await t.givenOrder('STOCK_RESERVED');
    const result = succeeded(order);

    expect(await applySagaEvent(t.db, randomUUID(), result)).toBe('applied');

    expect(await t.stored(order.id)).toMatchObject({ status: 'PAID', payment_id: result.paymentId, failure_reason: null });
    expect(await t.eventsOf(order.id, 'order.paid')).toEqual([
      envelope('order.paid', { orderId: order.id, userId: order.userId, customer: order.customer, paymentId: result.paymentId, totalCents: 4498, currency: 'EUR' }),
    ]);
    expect(await t.eventsOf(order.id, 'order.refund_requested')).toEqual([]);
  });

  test('When two copies of the message are handled at once, then exactly one applies and a retry of the other is a duplicate', async () => {
    const order = await t.givenOrder('STOCK_RESERVED');
    const messageId = randomUUID();
    const result = succeeded(order);

    const outcomes = await Promise.allSettled([applySagaEvent(t.db, messageId, result), applySagaEvent(t.db, messageId, result)]);

    expect(outcomes.filter((o) => o.status === 'fulfilled' && o.value === 'applied')).toHaveLength(1);
    // The loser either saw the inbox row, or lost on the row lock and throws so the bus retries it.
    const loser = outcomes.find((o) => !(o.status === 'fulfilled' && o.value === 'applied'))!;
    if (loser.status === 'fulfilled') expect(loser.value).toBe('duplicate');
    else expect(String(loser.reason)).toMatch(/changed while applying/);
    expect(await applySagaEvent(t.db, messageId, result)).toBe('duplicate');
    expect(await t.eventsOf(order.id, 'order.paid')).toHaveLength(1);
  });

  test('When the same payment is reported again under another message id, then it is unchanged: no second order.paid, no refund', async () => {
    const order = await t.givenOrder('STOCK_RESERVED');
    const result = succeeded(order);
    await applySagaEvent(t.db, randomUUID(), result);

    expect(await applySagaEvent(t.db, randomUUID(), result)).toBe('unchanged');

    expect(await t.eventsOf(order.id, 'order.paid')).toHaveLength(1);
    expect(await t.eventsOf(order.id, 'order.refund_requested')).toEqual([]);
  });

  test('When the order was cancelled, then it stays CANCELLED and exactly one order.refund_requested is recorded, even when delivered twice', async () => {
    const order = await t.givenOrder('CANCELLED');
    const messageId = randomUUID();
    const result = succeeded(order);

    expect(await applySagaEvent(t.db, messageId, result)).toBe('applied');
    expect(await applySagaEvent(t.db, messageId, result)).toBe('duplicate');

    expect(await t.stored(order.id)).toMatchObject({ status: 'CANCELLED', payment_id: null });
    expect(await t.eventsOf(order.id, 'order.paid')).toEqual([]);
    expect(await t.eventsOf(order.id, 'order.refund_requested')).toEqual([
      envelope('order.refund_requested', { orderId: order.id, userId: order.userId, paymentId: result.paymentId, amountCents: 4498, currency: 'EUR' }),
    ]);
  });

  test('When the order was cancelled after it was PAID by this payment, then the cancel already asked for the refund: nothing more', async () => {
    const paymentId = randomUUID();
    const order = await t.givenOrder('CANCELLED', paymentId);

    expect(await applySagaEvent(t.db, randomUUID(), succeeded(order, paymentId))).toBe('unchanged');

    expect(await t.eventsOf(order.id, 'order.refund_requested')).toEqual([]);
  });

  test('When a PAID order is reported paid by another payment, then that second charge is refunded and the order keeps its payment', async () => {
    const paymentId = randomUUID();
    const order = await t.givenOrder('PAID', paymentId);
    const second = succeeded(order);

    expect(await applySagaEvent(t.db, randomUUID(), second)).toBe('applied');

    expect(await t.stored(order.id)).toMatchObject({ status: 'PAID', payment_id: paymentId });
    expect((await t.eventsOf(order.id, 'order.refund_requested')).map((e) => e.payload.paymentId)).toEqual([second.paymentId]);
  });

  test.each([['PAYMENT_FAILED'], ['REJECTED']] as const)('When the order is %s, then the charge is refunded and the status stays', async (status) => {
    const order = await t.givenOrder(status);
    const result = succeeded(order);

    expect(await applySagaEvent(t.db, randomUUID(), result)).toBe('applied');

    expect((await t.stored(order.id)).status).toBe(status);
    expect((await t.eventsOf(order.id, 'order.refund_requested')).map((e) => e.payload.paymentId)).toEqual([result.paymentId]);
  });

  test('When the order is cancelled between the read and the write, then nothing is written, it throws for a retry, and the retry requests the refund', async () => {
    const order = await t.givenOrder('STOCK_RESERVED');
    const messageId = randomUUID();
    const result = succeeded(order);
    // The cancel holds the row: the use case reads STOCK_RESERVED (the cancel is not committed
    // yet) and its write waits for the row lock.
    const canceller = new Client({ connectionString: t.databaseUrl });
    await canceller.connect();
    try {
      await canceller.query('BEGIN');
      await canceller.query("UPDATE orders SET status = 'CANCELLED', updated_at = now() WHERE id = $1", [order.id]);
      const applying = applySagaEvent(t.db, messageId, result);
      applying.catch(() => undefined);
      await waitFor(
        async () => (await t.sql.query("SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")).rows.length > 0,
        { what: 'the payment result waiting for the row lock' },
      );
      await canceller.query('COMMIT');

      await expect(applying).rejects.toThrow(/changed while applying/);
    } finally {
      await canceller.end();
    }

    expect((await t.stored(order.id)).status).toBe('CANCELLED');
    expect(await t.inboxHas(messageId)).toBe(false);
    expect(await t.eventsOf(order.id, 'order.paid')).toEqual([]);
    expect(await applySagaEvent(t.db, messageId, result)).toBe('applied');
    expect(await t.eventsOf(order.id, 'order.refund_requested')).toHaveLength(1);
  });

  test('When the order is unknown, then the message is recorded and nothing else', async () => {
    const messageId = randomUUID();
    const orderId = randomUUID();

    expect(await applySagaEvent(t.db, messageId, succeeded({ id: orderId }))).toBe('unknown-order');

    expect(await t.inboxHas(messageId)).toBe(true);
    expect(await t.eventsOf(orderId, 'order.refund_requested')).toEqual([]);
  });
});

describe('a cancel racing payment.succeeded', () => {
  test('When both are fired at once, 30 times, then every order ends CANCELLED with exactly one refund request for its payment, never PAID with one', async () => {
    for (let i = 0; i < 30; i++) {
      const order = await t.givenOrder('STOCK_RESERVED');
      const result = succeeded(order);

      // Every other time the result is held back a little, so the cancel also wins some races.
      const heldBack = i % 2 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, 3));
      const [cancelled] = await Promise.all([cancelOrder(t.db, order.userId, order.id), heldBack.then(() => t.deliver(randomUUID(), result))]);

      const row = await t.stored(order.id);
      const refunds = await t.eventsOf(order.id, 'order.refund_requested');
      const paid = await t.eventsOf(order.id, 'order.paid');
      const cancels = await t.eventsOf(order.id, 'order.cancelled');
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
