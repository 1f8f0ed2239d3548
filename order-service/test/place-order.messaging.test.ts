import { randomUUID } from 'node:crypto';
import { createEnvelope, type EventEnvelope } from '@shop/platform/messaging';
import { MessageCollector, TcpProxy, TEST_BROKER_URL, waitFor } from '@shop/platform/testing';
import { connect } from 'amqplib';
import request from 'supertest';
import { asUser, buildOrder, MUG, startOrderServiceUnderTest, type OrderServiceUnderTest } from './harness';
import { consumed, inInbox } from './messaging-probes';

let sut: OrderServiceUnderTest;
let published: MessageCollector;

beforeAll(async () => {
  sut = await startOrderServiceUnderTest();
  published = await MessageCollector.bindTo(TEST_BROKER_URL, sut.config.EVENTS_EXCHANGE, ['order.*']);
});
afterAll(async () => {
  await published.close();
  await sut.stop();
});

/** Publishes raw content to the test exchange, as payment-service would. */
async function publishRaw(routingKey: string, content: Buffer | EventEnvelope, exchange = sut.config.EVENTS_EXCHANGE): Promise<void> {
  const connection = await connect(TEST_BROKER_URL);
  const channel = await connection.createConfirmChannel();
  const body = Buffer.isBuffer(content) ? content : Buffer.from(JSON.stringify(content));
  channel.publish(exchange, routingKey, body, { persistent: true, contentType: 'application/json' });
  await channel.waitForConfirms();
  await connection.close();
}

const eventsOf = (type: string, orderId: string) =>
  published.messages.filter((m) => m.routingKey === type && (m.json as EventEnvelope<{ orderId: string }>).payload.orderId === orderId);

async function placeOrder(): Promise<{ id: string; userId: string }> {
  const userId = sut.users.addUser();
  const res = await request(sut.url).post('/orders').set(asUser(userId)).send(buildOrder()).expect(201);
  return { id: res.body.id, userId };
}

async function statusOf(order: { id: string; userId: string }): Promise<string> {
  return (await request(sut.url).get(`/orders/${order.id}`).set(asUser(order.userId))).body.status;
}

/** Reports the order's stock reserved, as catalog-service would, and waits for its order.stock_confirmed on the broker. */
async function reserveStock(order: { id: string }, target: OrderServiceUnderTest = sut): Promise<void> {
  const event = createEnvelope('stock.reserved', 1, { orderId: order.id, items: [] });
  await publishRaw('stock.reserved', event, target.config.EVENTS_EXCHANGE);
  if (target === sut) await waitFor(() => eventsOf('order.stock_confirmed', order.id).length === 1, { what: 'order.stock_confirmed' });
  else await waitFor(() => inInbox(target, event.id), { what: 'stock.reserved handled' });
}

/**
 * Sends a payment result for a fresh, reserved order through the whole pipeline and waits for
 * its order.paid on the broker. The outbox publishes in commit order, so any event recorded by a
 * message the consumer settled before this call has reached the collector by the time it returns.
 */
async function drainedThroughMarker(): Promise<void> {
  const marker = await placeOrder();
  await reserveStock(marker);
  await publishRaw('payment.succeeded', createEnvelope('payment.succeeded', 1, { orderId: marker.id, paymentId: randomUUID() }));
  await waitFor(() => eventsOf('order.paid', marker.id).length === 1, { what: "the marker order's order.paid" });
}

describe('order.created', () => {
  // Trace continuity needs the OpenTelemetry http instrumentation, which cannot hook jest's
  // module loader: the end-to-end test checks it on real processes.
  test('When an order is placed, then order.created is on the broker with the customer', async () => {
    const userId = sut.users.addUser({ name: 'Katherine Johnson' });

    const res = await request(sut.url).post('/orders').set(asUser(userId)).send(buildOrder());
    const messages = await waitFor(() => (eventsOf('order.created', res.body.id).length ? eventsOf('order.created', res.body.id) : undefined));

    expect(messages).toHaveLength(1);
    const message = messages![0];
    const envelope = message!.json as EventEnvelope<Record<string, unknown>>;
    expect(envelope).toMatchObject({ id: expect.any(String), type: 'order.created', version: 1, occurredAt: expect.any(String) });
    expect(envelope.payload).toEqual({
      orderId: res.body.id,
      userId,
      customer: { email: sut.users.userOf(userId)!.email, name: 'Katherine Johnson' },
      paymentMethodId: buildOrder().paymentMethodId,
      items: res.body.items,
      totalCents: 4498,
      currency: 'EUR',
    });
    expect(message!.properties.deliveryMode).toBe(2);
  });
});

