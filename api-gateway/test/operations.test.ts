import { request as httpRequest } from 'node:http';
import { waitFor } from '@shop/platform/testing';
import request from 'supertest';
import { startTestGateway, tokenFor, type TestGateway } from './support/test-gateway';
import { startUpstreamStub, type UpstreamStub } from './support/upstream-stub';

describe('Health, readiness and metrics', () => {
  let users: UpstreamStub;
  let gateway: TestGateway;

  beforeAll(async () => {
    users = await startUpstreamStub((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok', url: req.url }));
    });
    // Every other service stays on a closed port.
    gateway = await startTestGateway({ USER_SERVICE_URL: users.url });
  });

  afterAll(async () => {
    await gateway.stop();
    await users.close();
  });

  test('When /health is called without a token, then the gateway answers 200', async () => {
    // Act
    const response = await request(gateway.url).get('/health');

    // Assert
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok' });
  });

  test('When some services are down, then /ready stays 200 and reports each service reachability', async () => {
    // Act
    const response = await request(gateway.url).get('/ready');

    // Assert
    expect(response.status).toBe(200);
    expect(response.body.status).toBe('ready');
    expect(response.body.checks['user-service']).toMatchObject({ reachable: true });
    expect(response.body.checks['order-service']).toMatchObject({ reachable: false, error: expect.any(String) });
    expect(Object.keys(response.body.checks).sort()).toEqual(['catalog-service', 'notification-service', 'order-service', 'payment-service', 'user-service']);
  });

  test('When a request was proxied, then /metrics exposes its duration labelled with the route prefix', async () => {
    // Arrange
    const token = await tokenFor();
    await request(gateway.url).get('/api/users/me').set('Authorization', `Bearer ${token}`).expect(200);

    // Act
    const response = await request(gateway.url).get('/metrics');

    // Assert
    expect(response.status).toBe(200);
    expect(response.text).toMatch(/http_request_duration_seconds_count\{[^}]*route="\/api\/users"[^}]*status_code="200"[^}]*\} [1-9]/);
  });
});

describe('Server lifecycle', () => {
  test('When the gateway starts, then slow clients are bounded by header and request timeouts', async () => {
    // Arrange
    const gateway = await startTestGateway();

    try {
      // Assert
      expect(gateway.running.server.headersTimeout).toBeGreaterThan(0);
      expect(gateway.running.server.headersTimeout).toBeLessThanOrEqual(gateway.running.server.requestTimeout);
      expect(gateway.running.server.requestTimeout).toBeLessThanOrEqual(60_000);
    } finally {
      await gateway.stop();
    }
  });

  test('When the gateway shuts down, then it stops listening and closes its idle upstream connections', async () => {
    // Arrange
    const orders = await startUpstreamStub();
    const gateway = await startTestGateway({ ORDER_SERVICE_URL: orders.url });
    const token = await tokenFor();
    await request(gateway.url).get('/api/orders').set('Authorization', `Bearer ${token}`).expect(200);
    expect(orders.connectionsOpen()).toBe(1);

    try {
      // Act
      await gateway.stop();

      // Assert
      const refused = await new Promise<string>((resolve) => {
        const req = httpRequest(`${gateway.url}/health`, () => resolve('answered'));
        req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
        req.end();
      });
      expect(refused).toBe('ECONNREFUSED');
      await waitFor(() => orders.connectionsOpen() === 0, { timeoutMs: 1000, what: 'the upstream connections to close' });
    } finally {
      await orders.close();
    }
  });
});
