import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '@shop/platform/messaging';
import { MessageCollector, TEST_BROKER_URL, waitFor } from '@shop/platform/testing';
import request from 'supertest';
import { asUser, buildStockConfirmed, startPaymentServiceUnderTest, type PaymentServiceUnderTest } from './harness';

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

async function userDeleted(userId: string): Promise<EventEnvelope> {
  const before = await sut.consumed('user.deleted', 'acked');
  const envelope = await sut.publishEvent('user.deleted', { userId, deletedAt: new Date().toISOString() });
  await waitFor(async () => (await sut.consumed('user.deleted', 'acked')) > before, { what: 'user.deleted acked' });
  return envelope;
}

/** What the table holds of a user's cards, deleted ones included. */
const cardsOf = (userId: string) =>
  sut.db.paymentMethod.findMany({ where: { userId }, select: { holderName: true, deletedAt: true } });

async function paidOrder(userId: string) {
  const order = buildStockConfirmed({ userId, paymentMethodId: await sut.addCard(userId) });
  await sut.publishStockConfirmed(order);
  await waitFor(() => published.messages.find((m) => (m.json as Envelope).payload.orderId === order.orderId), { what: 'the order charged' });
  return order;
}

describe('user.deleted', () => {
  test('When a user with a card and a payment is deleted, then the card is gone without its holder name, the payment stays, and another user is untouched', async () => {
    const userId = randomUUID();
    const otherId = randomUUID();
    const order = await paidOrder(userId);
    await sut.addCard(otherId);

    await userDeleted(userId);

    expect(await cardsOf(userId)).toEqual([{ holderName: null, deletedAt: expect.any(Date) }]);
    expect((await request(sut.url).get('/payments/methods').set(asUser(userId)).expect(200)).body.items).toEqual([]);
    expect((await request(sut.url).get('/payments').query({ orderId: order.orderId }).set(asUser(userId)).expect(200)).body.items).toEqual([
      expect.objectContaining({ status: 'succeeded', amountCents: 3998 }),
    ]);
    expect(await cardsOf(otherId)).toEqual([{ holderName: 'Ada Lovelace', deletedAt: null }]);
  });

  test('When a later order of the deleted user names its card, then the payment fails with invalid_payment_method', async () => {
    const userId = randomUUID();
    const paymentMethodId = await sut.addCard(userId);
    await userDeleted(userId);

    const order = buildStockConfirmed({ userId, paymentMethodId });
    await sut.publishStockConfirmed(order);
    const message = await waitFor(() => published.messages.find((m) => (m.json as Envelope).payload.orderId === order.orderId), { what: 'the order charged' });

    expect(message!.routingKey).toBe('payment.failed');
    expect((message!.json as Envelope).payload.reason).toBe('invalid_payment_method');
  });

  test('When user.deleted is redelivered, or names a user without any card, then each is acked and nothing changes', async () => {
    const userId = randomUUID();
    await sut.addCard(userId);
    const first = await userDeleted(userId);
    const [erased] = await cardsOf(userId);

    const before = await sut.consumed('user.deleted', 'acked');
    await sut.publish('user.deleted', first);
    await waitFor(async () => (await sut.consumed('user.deleted', 'acked')) > before, { what: 'the redelivery acked' });
    await userDeleted(randomUUID());

    expect(await cardsOf(userId)).toEqual([erased]);
    expect(await sut.consumed('user.deleted', 'dead-lettered')).toBe(0);
  });
});