describe('stock results', () => {
  test('When stock.reserved arrives twice and again under another id, then order.stock_confirmed is published exactly once', async () => {
    const order = await placeOrder();
    const event = createEnvelope('stock.reserved', 1, { orderId: order.id, items: [{ productId: randomUUID(), quantity: 2 }] });
    const ackedBefore = await consumed(sut, 'stock.reserved');

    await publishRaw('stock.reserved', event);
    await publishRaw('stock.reserved', event);
    await publishRaw('stock.reserved', createEnvelope('stock.reserved', 1, event.payload));
    await waitFor(async () => (await consumed(sut, 'stock.reserved')) - ackedBefore >= 3, { what: 'all three copies acked' });
    await drainedThroughMarker();

    expect(await statusOf(order)).toBe('PENDING');
    expect(eventsOf('order.stock_confirmed', order.id).map((m) => (m.json as EventEnvelope).payload)).toEqual([
      { orderId: order.id, userId: order.userId, paymentMethodId: buildOrder().paymentMethodId, totalCents: 4498, currency: 'EUR' },
    ]);
  });

  test('When stock.rejected arrives, then the order is REJECTED with the unavailable items and order.rejected is published', async () => {
    const order = await placeOrder();
    const unavailable = [{ productId: MUG.productId, requested: 1, available: 0 }];

    await publishRaw('stock.rejected', createEnvelope('stock.rejected', 1, { orderId: order.id, unavailable }));
    await waitFor(() => eventsOf('order.rejected', order.id).length === 1, { what: 'order.rejected' });

    const named = [{ productId: MUG.productId, sku: MUG.sku, name: MUG.name, requested: 1, available: 0 }];
    const res = await request(sut.url).get(`/orders/${order.id}`).set(asUser(order.userId));
    expect(res.body).toMatchObject({ status: 'REJECTED', statusReason: 'out_of_stock', unavailableItems: named });
    expect((eventsOf('order.rejected', order.id)[0]!.json as EventEnvelope).payload).toMatchObject({ reason: 'out_of_stock', unavailable: named, totalCents: 4498 });
  });

  test('When stock.reserved arrives for a cancelled order, then it stays CANCELLED and nothing asks for payment', async () => {
    const order = await placeOrder();
    await request(sut.url).post(`/orders/${order.id}/cancel`).set(asUser(order.userId)).expect(200);
    const event = createEnvelope('stock.reserved', 1, { orderId: order.id, items: [] });

    await publishRaw('stock.reserved', event);
    await waitFor(() => inInbox(sut, event.id), { what: 'stock.reserved for the cancelled order handled' });
    await drainedThroughMarker();

    expect(await statusOf(order)).toBe('CANCELLED');
    expect(eventsOf('order.stock_confirmed', order.id)).toEqual([]);
    expect(eventsOf('order.cancelled', order.id)).toHaveLength(1);
  });
});

describe('a cancel racing payment.succeeded', () => {
  test('When the customer cancels while the payment result arrives, 30 orders at once, then each ends CANCELLED with exactly one refund request', async () => {
    const orders = await Promise.all(Array.from({ length: 30 }, () => placeOrder()));
    await Promise.all(orders.map((order) => reserveStock(order)));
    const payments = orders.map((order) => createEnvelope('payment.succeeded', 1, { orderId: order.id, paymentId: randomUUID() }));

    const cancels = await Promise.all(
      orders.map(async (order, i) => {
        const [res] = await Promise.all([request(sut.url).post(`/orders/${order.id}/cancel`).set(asUser(order.userId)), publishRaw('payment.succeeded', payments[i]!)]);
        return res;
      }),
    );
    await waitFor(async () => (await Promise.all(payments.map((p) => inInbox(sut, p.id)))).every(Boolean), { what: 'every payment result handled' });
    await drainedThroughMarker();

    expect(cancels.map((res) => res.status)).toEqual(orders.map(() => 200));
    for (const [i, order] of orders.entries()) {
      expect(await statusOf(order)).toBe('CANCELLED');
      const refunds = eventsOf('order.refund_requested', order.id).map((m) => (m.json as EventEnvelope<{ paymentId: string }>).payload.paymentId);
      expect(refunds).toEqual([payments[i]!.payload.paymentId]);
      const previous = eventsOf('order.cancelled', order.id).map((m) => (m.json as EventEnvelope<{ previousStatus: string }>).payload.previousStatus);
      expect(previous).toEqual([eventsOf('order.paid', order.id).length ? 'PAID' : 'PENDING']);
      expect(eventsOf('order.stock_confirmed', order.id)).toHaveLength(1);
    }
  });
});

