import { randomBytes, createHash } from 'node:crypto';
import request from 'supertest';
import { startTestGateway, tokenFor, type TestGateway } from './support/test-gateway';
import { startUpstreamStub, type Echo, type UpstreamStub } from './support/upstream-stub';

describe('Proxy table', () => {
  let users: UpstreamStub;
  let orders: UpstreamStub;
  let payments: UpstreamStub;
  let notifications: UpstreamStub;
  let gateway: TestGateway;
  let token: string;

  beforeAll(async () => {
    [users, orders, payments, notifications] = await Promise.all([
      startUpstreamStub(),
      startUpstreamStub(),
      startUpstreamStub(),
      startUpstreamStub((req, res) => {
        // A service's own error answer, to check it passes through unchanged.
        res.writeHead(409, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 'already-read', message: 'x' }));
      }),
    ]);
    gateway = await startTestGateway({
      USER_SERVICE_URL: users.url,
      ORDER_SERVICE_URL: orders.url,
      PAYMENT_SERVICE_URL: payments.url,
      NOTIFICATION_SERVICE_URL: notifications.url,
    });
    token = await tokenFor();
  });

  afterAll(async () => {
    await gateway.stop();
    await Promise.all([users, orders, payments, notifications].map((stub) => stub.close()));
  });

  test('When a client calls /api/users/me with a query, then user-service receives /users/me with the query', async () => {
    // Act
    const response = await request(gateway.url).get('/api/users/me?expand=orders&x=1').set('Authorization', `Bearer ${token}`);

    // Assert
    expect(response.status).toBe(200);
    expect((response.body as Echo).url).toBe('/users/me?expand=orders&x=1');
  });

  test.each([
    ['/api/users/42', 'users', '/users/42'],
    ['/api/auth/refresh', 'users', '/auth/refresh'],
    ['/api/orders', 'orders', '/orders'],
    ['/api/payments/p-1', 'payments', '/payments/p-1'],
  ] as const)('When a client calls %s, then the %s service receives %s', async (path, service, upstreamPath) => {
    // Arrange
    const stub = { users, orders, payments }[service];
    const before = stub.requests.length;

    // Act
    const response = await request(gateway.url).get(path).set('Authorization', `Bearer ${token}`);

    // Assert
    expect(response.status).toBe(200);
    expect(stub.requests.slice(before).map((r) => r.url)).toEqual([upstreamPath]);
  });

  test('When a service answers an error status, then the client receives that status and body unchanged', async () => {
    // Act
    const response = await request(gateway.url).patch('/api/notifications/n-1/read').set('Authorization', `Bearer ${token}`);

    // Assert
    expect(response.status).toBe(409);
    expect(response.body).toEqual({ code: 'already-read', message: 'x' });
    expect(notifications.requests.at(-1)).toMatchObject({ method: 'PATCH', url: '/notifications/n-1/read' });
  });

  test('When a client POSTs a JSON body, then the service receives it byte for byte and the call completes', async () => {
    // Arrange
    const body = JSON.stringify({ items: [{ productId: 'p-1', quantity: 2 }], note: 'ünïcødé ✓' });

    // Act
    const response = await request(gateway.url)
      .post('/api/orders')
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', 'application/json')
      .timeout(2000)
      .send(body);

    // Assert
    expect(response.status).toBe(200);
    const echoed = response.body as Echo;
    expect(echoed.method).toBe('POST');
    expect(echoed.bodyText).toBe(body);
    expect(echoed.headers['content-type']).toBe('application/json');
  });

  test('When a client uploads a 1 MB binary body, then the service receives exactly those bytes', async () => {
    // Arrange
    const body = randomBytes(1024 * 1024);

    // Act
    const response = await request(gateway.url)
      .put('/api/payments/p-1/receipt')
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', 'application/octet-stream')
      .timeout(3000)
      .send(body);

    // Assert
    expect(response.status).toBe(200);
    expect((response.body as Echo).bodyLength).toBe(body.length);
    expect((response.body as Echo).bodySha256).toBe(createHash('sha256').update(body).digest('hex'));
  });

  test('When a signed-in client calls an /api path no service serves, then it gets a JSON 404', async () => {
    // Act
    const response = await request(gateway.url).get('/api/carts/1').set('Authorization', `Bearer ${token}`);

    // Assert
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ code: 'route-not-found' });
  });

  test('When a path only starts with the letters of a prefix, then it is not proxied', async () => {
    // Arrange
    const before = users.requests.length;

    // Act
    const response = await request(gateway.url).get('/api/usersettings').set('Authorization', `Bearer ${token}`);

    // Assert
    expect(response.status).toBe(404);
    expect(users.requests.length).toBe(before);
  });

  test('When a client calls a path outside /api, then it gets a JSON 404 without being asked for a token', async () => {
    // Act
    const response = await request(gateway.url).get('/users/me');

    // Assert
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ code: 'route-not-found' });
  });

  test('When requests follow each other, then they reuse one keep-alive connection to the service', async () => {
    // Arrange
    const stub = await startUpstreamStub();
    const local = await startTestGateway({ ORDER_SERVICE_URL: stub.url });

    try {
      // Act
      for (let i = 0; i < 5; i += 1) {
        await request(local.url).get('/api/orders').set('Authorization', `Bearer ${token}`).expect(200);
      }

      // Assert
      expect(stub.requests).toHaveLength(5);
      expect(stub.connectionsAccepted()).toBe(1);
    } finally {
      await local.stop();
      await stub.close();
    }
  });
});

describe('Request id', () => {
  let users: UpstreamStub;
  let gateway: TestGateway;

  beforeAll(async () => {
    users = await startUpstreamStub();
    gateway = await startTestGateway({ USER_SERVICE_URL: users.url });
  });

  afterAll(async () => {
    await gateway.stop();
    await users.close();
  });

  test('When a client sends no x-request-id, then one is generated, returned and forwarded to the service', async () => {
    // Act
    const response = await request(gateway.url).post('/api/auth/login').send({ email: 'a@b.c', password: 'x' });

    // Assert
    const requestId = response.headers['x-request-id'] as string;
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect((response.body as Echo).headers['x-request-id']).toBe(requestId);
  });

  test('When a client sends a sane x-request-id, then the same id is returned and forwarded', async () => {
    // Act
    const response = await request(gateway.url).post('/api/auth/login').set('x-request-id', 'client-trace.42').send({});

    // Assert
    expect(response.headers['x-request-id']).toBe('client-trace.42');
    expect((response.body as Echo).headers['x-request-id']).toBe('client-trace.42');
  });

  test('When a client sends an unsafe x-request-id, then it is replaced before reaching the service', async () => {
    // Act
    const response = await request(gateway.url).post('/api/auth/login').set('x-request-id', 'bad id <script>').send({});

    // Assert
    const forwarded = (response.body as Echo).headers['x-request-id'];
    expect(forwarded).not.toBe('bad id <script>');
    expect(forwarded).toBe(response.headers['x-request-id']);
  });
});
