import { randomUUID } from 'node:crypto';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import request from 'supertest';
import { GATEWAY_TOKEN, startTestGateway, tokenFor, type TestGateway } from './support/test-gateway';
import { startUpstreamStub, type Echo, type UpstreamStub } from './support/upstream-stub';

const FORGED = {
  'X-User-Id': '00000000-0000-4000-8000-000000000000',
  'X-User-Role': 'admin',
  'X-Gateway-Token': 'guessed-gateway-token-guessed-gateway-token',
  'X-Service-Token': 'guessed-service-token-guessed-service-token',
  'X-Internal-Token': 'the-old-name-of-the-credential-the-old-name',
};

/** Sends one request with exactly these headers (supertest adds its own) and resolves with status and body. */
function send(url: string, method: string, path: string, headers: Record<string, string | string[]>, body?: Buffer): Promise<{ status: number; headers: IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('What reaches a service', () => {
  let users: UpstreamStub;
  let orders: UpstreamStub;
  let gateway: TestGateway;

  beforeAll(async () => {
    [users, orders] = await Promise.all([startUpstreamStub(), startUpstreamStub()]);
    gateway = await startTestGateway({ USER_SERVICE_URL: users.url, ORDER_SERVICE_URL: orders.url });
  });

  afterAll(async () => {
    await gateway.stop();
    await Promise.all([users.close(), orders.close()]);
  });

  test('When a signed-in client sends every kind of header, then the service receives only the allowed ones and the verified identity', async () => {
    // Arrange
    const userId = randomUUID();
    const token = await tokenFor({ userId, role: 'customer' });
    const body = Buffer.from(JSON.stringify({ items: [] }));

    // Act
    const response = await send(gateway.url, 'POST', '/api/orders', {
      ...FORGED,
      authorization: `Bearer ${token}`,
      cookie: 'session=abc',
      'content-type': 'application/json',
      'content-length': String(body.length),
      accept: 'application/json',
      'idempotency-key': 'key-1',
      'user-agent': 'probe/1.0',
      'accept-encoding': 'gzip',
      connection: 'keep-alive, x-custom',
      'keep-alive': 'timeout=5',
      'x-custom': 'named in Connection',
      te: 'trailers',
      'proxy-authorization': 'Basic Zm9vOmJhcg==',
      'x-forwarded-host': 'evil.example',
      forwarded: 'for=203.0.113.9',
      'x-request-id': 'client-request-7',
    }, body);

    // Assert
    expect(response.status).toBe(200);
    const echo = JSON.parse(response.text) as Echo;
    expect(Object.keys(echo.headers).sort()).toEqual(
      ['accept', 'connection', 'content-length', 'content-type', 'host', 'idempotency-key', 'x-forwarded-for', 'x-gateway-token', 'x-request-id', 'x-user-id', 'x-user-role'].sort(),
    );
    expect(echo.headers).toMatchObject({
      'x-user-id': userId,
      'x-user-role': 'customer',
      'x-gateway-token': GATEWAY_TOKEN,
      'x-forwarded-for': '127.0.0.1',
      'x-request-id': 'client-request-7',
      'content-length': String(body.length),
      host: new URL(orders.url).host,
      connection: 'keep-alive',
    });
    expect(echo.bodyText).toBe(body.toString());
  });

  test('When an admin calls a service, then the service receives the admin role from the token', async () => {
    // Arrange
    const userId = randomUUID();
    const token = await tokenFor({ userId, role: 'admin' });

    // Act
    const response = await request(gateway.url).get('/api/orders').set('Authorization', `Bearer ${token}`);

    // Assert
    expect((response.body as Echo).headers).toMatchObject({ 'x-user-id': userId, 'x-user-role': 'admin' });
  });

  test.each([
    ['registers', '/api/users'],
    ['logs in', '/api/auth/login'],
  ])('When a client %s with forged identity headers, then the service receives no identity and no credential', async (_what, path) => {
    // Act
    const response = await request(gateway.url).post(path).set(FORGED).send({ email: 'a@example.com', password: 'secret-password' });

    // Assert
    expect(response.status).toBe(200);
    const { headers } = response.body as Echo;
    for (const name of ['x-user-id', 'x-user-role', 'x-gateway-token', 'x-service-token', 'x-internal-token']) expect(headers[name]).toBeUndefined();
  });

  test('When a client sends a public route a valid token anyway, then the service still receives no identity', async () => {
    // Arrange
    const token = await tokenFor();

    // Act
    const response = await request(gateway.url).post('/api/users').set('Authorization', `Bearer ${token}`).send({});

    // Assert
    expect((response.body as Echo).headers['x-gateway-token']).toBeUndefined();
    expect((response.body as Echo).headers['x-user-id']).toBeUndefined();
    expect((response.body as Echo).headers.authorization).toBeUndefined();
  });

  test('When a client reads /api/users without a token, then it is refused: only POST /api/users is public', async () => {
    // Arrange
    const before = users.requests.length;

    // Act
    const response = await request(gateway.url).get('/api/users');

    // Assert
    expect(response.status).toBe(401);
    expect(users.requests.length).toBe(before);
  });

  test('When a client sends its own X-Forwarded-For and no proxy is trusted, then the service receives only the address the gateway saw', async () => {
    // Act
    const response = await request(gateway.url).post('/api/auth/login').set('X-Forwarded-For', '203.0.113.9').send({});

    // Assert
    expect((response.body as Echo).headers['x-forwarded-for']).toBe('127.0.0.1');
  });

  test('When the client names an end-to-end header in Connection, then that header is dropped and the request goes on', async () => {
    // Arrange
    const token = await tokenFor();

    // Act
    const response = await send(gateway.url, 'GET', '/api/orders', {
      authorization: `Bearer ${token}`,
      connection: 'Idempotency-Key, Accept',
      'idempotency-key': 'k',
      accept: 'application/json',
    });

    // Assert
    expect(response.status).toBe(200);
    const { headers } = JSON.parse(response.text) as Echo;
    expect(headers['idempotency-key']).toBeUndefined();
    expect(headers.accept).toBeUndefined();
  });

  test.each([
    'content-length',
    'Transfer-Encoding',
    'host',
    'x-user-id',
    'X-User-Role',
    'x-gateway-token',
    'x-service-token',
    'x-forwarded-for',
    'x-request-id',
    'traceparent',
    'tracestate',
  ])('When the client names %s in Connection, then 400 and nothing reaches the service', async (name) => {
    // Arrange
    const token = await tokenFor();
    const before = orders.requests.length;

    // Act
    const response = await send(gateway.url, 'GET', '/api/orders', { authorization: `Bearer ${token}`, connection: `keep-alive, ${name}` });

    // Assert
    expect(response.status).toBe(400);
    expect(JSON.parse(response.text)).toMatchObject({ code: 'hop-by-hop-header-refused', details: { headers: [name.toLowerCase()] } });
    expect(orders.requests.length).toBe(before);
  });

  test.each(['GET', 'HEAD'])('When a %s request carries a body, then 400 and nothing reaches the service', async (method) => {
    // Arrange
    const token = await tokenFor();
    const before = orders.requests.length;
    const body = Buffer.from('GET /health HTTP/1.1\r\nHost: x\r\n\r\n');

    // Act
    const response = await send(gateway.url, method, '/api/orders', { authorization: `Bearer ${token}`, 'content-length': String(body.length) }, body);

    // Assert
    expect(response.status).toBe(400);
    if (method === 'GET') expect(JSON.parse(response.text)).toMatchObject({ code: 'body-not-allowed' });
    expect(orders.requests.length).toBe(before);
  });

  test.each([
    ['a length', { 'content-length': '17' }],
    ['chunks', { 'transfer-encoding': 'chunked' }],
  ])('When a DELETE carries a body framed by %s, then the service receives it framed the same way, byte for byte', async (_what, framing) => {
    // Arrange
    const token = await tokenFor();
    const body = Buffer.from('{"password":"pw"}');

    // Act
    const response = await send(gateway.url, 'DELETE', '/api/users/me', { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...framing }, body);

    // Assert
    const echo = JSON.parse(response.text) as Echo;
    expect(echo.bodyText).toBe(body.toString());
    if ('content-length' in framing) expect(echo.headers['content-length']).toBe('17');
    else expect(echo.headers['transfer-encoding']).toBe('chunked');
  });

  test('When the service answers with its own Connection header, then the client gets the gateway\'s own, and close when it asked for close', async () => {
    // Arrange
    const token = await tokenFor();

    // Act
    const kept = await send(gateway.url, 'GET', '/api/orders', { authorization: `Bearer ${token}` });
    const closed = await send(gateway.url, 'GET', '/api/orders', { authorization: `Bearer ${token}`, connection: 'close' });

    // Assert
    expect([kept.headers.connection, closed.headers.connection]).toEqual(['keep-alive', 'close']);
    expect(closed.headers['keep-alive']).toBeUndefined();
  });
});

describe('Which client address a service is told', () => {
  test('When TRUST_PROXY names the load balancer in front, then the service receives the client address it forwarded', async () => {
    // Arrange
    const users = await startUpstreamStub();
    const gateway = await startTestGateway({ USER_SERVICE_URL: users.url, TRUST_PROXY: 'loopback' });

    try {
      // Act
      const response = await request(gateway.url).post('/api/auth/login').set('X-Forwarded-For', '198.51.100.4, 203.0.113.9').send({});

      // Assert
      expect((response.body as Echo).headers['x-forwarded-for']).toBe('203.0.113.9');
    } finally {
      await gateway.stop();
      await users.close();
    }
  });
});