describe('payment results', () => {
  test('When payment.succeeded arrives twice (same message), then the order is PAID once and order.paid published once', async () => {
    const order = await placeOrder();
    await reserveStock(order);
    const event = createEnvelope('payment.succeeded', 1, { orderId: order.id, paymentId: randomUUID(), userId: order.userId, amountCents: 4498, currency: 'EUR' });
    const ackedBefore = await consumed(sut, 'payment.succeeded');

    await publishRaw('payment.succeeded', event);
    await publishRaw('payment.succeeded', event);
    await waitFor(async () => (await statusOf(order)) === 'PAID', { what: 'order PAID' });
    // Both copies settled, then everything they recorded is on the broker.
    await waitFor(async () => (await consumed(sut, 'payment.succeeded')) - ackedBefore >= 2, { what: 'both copies acked' });
    await drainedThroughMarker();

    expect(eventsOf('order.paid', order.id)).toHaveLength(1);
    expect((eventsOf('order.paid', order.id)[0]!.json as EventEnvelope<{ paymentId: string }>).payload.paymentId).toBe(event.payload.paymentId);
  });

  test('When payment.failed arrives, then the order is PAYMENT_FAILED with the reason and order.payment_failed is published', async () => {
    const order = await placeOrder();
    await reserveStock(order);

    await publishRaw('payment.failed', createEnvelope('payment.failed', 1, { orderId: order.id, userId: order.userId, reason: 'card_declined' }));
    await waitFor(() => eventsOf('order.payment_failed', order.id).length === 1, { what: 'order.payment_failed' });

    const res = await request(sut.url).get(`/orders/${order.id}`).set(asUser(order.userId));
    expect(res.body).toMatchObject({ status: 'PAYMENT_FAILED', failureReason: 'card_declined' });
    expect((eventsOf('order.payment_failed', order.id)[0]!.json as EventEnvelope<{ reason: string }>).payload.reason).toBe('card_declined');
  });

  test('When payment.succeeded arrives (twice) for a cancelled order, then it stays CANCELLED and order.refund_requested is published once', async () => {
    const order = await placeOrder();
    await reserveStock(order);
    await request(sut.url).post(`/orders/${order.id}/cancel`).set(asUser(order.userId)).expect(200);
    const event = createEnvelope('payment.succeeded', 1, { orderId: order.id, paymentId: randomUUID() });
    const ackedBefore = await consumed(sut, 'payment.succeeded');

    await publishRaw('payment.succeeded', event);
    await publishRaw('payment.succeeded', event);
    // The consumer decided about this very message (its id is in the inbox) and acked both copies...
    await waitFor(async () => (await inInbox(sut, event.id)) && (await consumed(sut, 'payment.succeeded')) - ackedBefore >= 2, {
      what: 'both copies of the result for the cancelled order to be handled and acked',
    });
    // ...and whatever it recorded is on the broker ahead of a later order's order.paid.
    await drainedThroughMarker();

    expect(await statusOf(order)).toBe('CANCELLED');
    expect(eventsOf('order.paid', order.id)).toHaveLength(0);
    expect(eventsOf('order.refund_requested', order.id).map((m) => (m.json as EventEnvelope).payload)).toEqual([
      { orderId: order.id, userId: order.userId, paymentId: event.payload.paymentId, amountCents: 4498, currency: 'EUR' },
    ]);
  });

  test('When payment.refunded arrives, then the order shows refundedAt and order.refunded is published once', async () => {
    const order = await placeOrder();
    await reserveStock(order);
    const paymentId = randomUUID();
    await publishRaw('payment.succeeded', createEnvelope('payment.succeeded', 1, { orderId: order.id, paymentId }));
    await waitFor(async () => (await statusOf(order)) === 'PAID', { what: 'order PAID' });
    await request(sut.url).post(`/orders/${order.id}/cancel`).set(asUser(order.userId)).expect(200);
    const refund = createEnvelope('payment.refunded', 1, { paymentId, orderId: order.id, userId: order.userId, amountCents: 4498, currency: 'EUR', refundedAt: '2026-12-05T10:00:00.000Z' });

    const ackedBefore = await consumed(sut, 'payment.refunded');

    await publishRaw('payment.refunded', refund);
    await publishRaw('payment.refunded', refund);
    await waitFor(() => eventsOf('order.refunded', order.id).length === 1, { what: 'order.refunded' });
    await waitFor(async () => (await consumed(sut, 'payment.refunded')) - ackedBefore >= 2, { what: 'both copies acked' });
    await drainedThroughMarker();

    const res = await request(sut.url).get(`/orders/${order.id}`).set(asUser(order.userId));
    expect(res.body).toMatchObject({ status: 'CANCELLED', refundedAt: '2026-12-05T10:00:00.000Z' });
    expect(eventsOf('order.refunded', order.id)).toHaveLength(1);
    expect((eventsOf('order.refunded', order.id)[0]!.json as EventEnvelope).payload).toMatchObject({ orderId: order.id, paymentId, totalCents: 4498, currency: 'EUR' });
    expect(eventsOf('order.refund_requested', order.id)).toHaveLength(1);
  });

  test('When a poison message arrives, then it is parked in the dead queue and the consumer keeps going', async () => {
    const dead = await MessageCollector.fromQueue(TEST_BROKER_URL, sut.service.bus.topology.deadQueue);
    try {
      await publishRaw('payment.succeeded', Buffer.from('{not json'));
      await publishRaw('payment.failed', createEnvelope('payment.failed', 1, { orderId: 'not-a-uuid', reason: '' }));
      const order = await placeOrder();
      await reserveStock(order);
      await publishRaw('payment.succeeded', createEnvelope('payment.succeeded', 1, { orderId: order.id, paymentId: randomUUID() }));

      await dead.waitForCount(2);
      await waitFor(async () => (await statusOf(order)) === 'PAID', { what: 'order PAID after the poison' });
      expect(dead.messages.map((m) => m.headers['x-error'])).toEqual([expect.any(String), expect.any(String)]);
    } finally {
      await dead.close();
    }
  });
});

