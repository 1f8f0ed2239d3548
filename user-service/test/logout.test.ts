import request from 'supertest';
import { asUser, signUp, useUserService } from './test-app';

const users = useUserService();

describe('POST /auth/logout', () => {
  test('When a user signs out, then 204 and the refresh token of that session (and its successors) stops working', async () => {
    const { userId, tokens } = await signUp(users.url);

    const res = await request(users.url).post('/auth/logout').set(asUser(userId)).send({ refreshToken: tokens.refreshToken });

    expect(res.status).toBe(204);
    expect((await request(users.url).post('/auth/refresh').send({ refreshToken: tokens.refreshToken })).status).toBe(401);
  });

  test('When a user signs out of one session, then the other session goes on', async () => {
    const { userId, registration, tokens } = await signUp(users.url);
    const other = (await request(users.url).post('/auth/login').send(registration).expect(200)).body;

    await request(users.url).post('/auth/logout').set(asUser(userId)).send({ refreshToken: tokens.refreshToken }).expect(204);

    expect((await request(users.url).post('/auth/refresh').send({ refreshToken: other.refreshToken })).status).toBe(200);
  });

  test("When someone sends another user's refresh token, then 204 and that session is untouched", async () => {
    const victim = await signUp(users.url);
    const attacker = await signUp(users.url);

    await request(users.url).post('/auth/logout').set(asUser(attacker.userId)).send({ refreshToken: victim.tokens.refreshToken }).expect(204);

    expect((await request(users.url).post('/auth/refresh').send({ refreshToken: victim.tokens.refreshToken })).status).toBe(200);
  });

  test('When no user is signed in, then 401', async () => {
    const { tokens } = await signUp(users.url);

    expect((await request(users.url).post('/auth/logout').send({ refreshToken: tokens.refreshToken })).status).toBe(401);
  });
});
