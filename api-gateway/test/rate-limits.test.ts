import request from 'supertest';
import { useLimitedGateways } from './support/limited-gateways';
import { tokenFor } from './support/test-gateway';

describe.each(['memory', 'redis'] as const)('Rate limits counted in %s', (store) => {
  const gatewayWithLimits = useLimitedGateways(store).start;

  test('When a signed-in client exceeds its limit, then it gets a JSON 429 rate-limited with Retry-After', async () => {
    // Arrange
    const url = await gatewayWithLimits({ perClient: 3, login: 10 });
    const token = await tokenFor();
    for (let i = 0; i < 3; i += 1) await request(url).get('/api/orders').set('Authorization', `Bearer ${token}`).expect(200);

    // Act
    const response = await request(url).get('/api/orders').set('Authorization', `Bearer ${token}`);

    // Assert
    expect(response.status).toBe(429);
    expect(response.body).toEqual({ code: 'rate-limited', message: expect.any(String) });
    const retryAfter = Number(response.headers['retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
  });

  test('When one user is limited, then another user from the same address is still served', async () => {
    // Arrange
    const url = await gatewayWithLimits({ perClient: 2, login: 10 });
    const [first, second] = await Promise.all([tokenFor(), tokenFor()]);
    for (let i = 0; i < 3; i += 1) await request(url).get('/api/orders').set('Authorization', `Bearer ${first}`);

    // Act
    const response = await request(url).get('/api/orders').set('Authorization', `Bearer ${second}`);

    // Assert
    expect(response.status).toBe(200);
  });

  test('When an anonymous client exceeds the limit on a public route, then it is limited by its address', async () => {
    // Arrange
    const url = await gatewayWithLimits({ perClient: 2, login: 10 });
    for (let i = 0; i < 2; i += 1) await request(url).post('/api/users').send({}).expect(200);

    // Act
    const response = await request(url).post('/api/users').send({});

    // Assert
    expect(response.status).toBe(429);
    expect(response.body).toMatchObject({ code: 'rate-limited' });
  });

  test('When a client exceeds the login limit, then logins are refused while its other requests still pass', async () => {
    // Arrange
    const url = await gatewayWithLimits({ perClient: 10, login: 2 });
    for (let i = 0; i < 2; i += 1) await request(url).post('/api/auth/login').send({}).expect(200);

    // Act
    const login = await request(url).post('/api/auth/login').send({});
    const register = await request(url).post('/api/users').send({});

    // Assert
    expect(login.status).toBe(429);
    expect(login.body).toMatchObject({ code: 'rate-limited' });
    expect(login.headers['retry-after']).toBeDefined();
    expect(register.status).toBe(200);
  });
});
