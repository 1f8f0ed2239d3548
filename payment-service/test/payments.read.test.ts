import { randomUUID } from 'node:crypto';
import { waitFor } from '@shop/platform/testing';
import request from 'supertest';
import { asUser, buildStockConfirmed, startPaymentServiceUnderTest, TEST_CARDS, type PaymentServiceUnderTest } from './harness';

let sut: PaymentServiceUnderTest;
beforeAll(async () => {
  sut = await startPaymentServiceUnderTest();
});
afterAll(() => sut.stop());

/** Has an order of a new customer charged through order.stock_confirmed and returns ids. */
async function chargedOrder(cardNumber: string = TEST_CARDS.visa) {
  const userId = randomUUID();
  const order = buildStockConfirmed({ userId, paymentMethodId: await sut.addCard(userId, cardNumber) });
  await sut.publishStockConfirmed(order);
  const items = await waitFor(
    async () => {
      const res = await request(sut.url).get('/payments').query({ orderId: order.orderId }).set(asUser(userId));
      return res.body.items?.length ? res.body.items : undefined;
    },
    { what: `a payment for order ${order.orderId}` },
  );
  return { userId, orderId: order.orderId, paymentId: items[0].id as string };
}

describe('GET /payments/:id', () => {
  test('When the owner reads the payment, then 200 with its fields and no card data; anyone else gets 404', async () => {
    const { userId, orderId, paymentId } = await chargedOrder();

    const own = await request(sut.url).get(`/payments/${paymentId}`).set(asUser(userId));
    const other = await request(sut.url).get(`/payments/${paymentId}`).set(asUser(randomUUID()));

    expect(own.status).toBe(200);
    expect(own.body).toEqual({
      id: paymentId,
      orderId,
      status: 'succeeded',
      amountCents: 3998,
      currency: 'EUR',
      paymentMethodId: expect.any(String),
      createdAt: expect.any(String),
    });
    expect(own.text).not.toMatch(/pm_tok_|ch_sim_|4242/);
    expect(other.status).toBe(404);
    expect(other.body.code).toBe('payment-not-found');
  });

  test('When the payment failed, then failureReason is given', async () => {
    const { userId, paymentId } = await chargedOrder(TEST_CARDS.declined);

    const res = await request(sut.url).get(`/payments/${paymentId}`).set(asUser(userId));

    expect(res.body).toMatchObject({ status: 'failed', failureReason: 'card_declined' });
  });

  test('When the id is malformed, then 400; unknown, then 404', async () => {
    const userId = randomUUID();

    const malformed = await request(sut.url).get('/payments/123').set(asUser(userId));
    const unknown = await request(sut.url).get(`/payments/${randomUUID()}`).set(asUser(userId));

    expect(malformed.status).toBe(400);
    expect(unknown.status).toBe(404);
  });
});

describe('GET /payments?orderId=', () => {
  // Semantics: we know payments, not orders. Someone else's order, an unknown order and an
  // order not charged yet all answer 200 with no items, so, like the 404 above, the answer
  // never tells another user that a payment exists.
  test("When the owner asks, then the order's payment is listed; anyone else gets an empty list", async () => {
    const { userId, orderId, paymentId } = await chargedOrder();

    const own = await request(sut.url).get('/payments').query({ orderId }).set(asUser(userId));
    const other = await request(sut.url).get('/payments').query({ orderId }).set(asUser(randomUUID()));
    const unknown = await request(sut.url).get('/payments').query({ orderId: randomUUID() }).set(asUser(userId));

    expect(own.status).toBe(200);
    expect(own.body.items.map((p: { id: string }) => p.id)).toEqual([paymentId]);
    expect(other.status).toBe(200);
    expect(other.body).toEqual({ items: [] });
    expect(unknown.body).toEqual({ items: [] });
  });

  test.each([[{}], [{ orderId: 'order-1' }]])('When orderId is missing or malformed (%j), then 400 naming it', async (query) => {
    const res = await request(sut.url).get('/payments').query(query).set(asUser(randomUUID()));

    expect(res.status).toBe(400);
    expect(res.body.details.fields.map((f: { path: string }) => f.path)).toContain('orderId');
  });
});
