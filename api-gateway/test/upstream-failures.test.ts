import request from 'supertest';
import { startTestGateway, tokenFor, type TestGateway } from './support/test-gateway';
import { closedPortUrl, delayed, startUpstreamStub, type UpstreamStub } from './support/upstream-stub';

describe('Upstream failures', () => {
  let slow: UpstreamStub;
  let hangUp: UpstreamStub;
  let healthy: UpstreamStub;
  let gateway: TestGateway;
  let token: string;

  beforeAll(async () => {
    [slow, hangUp, healthy] = await Promise.all([
      startUpstreamStub(delayed(1500)),
      startUpstreamStub((req) => req.socket.destroy()),
      startUpstreamStub(),
    ]);
    gateway = await startTestGateway({
      UPSTREAM_TIMEOUT_MS: '200',
      USER_SERVICE_URL: healthy.url,
      ORDER_SERVICE_URL: await closedPortUrl(),
      PAYMENT_SERVICE_URL: slow.url,
      NOTIFICATION_SERVICE_URL: hangUp.url,
    });
    token = await tokenFor();
  });

  afterAll(async () => {
    await gateway.stop();
    await Promise.all([slow.close(), hangUp.close(), healthy.close()]);
  });

  test('When a service refuses connections, then the client gets a JSON 502 upstream-unavailable within a second', async () => {
    // Arrange
    const started = Date.now();

    // Act
    const response = await request(gateway.url).post('/api/orders').set('Authorization', `Bearer ${token}`).send({ items: [] }).timeout(3000);

    // Assert
    expect(Date.now() - started).toBeLessThan(1000);
    expect(response.status).toBe(502);
    expect(response.body).toEqual({ code: 'upstream-unavailable', message: expect.any(String) });
  });

  test('When a service answers later than UPSTREAM_TIMEOUT_MS, then the client gets a JSON 504 upstream-timeout', async () => {
    // Arrange
    const started = Date.now();

    // Act
    const response = await request(gateway.url).get('/api/payments/p-1').set('Authorization', `Bearer ${token}`).timeout(3000);

    // Assert
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(1000);
    expect(response.status).toBe(504);
    expect(response.body).toEqual({ code: 'upstream-timeout', message: expect.any(String) });
  });

  test('When a service drops the connection without answering, then the client gets a JSON 502', async () => {
    // Act
    const response = await request(gateway.url).get('/api/notifications').set('Authorization', `Bearer ${token}`).timeout(3000);

    // Assert
    expect(response.status).toBe(502);
    expect(response.body).toMatchObject({ code: 'upstream-unavailable' });
  });

  test('When one service is down, then routes to the other services keep working', async () => {
    // Arrange
    await request(gateway.url).get('/api/orders').set('Authorization', `Bearer ${token}`);

    // Act
    const response = await request(gateway.url).get('/api/users/me').set('Authorization', `Bearer ${token}`);

    // Assert
    expect(response.status).toBe(200);
  });

  test('When an upstream call times out, then /metrics counts it by code', async () => {
    // Arrange
    const count = async () => {
      const metrics = await request(gateway.url).get('/metrics');
      const line = metrics.text.split('\n').find((l) => l.startsWith('app_errors_total{code="upstream-timeout"}'));
      return Number(line?.split(' ')[1] ?? 0);
    };
    const before = await count();

    // Act
    await request(gateway.url).get('/api/payments').set('Authorization', `Bearer ${token}`).timeout(3000);

    // Assert
    expect(await count()).toBe(before + 1);
  });
});
