import request from 'supertest';
import { asUser, signUp, useUserService } from './test-app';

// A broker nobody listens on: user-service must sign people in and record its events regardless.
const users = useUserService({ RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:1' });

describe('user-service while the broker is unreachable', () => {
  test('When the broker is down, then /ready stays 200 and reports the broker as not connected', async () => {
    const res = await request(users.url).get('/ready');

    expect(res.status).toBe(200);
    expect(res.body.checks.broker).toMatchObject({ ok: true, connected: false });
  });

  test('When an account is deleted meanwhile, then 204 and user.deleted waits in the outbox', async () => {
    const { userId, registration } = await signUp(users.url);

    await request(users.url).delete('/users/me').set(asUser(userId)).send({ password: registration.password }).expect(204);

    const pending = await users.db.$queryRaw<Array<{ type: string }>>`
      SELECT type FROM outbox_messages WHERE published_at IS NULL AND payload->'payload'->>'userId' = ${userId} ORDER BY type`;
    expect(pending.map((row) => row.type)).toEqual(['user.deleted', 'user.sessions_revoked']);
  });
});
