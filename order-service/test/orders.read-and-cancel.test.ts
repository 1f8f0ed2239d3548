import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { asUser, buildOrder, startOrderServiceUnderTest, type OrderServiceUnderTest } from './harness';

let sut: OrderServiceUnderTest;
beforeAll(async () => {
  sut = await startOrderServiceUnderTest();
});
afterAll(() => sut.stop());

async function placeFor(userId: string): Promise<{ id: string }> {
  return (await request(sut.url).post('/orders').set(asUser(userId)).send(buildOrder()).expect(201)).body;
}

async function setStatus(orderId: string, status: string): Promise<void> {
  const client = new Client({ connectionString: sut.databaseUrl });
  await client.connect();
  await client.query('UPDATE orders SET status = $2 WHERE id = $1', [orderId, status]);
  await client.end();
}

describe('GET /orders/:id', () => {
  test('When the owner reads the order, then 200; anyone else gets 404', async () => {
    const [alice, bob] = [sut.users.addUser(), sut.users.addUser()];
    const order = await placeFor(alice);

    const own = await request(sut.url).get(`/orders/${order.id}`).set(asUser(alice));
    const other = await request(sut.url).get(`/orders/${order.id}`).set(asUser(bob));

    expect(own.status).toBe(200);
    expect(own.body.id).toBe(order.id);
    expect(other.status).toBe(404);
    expect(other.body.code).toBe('order-not-found');
  });

  test('When the id is malformed, then 400; unknown, then 404', async () => {
    const userId = sut.users.addUser();

    const malformed = await request(sut.url).get('/orders/123').set(asUser(userId));
    const unknown = await request(sut.url).get(`/orders/${randomUUID()}`).set(asUser(userId));

    expect(malformed.status).toBe(400);
    expect(unknown.status).toBe(404);
  });
});

describe('GET /orders', () => {
  test("When a user pages through, then only their orders come, newest first, each once", async () => {
    const [alice, bob] = [sut.users.addUser(), sut.users.addUser()];
    const placed = [];
    for (let i = 0; i < 5; i++) placed.push((await placeFor(alice)).id);
    await placeFor(bob);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: request.Response = await request(sut.url)
        .get('/orders')
        .query({ limit: 2, ...(cursor ? { cursor } : {}) })
        .set(asUser(alice))
        .expect(200);
      seen.push(...res.body.items.map((o: { id: string }) => o.id));
      cursor = res.body.nextCursor;
    } while (cursor);

    expect(seen).toEqual([...placed].reverse());
  });

  test.each([['0'], ['101']])('When limit is %s, then 400', async (limit) => {
    const res = await request(sut.url).get('/orders').query({ limit }).set(asUser(sut.users.addUser()));

    expect(res.status).toBe(400);
  });
});

describe('POST /orders/:id/cancel', () => {
  test('When the owner cancels a PENDING order, then 200 CANCELLED; again, then still 200', async () => {
    const userId = sut.users.addUser();
    const order = await placeFor(userId);

    const first = await request(sut.url).post(`/orders/${order.id}/cancel`).set(asUser(userId));
    const again = await request(sut.url).post(`/orders/${order.id}/cancel`).set(asUser(userId));

    expect(first.status).toBe(200);
    expect(first.body.status).toBe('CANCELLED');
    expect(again.status).toBe(200);
  });

  test.each([['PAID'], ['PAYMENT_FAILED']])('When the order is %s, then 409 and it stays so', async (status) => {
    const userId = sut.users.addUser();
    const order = await placeFor(userId);
    await setStatus(order.id, status);

    const res = await request(sut.url).post(`/orders/${order.id}/cancel`).set(asUser(userId));
    const after = await request(sut.url).get(`/orders/${order.id}`).set(asUser(userId));

    expect(res.status).toBe(409);
    expect(res.body.code).toBe('invalid-order-transition');
    expect(after.body.status).toBe(status);
  });

  test("When someone else cancels, then 404 and the order stays PENDING", async () => {
    const [alice, bob] = [sut.users.addUser(), sut.users.addUser()];
    const order = await placeFor(alice);

    const res = await request(sut.url).post(`/orders/${order.id}/cancel`).set(asUser(bob));
    const after = await request(sut.url).get(`/orders/${order.id}`).set(asUser(alice));

    expect(res.status).toBe(404);
    expect(after.body.status).toBe('PENDING');
  });
});
