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

/** Puts the order in a saga state directly (as the consumers would have), with the columns that state has. */
async function setState(orderId: string, columns: { status: string; payment_id?: string; failure_reason?: string; unavailable_items?: unknown; refunded_at?: Date }): Promise<void> {
  await withSql((client) =>
    client.query(
      `UPDATE orders SET status = $2, payment_id = $3, failure_reason = $4, unavailable_items = $5, refunded_at = $6, updated_at = now() WHERE id = $1`,
      [orderId, columns.status, columns.payment_id ?? null, columns.failure_reason ?? null, columns.unavailable_items ? JSON.stringify(columns.unavailable_items) : null, columns.refunded_at ?? null],
    ),
  );
}

/** The payloads of `type` the order's outbox holds. */
async function recorded(orderId: string, type: string): Promise<Array<Record<string, unknown>>> {
  const { rows } = await withSql((client) =>
    client.query("SELECT payload->'payload' AS payload FROM outbox_messages WHERE type = $1 AND payload->'payload'->>'orderId' = $2 ORDER BY seq", [type, orderId]),
  );
  return rows.map((row) => row.payload);
}

async function withSql<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: sut.databaseUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
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

describe('the saga in the order response', () => {
  test('When the stock is reserved, then the order still reads PENDING', async () => {
    const userId = sut.users.addUser();
    const order = await placeFor(userId);
    await setState(order.id, { status: 'STOCK_RESERVED' });

    const res = await request(sut.url).get(`/orders/${order.id}`).set(asUser(userId)).expect(200);

    expect(res.body.status).toBe('PENDING');
    expect(res.body).not.toHaveProperty('statusReason');
  });

  test('When the order was REJECTED, then it says out_of_stock and which items were unavailable', async () => {
    const userId = sut.users.addUser();
    const order = await placeFor(userId);
    const unavailable = [{ productId: randomUUID(), sku: 'MUG-7', name: 'Mug', requested: 1, available: 0 }];
    await setState(order.id, { status: 'REJECTED', failure_reason: 'out_of_stock', unavailable_items: unavailable });

    const res = await request(sut.url).get(`/orders/${order.id}`).set(asUser(userId)).expect(200);

    expect(res.body).toMatchObject({ status: 'REJECTED', statusReason: 'out_of_stock', unavailableItems: unavailable });
    expect(res.body).not.toHaveProperty('failureReason');
  });

  test('When the payment failed, then statusReason and failureReason both carry the reason', async () => {
    const userId = sut.users.addUser();
    const order = await placeFor(userId);
    await setState(order.id, { status: 'PAYMENT_FAILED', failure_reason: 'card_declined' });

    const res = await request(sut.url).get(`/orders/${order.id}`).set(asUser(userId)).expect(200);

    expect(res.body).toMatchObject({ status: 'PAYMENT_FAILED', statusReason: 'card_declined', failureReason: 'card_declined' });
    expect(res.body).not.toHaveProperty('unavailableItems');
  });

  test('When the payment was refunded, then refundedAt says when', async () => {
    const userId = sut.users.addUser();
    const order = await placeFor(userId);
    await setState(order.id, { status: 'CANCELLED', payment_id: randomUUID(), refunded_at: new Date('2026-12-05T10:00:00.000Z') });

    const res = await request(sut.url).get(`/orders/${order.id}`).set(asUser(userId)).expect(200);

    expect(res.body).toMatchObject({ status: 'CANCELLED', refundedAt: '2026-12-05T10:00:00.000Z' });
  });
});

describe('GET /openapi.json', () => {
  test('When the document is read, then the Order documents the client statuses (no internal one) and the saga fields', async () => {
    const res = await request(sut.url).get('/openapi.json').expect(200);

    const order = res.body.components.schemas.Order;
    expect(order.properties.status.enum).toEqual(['PENDING', 'PAID', 'PAYMENT_FAILED', 'REJECTED', 'CANCELLED']);
    expect(Object.keys(order.properties)).toEqual(expect.arrayContaining(['statusReason', 'failureReason', 'unavailableItems', 'refundedAt']));
    expect(Object.keys(order.properties.unavailableItems.items.properties)).toEqual(['productId', 'sku', 'name', 'requested', 'available']);
  });
});

describe('POST /orders/:id/cancel', () => {
  test.each([['PENDING'], ['STOCK_RESERVED']])('When the owner cancels a %s order, then 200 CANCELLED and order.cancelled (previousStatus PENDING, no payment) is recorded', async (status) => {
    const userId = sut.users.addUser();
    const order = await placeFor(userId);
    await setState(order.id, { status });

    const res = await request(sut.url).post(`/orders/${order.id}/cancel`).set(asUser(userId));

    expect(res.status).toBe(200);
    expect(res.body.status).toBe('CANCELLED');
    expect(await recorded(order.id, 'order.cancelled')).toEqual([
      {
        orderId: order.id,
        userId,
        customer: { email: sut.users.userOf(userId)!.email, name: sut.users.userOf(userId)!.name },
        totalCents: 4498,
        currency: 'EUR',
        previousStatus: 'PENDING',
        paymentId: null,
      },
    ]);
    expect(await recorded(order.id, 'order.refund_requested')).toEqual([]);
  });

  test('When the owner cancels a PAID order, then 200 CANCELLED, and order.cancelled and order.refund_requested name its payment', async () => {
    const userId = sut.users.addUser();
    const order = await placeFor(userId);
    const paymentId = randomUUID();
    await setState(order.id, { status: 'PAID', payment_id: paymentId });

    const res = await request(sut.url).post(`/orders/${order.id}/cancel`).set(asUser(userId));

    expect(res.status).toBe(200);
    expect(res.body.status).toBe('CANCELLED');
    expect(await recorded(order.id, 'order.cancelled')).toEqual([expect.objectContaining({ previousStatus: 'PAID', paymentId, totalCents: 4498 })]);
    expect(await recorded(order.id, 'order.refund_requested')).toEqual([{ orderId: order.id, userId, paymentId, amountCents: 4498, currency: 'EUR' }]);
  });

  test('When a CANCELLED order is cancelled again, then 200 as it is and nothing more is recorded', async () => {
    const userId = sut.users.addUser();
    const order = await placeFor(userId);
    const first = await request(sut.url).post(`/orders/${order.id}/cancel`).set(asUser(userId)).expect(200);

    const again = await request(sut.url).post(`/orders/${order.id}/cancel`).set(asUser(userId));

    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(await recorded(order.id, 'order.cancelled')).toHaveLength(1);
  });

  test.each([['PAYMENT_FAILED'], ['REJECTED']])('When the order is %s, then 409 and it stays so, with nothing recorded', async (status) => {
    const userId = sut.users.addUser();
    const order = await placeFor(userId);
    await setState(order.id, { status });

    const res = await request(sut.url).post(`/orders/${order.id}/cancel`).set(asUser(userId));
    const after = await request(sut.url).get(`/orders/${order.id}`).set(asUser(userId));

    expect(res.status).toBe(409);
    expect(res.body.code).toBe('invalid-order-transition');
    expect(after.body.status).toBe(status);
    expect(await recorded(order.id, 'order.cancelled')).toEqual([]);
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
