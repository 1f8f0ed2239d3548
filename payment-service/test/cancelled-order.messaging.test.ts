import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '@shop/platform/messaging';
import { MessageCollector, TEST_BROKER_URL, waitFor, type CollectedMessage } from '@shop/platform/testing';
import request from 'supertest';
import { asUser, buildOrderCancelled, buildStockConfirmed, startPaymentServiceUnderTest, TEST_CARDS, type PaymentServiceUnderTest } from './harness';

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

const eventsFor = (orderId: string): CollectedMessage[] =>
  published.messages.filter((m) => (m.json as EventEnvelope<Record<string, unknown>>).payload.orderId === orderId);

async function paymentsOf(userId: string, orderId: string) {
  return (await request(sut.url).get('/payments').query({ orderId }).set(asUser(userId)).expect(200)).body.items;
}

async function stockConfirmedOrder() {
  const userId = randomUUID();
  return buildStockConfirmed({ userId, paymentMethodId: await sut.addCard(userId, TEST_CARDS.visa) });
}

/** Waits until `count` more deliveries of the type than `before` were acked. */
async function ackedSince(type: string, before: number, count = 1) {
  await waitFor(async () => (await sut.consumed(type, 'acked')) - before >= count, { what: `${count} ${type} acked` });
}

/** Charges a fresh order and waits for its event: the outbox publishes in commit order, so anything recorded before is out. */
async function drainedThroughMarker(): Promise<void> {
  const marker = await stockConfirmedOrder();
  await sut.publishStockConfirmed(marker);
  await waitFor(() => eventsFor(marker.orderId)[0], { what: 'the marker order charged' });
}

describe('order.cancelled', () => {
  test('When the order is cancelled before its stock is confirmed, then order.stock_confirmed charges nothing and publishes nothing', async () => {
    const order = await stockConfirmedOrder();
    const cancelledBefore = await sut.consumed('order.cancelled', 'acked');
    const confirmedBefore = await sut.consumed('order.stock_confirmed', 'acked');

    await sut.publishEvent('order.cancelled', buildOrderCancelled({ orderId: order.orderId, userId: order.userId }));
    await ackedSince('order.cancelled', cancelledBefore);
    await sut.publishStockConfirmed(order);
    await ackedSince('order.stock_confirmed', confirmedBefore);
    await drainedThroughMarker();

    expect(await paymentsOf(order.userId, order.orderId)).toEqual([]);
    expect(eventsFor(order.orderId)).toHaveLength(0);
  });

  test('When order.cancelled is redelivered and sent again under another id, then each is acked and the order still is not charged', async () => {
    const order = await stockConfirmedOrder();
    const cancelledBefore = await sut.consumed('order.cancelled', 'acked');
    const confirmedBefore = await sut.consumed('order.stock_confirmed', 'acked');

    const first = await sut.publishEvent('order.cancelled', buildOrderCancelled({ orderId: order.orderId }));
    await sut.publish('order.cancelled', first);
    await sut.publishEvent('order.cancelled', buildOrderCancelled({ orderId: order.orderId }));
    await ackedSince('order.cancelled', cancelledBefore, 3);
    await sut.publishStockConfirmed(order);
    await ackedSince('order.stock_confirmed', confirmedBefore);
    await drainedThroughMarker();

    expect(await sut.consumed('order.cancelled', 'dead-lettered')).toBe(0);
    expect(await paymentsOf(order.userId, order.orderId)).toEqual([]);
  });

  test('When another order is cancelled, then this order is charged as usual', async () => {
    const order = await stockConfirmedOrder();
    const cancelledBefore = await sut.consumed('order.cancelled', 'acked');

    await sut.publishEvent('order.cancelled', buildOrderCancelled());
    await ackedSince('order.cancelled', cancelledBefore);
    await sut.publishStockConfirmed(order);
    const message = await waitFor(() => eventsFor(order.orderId)[0], { what: 'the order charged' });

    expect(message!.routingKey).toBe('payment.succeeded');
    expect(await paymentsOf(order.userId, order.orderId)).toEqual([expect.objectContaining({ status: 'succeeded' })]);
  });
});
