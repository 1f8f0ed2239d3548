import { createHash } from 'node:crypto';
import request from 'supertest';
import { signUp, useUserService, type Tokens } from './test-app';

const users = useUserService();

const refresh = (refreshToken: string) => request(users.url).post('/auth/refresh').send({ refreshToken });

describe('POST /auth/refresh', () => {
  test('When the refresh token is live, then 200 with a new access token and a new refresh token, no-store', async () => {
    const { tokens } = await signUp(users.url);

    const res = await refresh(tokens.refreshToken);

    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({ accessToken: expect.any(String), tokenType: 'Bearer', expiresIn: 900, refreshToken: expect.any(String), refreshExpiresIn: 2_592_000 });
    expect(res.body.refreshToken).not.toBe(tokens.refreshToken);
    const me = await request(users.url).post('/auth/refresh').send({ refreshToken: res.body.refreshToken });
    expect(me.status).toBe(200);
  });

  test('When a refresh token was rotated, then it is refused 401 and the whole family is revoked, its newest token included', async () => {
    const { tokens } = await signUp(users.url);
    const second = (await refresh(tokens.refreshToken).expect(200)).body as Tokens;
    const third = (await refresh(second.refreshToken).expect(200)).body as Tokens;

    const reuse = await refresh(tokens.refreshToken);
    const newest = await refresh(third.refreshToken);

    expect(reuse.status).toBe(401);
    expect(reuse.body.code).toBe('invalid-refresh-token');
    expect(newest.status).toBe(401);
  });

  test('When one session is revoked for reuse, then another session of the same user goes on', async () => {
    const { registration, tokens } = await signUp(users.url);
    const other = (await request(users.url).post('/auth/login').send(registration).expect(200)).body as Tokens;
    await refresh(tokens.refreshToken).expect(200);

    await refresh(tokens.refreshToken).expect(401);

    expect((await refresh(other.refreshToken)).status).toBe(200);
  });

  test('When two refreshes race with the same token, then exactly one succeeds', async () => {
    const { tokens } = await signUp(users.url);

    const statuses = (await Promise.all([refresh(tokens.refreshToken), refresh(tokens.refreshToken)])).map((r) => r.status).sort();

    expect(statuses).toEqual([200, 401]);
  });

  test('When the refresh token is unknown or expired, then 401', async () => {
    const { userId, tokens } = await signUp(users.url);
    await users.db.refreshToken.updateMany({ where: { userId }, data: { expiresAt: new Date(Date.now() - 1000) } });

    expect((await refresh('x'.repeat(43))).status).toBe(401);
    expect((await refresh(tokens.refreshToken)).status).toBe(401);
  });

  test('When a token is issued, then the database holds only its SHA-256, never the token', async () => {
    const { userId, tokens } = await signUp(users.url);

    const rows = await users.db.refreshToken.findMany({ where: { userId } });

    expect(rows).toHaveLength(1);
    expect(Buffer.from(rows[0]!.tokenHash)).toEqual(createHash('sha256').update(tokens.refreshToken).digest());
    expect(JSON.stringify(rows)).not.toContain(tokens.refreshToken);
  });

  test('When the body has other fields or no token, then 400', async () => {
    expect((await request(users.url).post('/auth/refresh').send({})).status).toBe(400);
    expect((await request(users.url).post('/auth/refresh').send({ refreshToken: 'a', userId: 'b' })).status).toBe(400);
  });
});
