import request from 'supertest';
import { useLimitedGateways } from './support/limited-gateways';
import { tokenFor } from './support/test-gateway';

describe('Rate limits of the account routes', () => {
  const gatewayWithLimits = useLimitedGateways('memory').start;

  test('When password changes and account deletions are attempted, then they count against the login limit with logins', async () => {
    const url = await gatewayWithLimits({ perClient: 100, login: 3 });
    const token = await tokenFor();
    await request(url).post('/api/auth/login').send({}).expect(200);
    await request(url).post('/api/users/me/password').set('Authorization', `Bearer ${token}`).send({}).expect(200);
    await request(url).delete('/api/users/me').set('Authorization', `Bearer ${token}`).send({}).expect(200);

    const login = await request(url).post('/api/auth/login').send({});
    const password = await request(url).post('/api/users/me/password').set('Authorization', `Bearer ${token}`).send({});
    const profile = await request(url).patch('/api/users/me').set('Authorization', `Bearer ${token}`).send({});

    expect([login.status, password.status]).toEqual([429, 429]);
    expect(profile.status).toBe(200);
  });

  test('When a client exceeds the refresh limit, then refreshes get 429 while logins still pass', async () => {
    const url = await gatewayWithLimits({ perClient: 100, login: 10 }, { REFRESH_RATE_LIMIT_MAX: '2' });
    for (let i = 0; i < 2; i += 1) await request(url).post('/api/auth/refresh').send({}).expect(200);

    const refresh = await request(url).post('/api/auth/refresh').send({});
    const login = await request(url).post('/api/auth/login').send({});

    expect(refresh.status).toBe(429);
    expect(refresh.body).toMatchObject({ code: 'rate-limited' });
    expect(login.status).toBe(200);
  });

  test('When refresh and logout are called, then refresh needs no access token and logout does', async () => {
    const url = await gatewayWithLimits({ perClient: 100, login: 10 });

    expect((await request(url).post('/api/auth/refresh').send({ refreshToken: 'x' })).status).toBe(200);
    expect((await request(url).post('/api/auth/logout').send({ refreshToken: 'x' })).status).toBe(401);
    expect((await request(url).patch('/api/users/me').send({ name: 'x' })).status).toBe(401);
  });
});
