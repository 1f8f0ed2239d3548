import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { asUser, buildOrder, startOrderServiceUnderTest, type OrderServiceUnderTest } from './harness';

let sut: OrderServiceUnderTest;
beforeAll(async () => {
  sut = await startOrderServiceUnderTest();
});
afterAll(() => sut.stop());

describe('POST /orders', () => {
  test('When a known user orders, then 201 PENDING with the total computed by the server', async () => {
    const userId = sut.users.addUser();

    const res = await request(sut.url).post('/orders').set(asUser(userId)).send(buildOrder());

    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      status: 'PENDING',
      items: buildOrder().items,
      totalCents: 2 * 1999 + 500,
      currency: 'EUR',
      paymentMethodId: buildOrder().paymentMethodId,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
  });

  test.each([
    ['totalCents', { totalCents: 1 }],
    ['userId', { userId: randomUUID() }],
    ['status', { status: 'PAID' }],
  ])('When the body tries to set %s, then 400 and no order is created', async (field, extra) => {
    const userId = sut.users.addUser();

    const res = await request(sut.url).post('/orders').set(asUser(userId)).send(buildOrder(extra));
    const list = await request(sut.url).get('/orders').set(asUser(userId));

    expect(res.status).toBe(400);
    expect(res.body.details.fields.map((f: { path: string }) => f.path)).toContain(field);
    expect(list.body.items).toEqual([]);
  });

  const line = { sku: 'A', name: 'A', quantity: 1, unitPriceCents: 100 };
  test.each([
    ['items', { items: [] }],
    ['items', { items: Array.from({ length: 51 }, () => line) }],
    ['items.0.quantity', { items: [{ ...line, quantity: 0 }] }],
    ['items.0.quantity', { items: [{ ...line, quantity: 1.5 }] }],
    ['items.0.unitPriceCents', { items: [{ ...line, unitPriceCents: -1 }] }],
    ['items.0.unitPriceCents', { items: [{ ...line, unitPriceCents: 9.99 }] }],
    ['currency', { currency: 'euro' }],
    ['paymentMethodId', { paymentMethodId: 'card-1' }],
  ])('When %s is invalid, then 400 naming it', async (field, override) => {
    const res = await request(sut.url).post('/orders').set(asUser(sut.users.addUser())).send(buildOrder(override));

    expect(res.status).toBe(400);
    expect(res.body.details.fields.map((f: { path: string }) => f.path)).toContain(field);
  });

  test('When the total would exceed the maximum, then 422', async () => {
    const items = [{ sku: 'GOLD', name: 'Gold bar', quantity: 1000, unitPriceCents: 100_000_000 }];

    const res = await request(sut.url).post('/orders').set(asUser(sut.users.addUser())).send(buildOrder({ items }));

    expect(res.status).toBe(422);
    expect(res.body.code).toBe('order-total-too-large');
  });

  test('When user-service does not know the user, then 422 and no order', async () => {
    const ghost = randomUUID();

    const res = await request(sut.url).post('/orders').set(asUser(ghost)).send(buildOrder());
    const list = await request(sut.url).get('/orders').set(asUser(ghost));

    expect(res.status).toBe(422);
    expect(res.body.code).toBe('unknown-customer');
    expect(list.body.items).toEqual([]);
  });

  test('When no identity is forwarded, then 401', async () => {
    const res = await request(sut.url).post('/orders').send(buildOrder());

    expect(res.status).toBe(401);
  });
});

describe('Idempotency-Key', () => {
  test('When the same key and body are sent again, then the first response is replayed and one order exists', async () => {
    const userId = sut.users.addUser();
    const key = randomUUID();

    const first = await request(sut.url).post('/orders').set(asUser(userId)).set('Idempotency-Key', key).send(buildOrder());
    const second = await request(sut.url).post('/orders').set(asUser(userId)).set('Idempotency-Key', key).send(buildOrder());
    const list = await request(sut.url).get('/orders').set(asUser(userId));

    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(list.body.items.map((o: { id: string }) => o.id)).toEqual([first.body.id]);
  });

  test('When the same key comes with another body, then 422 and nothing new is created', async () => {
    const userId = sut.users.addUser();
    const key = randomUUID();
    await request(sut.url).post('/orders').set(asUser(userId)).set('Idempotency-Key', key).send(buildOrder()).expect(201);

    const res = await request(sut.url).post('/orders').set(asUser(userId)).set('Idempotency-Key', key).send(buildOrder({ currency: 'USD' }));
    const list = await request(sut.url).get('/orders').set(asUser(userId));

    expect(res.status).toBe(422);
    expect(res.body.code).toBe('idempotency-key-reused');
    expect(list.body.items).toHaveLength(1);
  });

  test('When two users use the same key, then each gets their own order', async () => {
    const [alice, bob] = [sut.users.addUser(), sut.users.addUser()];
    const key = randomUUID();

    const a = await request(sut.url).post('/orders').set(asUser(alice)).set('Idempotency-Key', key).send(buildOrder());
    const b = await request(sut.url).post('/orders').set(asUser(bob)).set('Idempotency-Key', key).send(buildOrder());

    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body.id).not.toBe(b.body.id);
  });

  test('When the same key is sent concurrently, then exactly one order is created and both get it', async () => {
    const userId = sut.users.addUser();
    const key = randomUUID();

    const responses = await Promise.all(
      Array.from({ length: 5 }, () => request(sut.url).post('/orders').set(asUser(userId)).set('Idempotency-Key', key).send(buildOrder())),
    );
    const list = await request(sut.url).get('/orders').set(asUser(userId));

    expect(responses.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
    expect(list.body.items).toHaveLength(1);
  });
});
