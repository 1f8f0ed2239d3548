import { createEnvelope } from '@shop/platform/messaging';
import { waitFor } from '@shop/platform/testing';
import request from 'supertest';
import { ERASED_CUSTOMER } from '../src/domain/erased-customer';
import { asUser, buildOrder, startOrderServiceUnderTest, type OrderServiceUnderTest } from './harness';
import { consumed } from './messaging-probes';

let sut: OrderServiceUnderTest;
beforeAll(async () => {
  sut = await startOrderServiceUnderTest({ OUTBOX_POLL_INTERVAL_MS: '200' });
});
afterAll(() => sut.stop());

async function placeOrder(userId: string): Promise<string> {
  return (await request(sut.url).post('/orders').set(asUser(userId)).set('Idempotency-Key', `k-${userId}`).send(buildOrder()).expect(201)).body.id;
}

/** Everything order-service stores about the user, as text: orders, outbox payloads, idempotency responses. */
async function storedOf(userId: string): Promise<string> {
  const orders = await sut.db.order.findMany({ where: { userId } });
  const events = await sut.db.$queryRaw<unknown[]>`SELECT payload FROM outbox_messages WHERE payload->'payload'->>'userId' = ${userId}`;
  const keys = await sut.db.$queryRaw<unknown[]>`SELECT response FROM idempotency_keys WHERE user_id = ${userId}::uuid`;
  return JSON.stringify({ orders, events, keys });
}

async function userDeleted(userId: string, envelope = createEnvelope('user.deleted', 1, { userId, deletedAt: new Date().toISOString() })) {
  const before = await consumed(sut, 'user.deleted');
  await sut.publish(envelope);
  await waitFor(async () => (await consumed(sut, 'user.deleted')) > before, { what: 'user.deleted acked' });
  return envelope;
}

describe('user.deleted', () => {
  test('When a user with orders is deleted, then the orders stay with the user id but no name or email is stored anywhere, and another user keeps theirs', async () => {
    const userId = sut.users.addUser({ name: 'Erin Erased', email: 'erin-erased@example.com' });
    const otherId = sut.users.addUser({ name: 'Kim Kept', email: 'kim-kept@example.com' });
    const orderId = await placeOrder(userId);
    await placeOrder(otherId);
    expect(await storedOf(userId)).toContain('erin-erased@example.com');

    await userDeleted(userId);

    const stored = await storedOf(userId);
    expect(stored).not.toContain('erin-erased@example.com');
    expect(stored).not.toContain('Erin Erased');
    expect(await sut.db.order.findUnique({ where: { id: orderId } })).toMatchObject({
      userId, customerEmail: ERASED_CUSTOMER.email, customerName: ERASED_CUSTOMER.name, totalCents: 4498, status: 'PENDING',
    });
    expect((await request(sut.url).get(`/orders/${orderId}`).set(asUser(userId)).expect(200)).body).toMatchObject({ id: orderId, totalCents: 4498 });
    const other = await storedOf(otherId);
    expect(other).toContain('kim-kept@example.com');
    expect(other).toContain('Kim Kept');
  });

  test('When user.deleted is redelivered, or names a user without orders, then each is acked and changes nothing', async () => {
    const userId = sut.users.addUser();
    await placeOrder(userId);
    const first = await userDeleted(userId);
    const erased = await storedOf(userId);

    await userDeleted(userId, first);
    await userDeleted(sut.users.addUser());

    expect(await storedOf(userId)).toBe(erased);
    expect(await consumed(sut, 'user.deleted', 'dead-lettered')).toBe(0);
  });
});
