import { randomUUID } from 'node:crypto';
import { setLoggingSilent } from '@shop/platform/logging';
import type { EventEnvelope } from '@shop/platform/messaging';
import { MessageCollector, TEST_BROKER_URL, waitFor, type CollectedMessage } from '@shop/platform/testing';
import request from 'supertest';
import { asUser, buildOrderCreated, buildStockConfirmed, startPaymentServiceUnderTest, TEST_CARDS, type PaymentServiceUnderTest } from './harness';

let sut: PaymentServiceUnderTest;
let published: MessageCollector;

beforeAll(async () => {
  sut = await startPaymentServiceUnderTest();
  published = await MessageCollector.bindTo(TEST_BROKER_URL, sut.config.EVENTS_EXCHANGE, ['payment.*']);
});
afterAll(async () => {
  await published.close();
  await sut.stop();
});

type Envelope = EventEnvelope<Record<string, unknown>>;

const eventsFor = (orderId: string): CollectedMessage[] =>
  published.messages.filter((m) => (m.json as Envelope).payload.orderId === orderId);

async function waitForEvent(orderId: string, timeoutMs = 5000): Promise<CollectedMessage> {
  return (await waitFor(() => eventsFor(orderId)[0], { timeoutMs, what: `a payment event for order ${orderId}` }))!;
}

async function paymentsOf(userId: string, orderId: string) {
  return (await request(sut.url).get('/payments').query({ orderId }).set(asUser(userId)).expect(200)).body.items;
}

/** Deliveries of order.stock_confirmed the consumer settled with this outcome (from /metrics). */
const consumed = (outcome: 'acked' | 'retried' | 'dead-lettered') => sut.consumed('order.stock_confirmed', outcome);

/** An order of a customer who saved the given card. */
async function orderPaidWith(cardNumber: string) {
  const userId = randomUUID();
  const paymentMethodId = await sut.addCard(userId, cardNumber);
  return buildStockConfirmed({ userId, paymentMethodId });
}

/**
 * Charges a fresh order and waits for its payment event. The outbox publishes in commit order, so
 * every event recorded by a delivery settled before this call is on the broker when it returns.
 */
async function drainedThroughMarker(): Promise<void> {
  const marker = await orderPaidWith(TEST_CARDS.visa);
  await sut.publishStockConfirmed(marker);
  await waitForEvent(marker.orderId);
}

