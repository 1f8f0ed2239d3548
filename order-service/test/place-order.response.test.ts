import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createEnvelope } from '@shop/platform/messaging';
import { waitFor } from '@shop/platform/testing';
import { asUser, BOOK, buildOrder, MUG, startOrderServiceUnderTest, type OrderServiceUnderTest } from './harness';
import { buildProduct } from './stub-catalog-service';

let sut: OrderServiceUnderTest;
beforeAll(async () => {
  sut = await startOrderServiceUnderTest();
});
afterAll(() => sut.stop());

describe('POST /orders', () => {
  test('When a known user orders catalog products, then 201 PENDING priced by the server from the catalog', async () => {
    const userId = sut.users.addUser();

    const res = await request(sut.url).post('/orders').set(asUser(userId)).send(buildOrder());

    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      status: 'PENDING',
      items: [
        { productId: BOOK.productId, sku: 'BOOK-1', name: BOOK.name, quantity: 2, unitPriceCents: 1999 },
        { productId: MUG.productId, sku: 'MUG-7', name: 'Mug', quantity: 1, unitPriceCents: 500 },
      ],
      totalCents: 2 * 1999 + 500,
      currency: 'EUR',
      paymentMethodId: buildOrder().paymentMethodId,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
  });

  test.each([
    ['totalCents', { totalCents: 1 }],
    ['currency', { currency: 'EUR' }],
    ['userId', { userId: randomUUID() }],
    ['status', { status: 'PAID' }],
    ['items.0.unitPriceCents', { items: [{ productId: BOOK.productId, quantity: 1, unitPriceCents: 1 }] }],
    ['items.0.name', { items: [{ productId: BOOK.productId, quantity: 1, name: 'Gold bar' }] }],
    ['items.0.sku', { items: [{ productId: BOOK.productId, quantity: 1, sku: 'GOLD' }] }],
    ['items.0.currency', { items: [{ productId: BOOK.productId, quantity: 1, currency: 'USD' }] }],
  ])('When the body tries to set %s, then 400 naming it and no order is created', async (field, extra) => {
    const userId = sut.users.addUser();

    const res = await request(sut.url).post('/orders').set(asUser(userId)).send(buildOrder(extra));
    const list = await request(sut.url).get('/orders').set(asUser(userId));

    expect(res.status).toBe(400);
    expect(res.body.details.fields.map((f: { path: string }) => f.path)).toContain(field);
    expect(list.body.items).toEqual([]);
  });

  const line = { productId: BOOK.productId, quantity: 1 };
  test.each([
    ['items', { items: [] }],
    ['items', { items: Array.from({ length: 51 }, () => ({ productId: randomUUID(), quantity: 1 })) }],
    ['items.0.quantity', { items: [{ ...line, quantity: 0 }] }],
    ['items.0.quantity', { items: [{ ...line, quantity: 1001 }] }],
    ['items.0.quantity', { items: [{ ...line, quantity: 1.5 }] }],
    ['items.0.productId', { items: [{ ...line, productId: 'BOOK-1' }] }],
    ['items.1.productId', { items: [line, { ...line, quantity: 3 }] }],
    ['paymentMethodId', { paymentMethodId: 'card-1' }],
  ])('When %s is invalid, then 400 naming it', async (field, override) => {
    const res = await request(sut.url).post('/orders').set(asUser(sut.users.addUser())).send(buildOrder(override));

    expect(res.status).toBe(400);
    expect(res.body.details.fields.map((f: { path: string }) => f.path)).toContain(field);
  });

  test('When a line names a product the catalog does not have, then 422 product-not-found naming the line, and no order', async () => {
    const userId = sut.users.addUser();
    const unknown = randomUUID();

    const res = await request(sut.url).post('/orders').set(asUser(userId)).send(buildOrder({ items: [line, { productId: unknown, quantity: 1 }] }));
    const list = await request(sut.url).get('/orders').set(asUser(userId));

    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'product-not-found', details: { line: 1, productId: unknown } });
    expect(list.body.items).toEqual([]);
  });

  test('When a line names a product no longer sold, then 422 product-not-available naming the line', async () => {
    const retired = buildProduct({ active: false });
    await sut.publishProduct(retired, 'product.created');

    const res = await request(sut.url).post('/orders').set(asUser(sut.users.addUser())).send(buildOrder({ items: [{ productId: retired.productId, quantity: 1 }] }));

    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'product-not-available', details: { line: 0, productId: retired.productId } });
  });

  test('When lines are priced in different currencies, then 422 currency-mismatch naming the line', async () => {
    const dollars = buildProduct({ currency: 'USD' });
    await sut.publishProduct(dollars, 'product.created');

    const res = await request(sut.url).post('/orders').set(asUser(sut.users.addUser())).send(buildOrder({ items: [line, { productId: dollars.productId, quantity: 1 }] }));

    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'currency-mismatch', details: { line: 1, expected: 'EUR', found: 'USD' } });
  });

  test('When the total would exceed the maximum, then 422', async () => {
    const gold = buildProduct({ name: 'Gold bar', priceCents: 100_000_000 });
    await sut.publishProduct(gold, 'product.created');

    const res = await request(sut.url).post('/orders').set(asUser(sut.users.addUser())).send(buildOrder({ items: [{ productId: gold.productId, quantity: 1000 }] }));

    expect(res.status).toBe(422);
    expect(res.body.code).toBe('order-total-too-large');
  });

  test('When the catalog reprices a product after an order, then the placed order keeps its price and new orders get the new one', async () => {
    const lamp = buildProduct({ name: 'Lamp', priceCents: 2500 });
    await sut.publishProduct(lamp, 'product.created');
    const userId = sut.users.addUser();
    const before = await request(sut.url).post('/orders').set(asUser(userId)).send(buildOrder({ items: [{ productId: lamp.productId, quantity: 2 }] })).expect(201);

    await sut.publishProduct({ ...lamp, priceCents: 3100, version: 2 });
    const after = await request(sut.url).post('/orders').set(asUser(userId)).send(buildOrder({ items: [{ productId: lamp.productId, quantity: 2 }] })).expect(201);
    const reread = await request(sut.url).get(`/orders/${before.body.id}`).set(asUser(userId));

    expect([before.body.totalCents, after.body.totalCents]).toEqual([5000, 6200]);
    expect(reread.body.items[0].unitPriceCents).toBe(2500);
    expect(reread.body.totalCents).toBe(5000);
  });

  test('When an older version of a product arrives after a newer one, then the newer price stays', async () => {
    const pen = buildProduct({ name: 'Pen', priceCents: 300, version: 1 });
    await sut.publishProduct(pen, 'product.created');
    await sut.publishProduct({ ...pen, priceCents: 350, version: 3 });
    const ackedBefore = await sut.consumed('product.updated', 'acked');

    await sut.publish(createEnvelope('product.updated', 1, { ...pen, priceCents: 999, version: 2 }));
    await waitFor(async () => (await sut.consumed('product.updated', 'acked')) > ackedBefore, { what: 'the old version to be handled' });
    const res = await request(sut.url).post('/orders').set(asUser(sut.users.addUser())).send(buildOrder({ items: [{ productId: pen.productId, quantity: 1 }] }));

    expect(res.body.totalCents).toBe(350);
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

    const res = await request(sut.url).post('/orders').set(asUser(userId)).set('Idempotency-Key', key).send(buildOrder({ items: [{ productId: BOOK.productId, quantity: 5 }] }));
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
