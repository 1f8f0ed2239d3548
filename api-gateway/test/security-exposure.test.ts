import request from 'supertest';
import { GATEWAY_TOKEN, JWT_SECRET, startTestGateway, tokenFor, type TestGateway } from './support/test-gateway';
import { startUpstreamStub, type UpstreamStub } from './support/upstream-stub';

// What the gateway's own public routes give away (OWASP API8): the Ingress sends every path to
// the gateway, so /health, /ready, /metrics and the API document are open to the internet.
describe("The gateway's public routes", () => {
  let users: UpstreamStub;
  let gateway: TestGateway;

  beforeAll(async () => {
    users = await startUpstreamStub();
    // user-service answers; the other three stay on closed ports.
    gateway = await startTestGateway({ USER_SERVICE_URL: users.url });
  });

  afterAll(async () => {
    await gateway.stop();
    await users.close();
  });

  test('When services are down, then /ready says so without their addresses', async () => {
    // Act
    const response = await request(gateway.url).get('/ready');

    // Assert
    expect(response.body.checks['order-service']).toEqual({ ok: true, reachable: false, error: 'ECONNREFUSED' });
    expect(response.text).not.toMatch(/127\.0\.0\.1|localhost|https?:|:\d{2,5}\b/);
  });

  test('When anyone reads /health, /ready, /metrics and the API document after proxied calls, then no secret appears', async () => {
    // Arrange
    const token = await tokenFor();
    await request(gateway.url).get('/api/users/me').set('Authorization', `Bearer ${token}`).expect(200);
    await request(gateway.url).get('/api/orders').set('Authorization', `Bearer ${token}`);

    // Act
    const answers = await Promise.all(['/health', '/ready', '/metrics', '/api/openapi.json'].map((path) => request(gateway.url).get(path)));

    // Assert
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      for (const secret of [JWT_SECRET, GATEWAY_TOKEN, token]) expect(answer.text).not.toContain(secret);
    }
  });
});
