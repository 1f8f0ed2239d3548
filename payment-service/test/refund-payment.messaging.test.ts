import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '@shop/platform/messaging';
import { MessageCollector, TEST_BROKER_URL, waitFor, type CollectedMessage } from '@shop/platform/testing';
import request from 'supertest';
import { asUser, buildRefundRequested, buildStockConfirmed, startPaymentServiceUnderTest, TEST_CARDS, type PaymentServiceUnderTest } from './harness';

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

const eventsFor = (orderId: string, type: string): CollectedMessage[] =>
  published.messages.filter((m) => m.routingKey === type && (m.json as Envelope).payload.orderId === orderId);

/** An order charged through order.stock_confirmed with the card; waits for its payment event. */
async function chargedOrder(cardNumber: string = TEST_CARDS.visa) {
  const userId = randomUUID();
  const order = buildStockConfirmed({ userId, paymentMethodId: await sut.addCard(userId, cardNumber) });
  await sut.publishStockConfirmed(order);
  const message = await waitFor(() => published.messages.find((m) => (m.json as Envelope).payload.orderId === order.orderId), {
    what: `the charge of order ${order.orderId}`,
  });
  const paymentId = (message!.json as Envelope).payload.paymentId as string;
  return { userId, orderId: order.orderId, paymentId, refund: buildRefundRequested({ orderId: order.orderId, userId, paymentId }) };
}

/** Charges a fresh order and waits for its event: the outbox publishes in commit order, so anything recorded before is out. */
async function drainedThroughMarker(): Promise<void> {
  await chargedOrder();
}

async function ackedSince(before: number, count: number) {
  await waitFor(async () => (await sut.consumed('order.refund_requested', 'acked')) - before >= count, { what: `${count} refund requests acked` });
}

describe('order.refund_requested', () => {
  test('When a succeeded payment is refunded, then the API shows it refunded with refundedAt, and one payment.refunded carries its fields', async () => {
    const { userId, orderId, paymentId, refund } = await chargedOrder();

    await sut.publishEvent('order.refund_requested', refund);
    const message = await waitFor(() => eventsFor(orderId, 'payment.refunded')[0], { what: 'payment.refunded' });
    const one = await request(sut.url).get(`/payments/${paymentId}`).set(asUser(userId));
    const list = await request(sut.url).get('/payments').query({ orderId }).set(asUser(userId));

    const payload = (message!.json as Envelope).payload;
    expect(message!.json).toMatchObject({ type: 'payment.refunded', version: 1 });
    expect(payload).toEqual({ paymentId, orderId, userId, amountCents: 3998, currency: 'EUR', refundedAt: expect.any(String) });
    expect(one.status).toBe(200);
    expect(one.body).toEqual({
      id: paymentId,
      orderId,
      status: 'refunded',
      amountCents: 3998,
      currency: 'EUR',
      paymentMethodId: expect.any(String),
      createdAt: expect.any(String),
      refundedAt: payload.refundedAt,
    });
    expect(Date.parse(one.body.refundedAt)).toBeGreaterThanOrEqual(Date.parse(one.body.createdAt));
    expect(list.body.items).toEqual([one.body]);
    expect(one.text).not.toMatch(/re_sim_|ch_sim_/);
  });

  test('When the request is redelivered and sent again under another id, then one refund and one payment.refunded', async () => {
    const { userId, orderId, paymentId, refund } = await chargedOrder();
    const ackedBefore = await sut.consumed('order.refund_requested', 'acked');

    const first = await sut.publishEvent('order.refund_requested', refund);
    await sut.publish('order.refund_requested', first);
    await sut.publishEvent('order.refund_requested', refund);
    await ackedSince(ackedBefore, 3);
    await drainedThroughMarker();

    expect(eventsFor(orderId, 'payment.refunded')).toHaveLength(1);
    const res = await request(sut.url).get(`/payments/${paymentId}`).set(asUser(userId));
    expect(res.body).toMatchObject({ status: 'refunded', refundedAt: (eventsFor(orderId, 'payment.refunded')[0]!.json as Envelope).payload.refundedAt });
  });

  test('When the payment failed, then nothing is refunded or published and the request is settled', async () => {
    const { userId, orderId, paymentId, refund } = await chargedOrder(TEST_CARDS.declined);
    const ackedBefore = await sut.consumed('order.refund_requested', 'acked');

    await sut.publishEvent('order.refund_requested', refund);
    await ackedSince(ackedBefore, 1);
    await drainedThroughMarker();

    const res = await request(sut.url).get(`/payments/${paymentId}`).set(asUser(userId));
    expect(res.body.status).toBe('failed');
    expect(res.body).not.toHaveProperty('refundedAt');
    expect(eventsFor(orderId, 'payment.refunded')).toHaveLength(0);
  });

  test('When the payment is unknown, then the request is acked and nothing is published', async () => {
    const refund = buildRefundRequested();
    const ackedBefore = await sut.consumed('order.refund_requested', 'acked');

    await sut.publishEvent('order.refund_requested', refund);
    await ackedSince(ackedBefore, 1);
    await drainedThroughMarker();

    expect(eventsFor(refund.orderId, 'payment.refunded')).toHaveLength(0);
    expect(await sut.consumed('order.refund_requested', 'dead-lettered')).toBe(0);
  });
});
