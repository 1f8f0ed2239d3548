import request from 'supertest';
import { MessageCollector, TEST_BROKER_URL, waitFor } from '@shop/platform/testing';
import { asUser, signUp, useUserService, type Tokens } from './test-app';

const users = useUserService();
let collector: MessageCollector;

beforeAll(async () => {
  collector = await MessageCollector.bindTo(TEST_BROKER_URL, users.exchange, ['user.sessions_revoked']);
});
afterAll(async () => {
  await collector.close();
});

const changePassword = (userId: string, body: object) => request(users.url).post('/users/me/password').set(asUser(userId)).send(body);

describe('POST /users/me/password', () => {
  test('When the current password is right, then 204, the new password signs in and the old one no longer does', async () => {
    const { userId, registration } = await signUp(users.url);

    const res = await changePassword(userId, { currentPassword: registration.password, newPassword: 'a brand new passphrase' });

    expect(res.status).toBe(204);
    expect((await request(users.url).post('/auth/login').send(registration)).status).toBe(401);
    expect((await request(users.url).post('/auth/login').send({ email: registration.email, password: 'a brand new passphrase' })).status).toBe(200);
  });

  test('When the password changes, then every refresh token of the user stops working, rotated or not', async () => {
    const { userId, registration, tokens } = await signUp(users.url);
    const other = (await request(users.url).post('/auth/login').send(registration).expect(200)).body as Tokens;
    const rotated = (await request(users.url).post('/auth/refresh').send({ refreshToken: tokens.refreshToken }).expect(200)).body as Tokens;

    await changePassword(userId, { currentPassword: registration.password, newPassword: 'a brand new passphrase' }).expect(204);

    expect((await request(users.url).post('/auth/refresh').send({ refreshToken: rotated.refreshToken })).status).toBe(401);
    expect((await request(users.url).post('/auth/refresh').send({ refreshToken: other.refreshToken })).status).toBe(401);
  });

  test('When the password changes, then user.sessions_revoked says since when access tokens are refused', async () => {
    const { userId, registration } = await signUp(users.url);
    const before = Date.now();

    await changePassword(userId, { currentPassword: registration.password, newPassword: 'a brand new passphrase' }).expect(204);

    const message = await waitFor(() => collector.messages.find((m) => (m.json as { payload: { userId: string } }).payload.userId === userId), {
      timeoutMs: 10_000,
      what: "the user's user.sessions_revoked",
    });
    const event = message!.json as { type: string; payload: { userId: string; revokedBefore: string; reason: string } };
    expect(event.type).toBe('user.sessions_revoked');
    expect(event.payload).toEqual({ userId, revokedBefore: expect.any(String), reason: 'password_changed' });
    expect(Date.parse(event.payload.revokedBefore)).toBeGreaterThanOrEqual(before);
  });

  test('When the current password is wrong, then 401 wrong-password and nothing changes', async () => {
    const { userId, registration, tokens } = await signUp(users.url);

    const res = await changePassword(userId, { currentPassword: 'not my password', newPassword: 'a brand new passphrase' });

    expect(res.status).toBe(401);
    expect(res.body.code).toBe('wrong-password');
    expect((await request(users.url).post('/auth/login').send(registration)).status).toBe(200);
    expect((await request(users.url).post('/auth/refresh').send({ refreshToken: tokens.refreshToken })).status).toBe(200);
  });

  test('When the new password is too short or a field is unknown, then 400', async () => {
    const { userId, registration } = await signUp(users.url);

    expect((await changePassword(userId, { currentPassword: registration.password, newPassword: 'short' })).status).toBe(400);
    expect((await changePassword(userId, { currentPassword: registration.password, newPassword: 'long enough now', userId })).status).toBe(400);
  });
});
