import { randomUUID } from 'node:crypto';
import { IDENTITY_HEADERS } from '@shop/platform/http';
import { Client } from 'pg';
import request from 'supertest';
import { buildOrderCreated, buildOrderPaid, recipientOf } from './event-builders';
import { asUser, GATEWAY_TOKEN, startNotificationServiceUnderTest, type NotificationServiceUnderTest } from './harness';

let sut: NotificationServiceUnderTest;
beforeAll(async () => {
  sut = await startNotificationServiceUnderTest();
});
afterAll(() => sut.stop());

/** Stores a notification row directly (a builder with overrides), for listing tests that need many rows with set times. */
async function insertNotification(overrides: { userId: string; createdAt: Date; status?: string }): Promise<string> {
  const id = randomUUID();
  const client = new Client({ connectionString: sut.databaseUrl });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO notifications (id, event_id, event_type, user_id, order_id, recipient, subject, status, attempts, created_at, sent_at)
       VALUES ($1, $2, 'order.paid', $3, $4, 'someone@example.test', 'Payment received', $5, 1, $6, $6)`,
      [id, randomUUID(), overrides.userId, randomUUID(), overrides.status ?? 'sent', overrides.createdAt],
    );
  } finally {
    await client.end();
  }
  return id;
}

describe('GET /notifications', () => {
  test('When two customers each got mail, then each sees only their own notifications; a third sees none', async () => {
    const forAlice = buildOrderCreated();
    const forBob = buildOrderPaid();
    await Promise.all([sut.publish(forAlice), sut.publish(forBob)]);
    await Promise.all([sut.smtp.waitForMailsTo(recipientOf(forAlice)), sut.smtp.waitForMailsTo(recipientOf(forBob))]);

    const alice = await request(sut.url).get('/notifications').set(asUser(forAlice.payload.userId));
    const bob = await request(sut.url).get('/notifications').set(asUser(forBob.payload.userId));
    const stranger = await request(sut.url).get('/notifications').set(asUser(randomUUID()));

    expect(alice.status).toBe(200);
    expect(alice.body.items.map((n: { orderId: string }) => n.orderId)).toEqual([forAlice.payload.orderId]);
    expect(alice.body.items[0]).toMatchObject({ type: 'order.created', recipient: recipientOf(forAlice) });
    expect(bob.body.items.map((n: { orderId: string }) => n.orderId)).toEqual([forBob.payload.orderId]);
    expect(stranger.body).toEqual({ items: [], nextCursor: null });
  });

  test('When a user pages through, then every notification comes once, newest first', async () => {
    const userId = randomUUID();
    const start = Date.UTC(2026, 0, 1);
    const inserted: string[] = [];
    // Two rows share a timestamp: the id breaks the tie, so none is skipped or repeated.
    for (const offset of [0, 1000, 2000, 2000, 3000]) inserted.push(await insertNotification({ userId, createdAt: new Date(start + offset) }));
    await insertNotification({ userId: randomUUID(), createdAt: new Date(start + 1500) });

    const seen: string[] = [];
    const pageSizes: number[] = [];
    let cursor: string | null = null;
    do {
      const res: request.Response = await request(sut.url)
        .get('/notifications')
        .query({ limit: 2, ...(cursor ? { cursor } : {}) })
        .set(asUser(userId))
        .expect(200);
      seen.push(...res.body.items.map((n: { id: string }) => n.id));
      pageSizes.push(res.body.items.length);
      cursor = res.body.nextCursor;
    } while (cursor);

    const [first, second, third, fourth, fifth] = inserted;
    expect(pageSizes).toEqual([2, 2, 1]);
    expect(seen.slice(1, 3).sort()).toEqual([third, fourth].sort());
    expect([seen[0], seen[3], seen[4]]).toEqual([fifth, second, first]);
  });

  test('When no limit is given, then at most 20 come back with a cursor to the rest', async () => {
    const userId = randomUUID();
    for (let i = 0; i < 21; i++) await insertNotification({ userId, createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)) });

    const res = await request(sut.url).get('/notifications').set(asUser(userId));

    expect(res.body.items).toHaveLength(20);
    expect(res.body.nextCursor).toEqual(expect.any(String));
  });

  test.each([['0'], ['101'], ['ten']])('When limit is %s, then 400', async (limit) => {
    const res = await request(sut.url).get('/notifications').query({ limit }).set(asUser(randomUUID()));

    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation-failed');
  });

  test('When the cursor was tampered with, then 400', async () => {
    const res = await request(sut.url).get('/notifications').query({ cursor: 'bm90LWEtY3Vyc29y' }).set(asUser(randomUUID()));

    expect(res.status).toBe(400);
  });

  test('When the caller is not signed in, or the gateway token comes without a user, or a service calls, then 401', async () => {
    const anonymous = await request(sut.url).get('/notifications');
    const noUser = await request(sut.url).get('/notifications').set(IDENTITY_HEADERS.gatewayToken, GATEWAY_TOKEN);
    // notification-service has no SERVICE_TOKEN: no service may call it.
    const service = await request(sut.url).get('/notifications').set(IDENTITY_HEADERS.serviceToken, GATEWAY_TOKEN);

    expect([anonymous.status, noUser.status, service.status]).toEqual([401, 401, 401]);
  });
});

describe('operations', () => {
  test('When /ready is asked with database and broker up, then 200 with an SMTP detail', async () => {
    const res = await request(sut.url).get('/ready');

    expect(res.status).toBe(200);
    expect(res.body.checks).toEqual({
      database: { ok: true },
      broker: { ok: true },
      smtp: expect.objectContaining({ ok: true, lastDelivery: expect.stringMatching(/^(none|succeeded)$/) }),
    });
  });

  test('When /openapi.json is read, then it documents GET /notifications with its query and page shape', async () => {
    const res = await request(sut.url).get('/openapi.json');

    const operation = res.body.paths['/notifications']?.get;
    expect(operation).toBeDefined();
    expect(operation.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['cursor', 'limit']);
    expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['200', '400', '401']));
    expect(res.body.components.schemas.Notification.properties).toHaveProperty('status');
  });
});
