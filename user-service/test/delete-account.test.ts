import request from 'supertest';
import { MessageCollector, TEST_BROKER_URL, waitFor } from '@shop/platform/testing';
import { asService, asUser, signUp, useUserService } from './test-app';

const users = useUserService();
let collector: MessageCollector;

beforeAll(async () => {
  collector = await MessageCollector.bindTo(TEST_BROKER_URL, users.exchange, ['user.#']);
});
afterAll(async () => {
  await collector.close();
});

interface Event {
  id: string;
  type: string;
  payload: Record<string, unknown> & { userId: string };
}
const eventsOf = (userId: string) => collector.messages.map((m) => m.json as Event).filter((e) => e.payload.userId === userId);
const deleteMe = (userId: string, password: string) => request(users.url).delete('/users/me').set(asUser(userId)).send({ password });

describe('DELETE /users/me', () => {
  test('When the password is right, then 204, the account can no longer sign in or refresh, and it is gone', async () => {
    const { userId, registration, tokens } = await signUp(users.url);

    const res = await deleteMe(userId, registration.password);

    expect(res.status).toBe(204);
    expect((await request(users.url).post('/auth/login').send(registration)).status).toBe(401);
    expect((await request(users.url).post('/auth/refresh').send({ refreshToken: tokens.refreshToken })).status).toBe(401);
    expect((await request(users.url).get(`/users/${userId}`).set(asService())).status).toBe(404);
    expect(await users.db.refreshToken.count({ where: { userId } })).toBe(0);
  });

  test('When an account is deleted, then its email can be registered again, as a new user', async () => {
    const { userId, registration } = await signUp(users.url);
    await deleteMe(userId, registration.password).expect(204);

    const again = await request(users.url).post('/users').send(registration);

    expect(again.status).toBe(201);
    expect(again.body.id).not.toBe(userId);
  });

  test('When an account is deleted, then user.deleted and user.sessions_revoked are published once each', async () => {
    const { userId, registration } = await signUp(users.url);
    const before = Date.now();

    await deleteMe(userId, registration.password).expect(204);

    await waitFor(() => eventsOf(userId).length >= 2, { timeoutMs: 10_000, what: "the deleted user's events" });
    const deleted = eventsOf(userId).filter((e) => e.type === 'user.deleted');
    const revoked = eventsOf(userId).filter((e) => e.type === 'user.sessions_revoked');
    expect(deleted).toHaveLength(1);
    expect(deleted[0]!.payload).toEqual({ userId, deletedAt: expect.any(String) });
    expect(Date.parse(deleted[0]!.payload.deletedAt as string)).toBeGreaterThanOrEqual(before);
    expect(revoked.map((e) => e.payload)).toEqual([{ userId, revokedBefore: deleted[0]!.payload.deletedAt, reason: 'deleted' }]);
    const outbox = await users.db.$queryRaw<Array<{ type: string }>>`SELECT type FROM outbox_messages WHERE payload->'payload'->>'userId' = ${userId} ORDER BY type`;
    expect(outbox.map((row) => row.type)).toEqual(['user.deleted', 'user.sessions_revoked']);
  });

  test('When the password is wrong, then 401, the account stays and no event is recorded', async () => {
    const { userId, registration } = await signUp(users.url);

    const res = await deleteMe(userId, 'not my password');

    expect(res.status).toBe(401);
    expect((await request(users.url).post('/auth/login').send(registration)).status).toBe(200);
    const outbox = await users.db.$queryRaw<unknown[]>`SELECT 1 FROM outbox_messages WHERE payload->'payload'->>'userId' = ${userId}`;
    expect(outbox).toHaveLength(0);
  });

  test('When the account was already deleted, then 404 and no second user.deleted', async () => {
    const { userId, registration } = await signUp(users.url);
    await deleteMe(userId, registration.password).expect(204);

    expect((await deleteMe(userId, registration.password)).status).toBe(404);
    const outbox = await users.db.$queryRaw<unknown[]>`SELECT 1 FROM outbox_messages WHERE type = 'user.deleted' AND payload->'payload'->>'userId' = ${userId}`;
    expect(outbox).toHaveLength(1);
  });
});
