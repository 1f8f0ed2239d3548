import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { useLimitedGateways } from './support/limited-gateways';
import { tokenFor } from './support/test-gateway';

// Attempts to get around the rate limits (OWASP API4): bad credentials, other spellings of the
// login path, forged identity, spreading requests over services.
describe.each(['memory', 'redis'] as const)('Rate limits counted in %s under attack', (store) => {
  const limited = useLimitedGateways(store);
  const gatewayWithLimits = limited.start;

  test('When a client keeps sending missing, forged or expired tokens, then past the limit it gets 429 instead of 401', async () => {
    // Arrange
    const url = await gatewayWithLimits({ perClient: 3, login: 10 });
    const attempts = [
      request(url).get('/api/orders'),
      request(url).get('/api/orders').set('Authorization', 'Bearer forged'),
      request(url).get('/api/orders').set('Authorization', `Bearer ${await tokenFor({}, -10)}`),
    ];
    const before = limited.stub().requests.length;
    for (const attempt of attempts) expect((await attempt).status).toBe(401);

    // Act
    const response = await request(url).get('/api/payments/methods').set('Authorization', 'Bearer another-forgery');

    // Assert
    expect(response.status).toBe(429);
    expect(response.body).toEqual({ code: 'rate-limited', message: expect.any(String) });
    expect(Number(response.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(limited.stub().requests.length).toBe(before);
  });

  test('When a limited address sends a valid token, then the signed-in user is still served on their own budget', async () => {
    // Arrange
    const url = await gatewayWithLimits({ perClient: 2, login: 10 });
    for (let i = 0; i < 3; i += 1) await request(url).get('/api/orders').set('Authorization', 'Bearer forged');

    // Act
    const response = await request(url).get('/api/orders').set('Authorization', `Bearer ${await tokenFor()}`);

    // Assert
    expect(response.status).toBe(200);
  });

  test.each(['/API/AUTH/LOGIN', '/api/auth/login/', '/api/auth/login?next=%2F', '/api/Auth/Login/', '/api/auth/login#again'])(
    'When the login limit is spent, then %s is limited too',
    async (path) => {
      // Arrange
      const url = await gatewayWithLimits({ perClient: 100, login: 2 });
      for (let i = 0; i < 2; i += 1) await request(url).post('/api/auth/login').send({}).expect(200);
      const before = limited.stub().requests.length;

      // Act
      const response = await request(url).post(path).send({ email: 'a@example.com', password: 'guess' });

      // Assert
      expect(response.status).toBe(429);
      expect(limited.stub().requests.length).toBe(before);
    },
  );

  test('When an anonymous client forges a new identity on every request, then it is still limited by its address', async () => {
    // Arrange
    const url = await gatewayWithLimits({ perClient: 2, login: 10 });
    const forged = () => ({ 'X-User-Id': randomUUID(), 'X-User-Role': 'admin', 'X-Internal-Token': randomUUID() });
    for (let i = 0; i < 2; i += 1) await request(url).post('/api/users').set(forged()).send({}).expect(200);

    // Act
    const response = await request(url).post('/api/users').set(forged()).send({});

    // Assert
    expect(response.status).toBe(429);
  });

  test('When a signed-in user spreads requests over every service, then they share one budget', async () => {
    // Arrange
    const url = await gatewayWithLimits({ perClient: 4, login: 10 });
    const token = await tokenFor();
    for (const path of ['/api/users/me', '/api/orders', '/api/payments/methods', '/api/notifications']) {
      await request(url).get(path).set('Authorization', `Bearer ${token}`).expect(200);
    }

    // Act
    const response = await request(url).get('/api/orders').set('Authorization', `Bearer ${token}`);

    // Assert
    expect(response.status).toBe(429);
  });
});