describe('order.stock_confirmed', () => {
  test('When the order is paid with a good card (4242), then one payment succeeded and one payment.succeeded with its fields', async () => {
    const order = await orderPaidWith(TEST_CARDS.visa);

    await sut.publishStockConfirmed(order);
    const message = await waitForEvent(order.orderId);
    const payments = await paymentsOf(order.userId, order.orderId);

    expect(payments).toEqual([
      {
        id: expect.any(String),
        orderId: order.orderId,
        status: 'succeeded',
        amountCents: 3998,
        currency: 'EUR',
        paymentMethodId: order.paymentMethodId,
        createdAt: expect.any(String),
      },
    ]);
    expect(message.routingKey).toBe('payment.succeeded');
    expect(message.properties.deliveryMode).toBe(2);
    expect(message.json).toMatchObject({ id: expect.any(String), type: 'payment.succeeded', version: 1, occurredAt: expect.any(String) });
    expect((message.json as Envelope).payload).toEqual({
      paymentId: payments[0].id,
      orderId: order.orderId,
      userId: order.userId,
      amountCents: 3998,
      currency: 'EUR',
    });
  });

  test.each([
    ['declined (0002)', 'card_declined', TEST_CARDS.declined],
    ['short of funds (9995)', 'insufficient_funds', TEST_CARDS.insufficientFunds],
  ])('When the card is %s, then the payment failed with %s and payment.failed carries it', async (_, reason, cardNumber) => {
    const order = await orderPaidWith(cardNumber);

    await sut.publishStockConfirmed(order);
    const message = await waitForEvent(order.orderId);
    const payments = await paymentsOf(order.userId, order.orderId);

    expect(payments).toEqual([expect.objectContaining({ status: 'failed', failureReason: reason, amountCents: 3998, currency: 'EUR' })]);
    expect(message.routingKey).toBe('payment.failed');
    expect((message.json as Envelope).payload).toEqual({
      paymentId: payments[0].id,
      orderId: order.orderId,
      userId: order.userId,
      reason,
      amountCents: 3998,
      currency: 'EUR',
    });
  });

  test.each([
    ["someone else's", async () => ({ userId: randomUUID(), paymentMethodId: await sut.addCard(randomUUID()) })],
    ['an unknown', async () => ({ userId: randomUUID(), paymentMethodId: randomUUID() })],
    [
      'a deleted',
      async () => {
        const userId = randomUUID();
        const paymentMethodId = await sut.addCard(userId);
        await request(sut.url).delete(`/payments/methods/${paymentMethodId}`).set(asUser(userId)).expect(204);
        return { userId, paymentMethodId };
      },
    ],
  ])('When the order names %s payment method, then the payment failed with invalid_payment_method', async (_, arrange) => {
    const order = buildStockConfirmed(await arrange());

    await sut.publishStockConfirmed(order);
    const message = await waitForEvent(order.orderId);

    expect(message.routingKey).toBe('payment.failed');
    expect((message.json as Envelope).payload.reason).toBe('invalid_payment_method');
    expect(await paymentsOf(order.userId, order.orderId)).toEqual([
      expect.objectContaining({ status: 'failed', failureReason: 'invalid_payment_method' }),
    ]);
  });

  test('When the processor is unavailable on the first two attempts (0119), then the message is retried and the order charged once', async () => {
    const order = await orderPaidWith(TEST_CARDS.unavailableTwice);
    const retriedBefore = await consumed('retried');
    const ackedBefore = await consumed('acked');

    await sut.publishStockConfirmed(order);
    const message = await waitForEvent(order.orderId);
    // The third attempt was acked, so no further one can come; then what it recorded is out.
    await waitFor(async () => (await consumed('acked')) > ackedBefore, { what: 'the last attempt acked' });
    await drainedThroughMarker();

    expect(message.routingKey).toBe('payment.succeeded');
    expect(eventsFor(order.orderId)).toHaveLength(1);
    expect(await paymentsOf(order.userId, order.orderId)).toEqual([expect.objectContaining({ status: 'succeeded' })]);
    expect((await consumed('retried')) - retriedBefore).toBe(2);
  });

  test('When order.stock_confirmed arrives twice with one id and again with another id, then one payment and one event', async () => {
    const order = await orderPaidWith(TEST_CARDS.visa);
    const ackedBefore = await consumed('acked');

    const first = await sut.publishStockConfirmed(order);
    await sut.publish('order.stock_confirmed', first);
    await sut.publishStockConfirmed(order);
    await waitFor(async () => (await consumed('acked')) - ackedBefore >= 3, { what: 'three deliveries acked' });
    await drainedThroughMarker();

    expect(await paymentsOf(order.userId, order.orderId)).toHaveLength(1);
    expect(eventsFor(order.orderId)).toHaveLength(1);
  });

  test('When a poison order.stock_confirmed arrives, then it is parked in the dead queue, nothing is charged, and the consumer keeps going', async () => {
    const dead = await MessageCollector.fromQueue(TEST_BROKER_URL, sut.service.bus.topology.deadQueue);
    setLoggingSilent(true); // dead-lettering logs an error, on purpose here
    try {
      const poisoned = await orderPaidWith(TEST_CARDS.visa);
      await sut.publish('order.stock_confirmed', Buffer.from('{not json'));
      await sut.publishStockConfirmed({ ...poisoned, totalCents: 0 });
      const good = await orderPaidWith(TEST_CARDS.visa);
      await sut.publishStockConfirmed(good);

      await dead.waitForCount(2);
      await waitForEvent(good.orderId);

      expect(dead.messages.map((m) => m.headers['x-error'])).toEqual([
        expect.stringMatching(/not valid JSON/),
        expect.stringMatching(/totalCents/),
      ]);
      expect(await paymentsOf(poisoned.userId, poisoned.orderId)).toEqual([]);
      expect(eventsFor(poisoned.orderId)).toHaveLength(0);
    } finally {
      setLoggingSilent(false);
      await dead.close();
    }
  });
});

describe('order.created', () => {
  test('When order.created arrives, then nothing is charged: the charge waits for order.stock_confirmed', async () => {
    const userId = randomUUID();
    const order = buildOrderCreated({ userId, paymentMethodId: await sut.addCard(userId, TEST_CARDS.visa) });

    await sut.publishEvent('order.created', order);
    // The queue is FIFO: a delivery of order.created would come before the marker's.
    await drainedThroughMarker();

    expect(await paymentsOf(order.userId, order.orderId)).toEqual([]);
    expect(eventsFor(order.orderId)).toHaveLength(0);
    expect(await sut.consumed('order.created', 'acked')).toBe(0);
  });
});

describe('order.stock_confirmed when the processor stays unavailable', () => {
  test('When every attempt finds the processor down, then the message is dead-lettered and no payment or event exists', async () => {
    // One retry only: the 0119 card fails attempts 1 and 2, so the message runs out of attempts.
    const shortRetries = await startPaymentServiceUnderTest({ RETRY_DELAYS_MS: '100' });
    const events = await MessageCollector.bindTo(TEST_BROKER_URL, shortRetries.config.EVENTS_EXCHANGE, ['payment.*']);
    const dead = await MessageCollector.fromQueue(TEST_BROKER_URL, shortRetries.service.bus.topology.deadQueue);
    setLoggingSilent(true); // dead-lettering logs an error, on purpose here
    try {
      const userId = randomUUID();
      const order = buildStockConfirmed({ userId, paymentMethodId: await shortRetries.addCard(userId, TEST_CARDS.unavailableTwice) });

      await shortRetries.publishStockConfirmed(order);
      const [parked] = await dead.waitForCount(1);

      const payments = await request(shortRetries.url).get('/payments').query({ orderId: order.orderId }).set(asUser(userId));
      expect(parked!.headers['x-error']).toMatch(/ProcessorUnavailable/);
      expect(payments.body.items).toEqual([]);
      expect(events.messages).toHaveLength(0);
    } finally {
      setLoggingSilent(false);
      await dead.close();
      await events.close();
      await shortRetries.stop();
    }
  });
});