describe('retries', () => {
  test('When the database is unreachable while a payment result is handled, then it is retried and applied once it returns', async () => {
    // A second order-service whose database connection goes through a proxy the test cuts.
    const postgres = new TcpProxy(5432);
    await postgres.start();
    const flaky = await startOrderServiceUnderTest({ RETRY_DELAYS_MS: '300,600,1200' }, { databasePort: postgres.port });
    try {
      const userId = flaky.users.addUser();
      const placed = await request(flaky.url).post('/orders').set(asUser(userId)).send(buildOrder()).expect(201);
      await reserveStock(placed.body, flaky);
      await postgres.cut();
      const retriedBefore = await consumed(flaky, 'payment.succeeded', 'retried');

      const event = createEnvelope('payment.succeeded', 1, { orderId: placed.body.id, paymentId: randomUUID() });
      await publishRaw('payment.succeeded', event, flaky.config.EVENTS_EXCHANGE);
      // At least one attempt failed against the cut database and went to a retry queue.
      await waitFor(async () => (await consumed(flaky, 'payment.succeeded', 'retried')) > retriedBefore, {
        timeoutMs: 10_000,
        what: 'an attempt to fail while the database is cut',
      });
      await postgres.restore();

      await waitFor(
        async () => (await request(flaky.url).get(`/orders/${placed.body.id}`).set(asUser(userId))).body.status === 'PAID',
        { timeoutMs: 10_000, what: 'order PAID after retries' },
      );
      const metrics = await request(flaky.url).get('/metrics');
      expect(metrics.text).toMatch(/messaging_messages_consumed_total\{[^}]*outcome="retried"[^}]*\} [1-9]/);
    } finally {
      await flaky.stop();
      await postgres.stop();
    }
  });
});
