import request from 'supertest';
import { startTestGateway, tokenFor, type TestGateway } from './support/test-gateway';
import { startUpstreamStub, type UpstreamStub } from './support/upstream-stub';

describe('Rate limits', () => {
  let services: UpstreamStub;
  const gateways: TestGateway[] = [];

  beforeAll(async () => {
    services = await startUpstreamStub();
  });

  afterAll(async () => {
    await Promise.all(gateways.map((gateway) => gateway.stop()));
    await services.close();
  });

  /** A gateway of its own, so each test starts with empty counters. */
  async function gatewayWithLimits(limits: { perClient: number; login: number }): Promise<string> {
    const gateway = await startTestGateway({
      USER_SERVICE_URL: services.url,
      ORDER_SERVICE_URL: services.url,
      RATE_LIMIT_WINDOW_MS: '60000',
      RATE_LIMIT_MAX: String(limits.perClient),
      LOGIN_RATE_LIMIT_MAX: String(limits.login),
    });
    gateways.push(gateway);
    return gateway.url;
  }

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
