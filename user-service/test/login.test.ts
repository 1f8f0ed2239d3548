import { verifyAccessToken } from '@shop/platform/auth';
import request from 'supertest';
import { buildRegistration, useUserService, JWT_SECRET } from './test-app';

const users = useUserService();

describe('POST /auth/login', () => {
  test('When the password is right, then 200 with a bearer token carrying id and role', async () => {
    const registration = buildRegistration();
    const user = (await request(users.url).post('/users').send(registration)).body;

    const res = await request(users.url).post('/auth/login').send({ email: registration.email.toUpperCase(), password: registration.password });

    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      accessToken: expect.any(String),
      tokenType: 'Bearer',
      expiresIn: 900,
      refreshToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      refreshExpiresIn: 30 * 24 * 3600,
    });
    expect(res.headers['cache-control']).toBe('no-store');
    const verified = await verifyAccessToken(res.body.accessToken, JWT_SECRET);
    expect(verified).toEqual({ ok: true, claims: { userId: user.id, role: 'customer', issuedAtMs: expect.any(Number) } });
  });

  test('When the password is wrong or the email unknown, then the same 401', async () => {
    const registration = buildRegistration();
    await request(users.url).post('/users').send(registration).expect(201);

    const wrongPassword = await request(users.url).post('/auth/login').send({ email: registration.email, password: 'wrong password!' });
    const unknownEmail = await request(users.url).post('/auth/login').send({ email: 'nobody-' + registration.email, password: registration.password });

    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail.status).toBe(401);
    expect(wrongPassword.body).toEqual(unknownEmail.body);
    expect(wrongPassword.body.code).toBe('invalid-credentials');
  });

  test('When fields are missing, then 400', async () => {
    const res = await request(users.url).post('/auth/login').send({ email: 'a@b.c' });

    expect(res.status).toBe(400);
    expect(res.body.details.fields.map((f: { path: string }) => f.path)).toEqual(['password']);
  });
});
