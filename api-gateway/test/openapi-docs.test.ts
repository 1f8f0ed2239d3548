import type { ServerResponse } from 'node:http';
import request from 'supertest';
import { startTestGateway, type TestGateway } from './support/test-gateway';
import { echo, startUpstreamStub, type StubHandler, type UpstreamStub } from './support/upstream-stub';

const sendJson = (res: ServerResponse, status: number, body: unknown) =>
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

const bearerAuth = { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' };

const userServiceDocument = {
  openapi: '3.1.0',
  info: { title: 'user-service', version: '1.0.0' },
  paths: {
    '/users': { post: { summary: 'Register' } },
    '/users/{id}': { get: { summary: 'Get a user' } },
    '/auth/login': { post: { summary: 'Log in' } },
    // Served by user-service, but no routing-table entry reaches it.
    '/internal/cleanup': { post: { summary: 'Internal only' } },
  },
  components: { securitySchemes: { bearerAuth }, schemas: { User: { type: 'object' } } },
};

const orderServiceDocument = {
  openapi: '3.1.0',
  info: { title: 'order-service', version: '1.0.0' },
  paths: { '/orders': { get: { summary: 'List orders' }, post: { summary: 'Place an order' } } },
  components: { securitySchemes: { bearerAuth }, schemas: { Order: { type: 'object' } } },
};

/** A service that serves document at /openapi.json (after `failures` 500s) and echoes everything else. */
function serving(document: object, failures = 0): StubHandler {
  let failed = 0;
  return (req, res, body) => {
    if (req.url !== '/openapi.json') return echo(req, res, body);
    if (failed < failures) {
      failed += 1;
      return sendJson(res, 500, { code: 'internal-error' });
    }
    sendJson(res, 200, document);
  };
}

const openApiFetches = (stub: UpstreamStub) => stub.requests.filter((r) => r.url === '/openapi.json').length;

describe('GET /api/openapi.json', () => {
  let users: UpstreamStub;
  let orders: UpstreamStub;
  let gateway: TestGateway;

  beforeAll(async () => {
    [users, orders] = await Promise.all([startUpstreamStub(serving(userServiceDocument)), startUpstreamStub(serving(orderServiceDocument))]);
    // Payment and notification services stay on closed ports.
    gateway = await startTestGateway({ USER_SERVICE_URL: users.url, ORDER_SERVICE_URL: orders.url });
  });

  afterAll(async () => {
    await gateway.stop();
    await Promise.all([users.close(), orders.close()]);
  });

  test('When two services are up and two are down, then their documents are merged under /api and the missing ones listed', async () => {
    // Act
    const response = await request(gateway.url).get('/api/openapi.json');

    // Assert
    expect(response.status).toBe(200);
    expect(response.body.paths).toMatchObject({
      '/api/users': { post: { summary: 'Register' } },
      '/api/users/{id}': { get: { summary: 'Get a user' } },
      '/api/auth/login': { post: { summary: 'Log in' } },
      '/api/orders': { get: { summary: 'List orders' }, post: { summary: 'Place an order' } },
      '/health': expect.any(Object),
      '/api/openapi.json': expect.any(Object),
    });
    expect(response.body.components.schemas).toEqual({ Error: expect.any(Object), User: { type: 'object' }, Order: { type: 'object' } });
    expect(response.body.components.securitySchemes).toEqual({ bearerAuth });
    expect(response.body['x-unavailable-services']).toEqual(['catalog-service', 'payment-service', 'notification-service']);
  });

  test('When a service documents a path the gateway does not route, then the merged document leaves it out', async () => {
    // Act
    const response = await request(gateway.url).get('/api/openapi.json');

    // Assert
    expect(Object.keys(response.body.paths)).not.toContain('/api/internal/cleanup');
  });

  test('When the document is asked for twice in a row, then each service is fetched once', async () => {
    // Arrange
    await request(gateway.url).get('/api/openapi.json');
    const before = openApiFetches(users);

    // Act
    await request(gateway.url).get('/api/openapi.json');

    // Assert
    expect(openApiFetches(users)).toBe(before);
  });

  test('When a service failed to answer, then the failure is not cached and its paths appear on the next request', async () => {
    // Arrange
    const flaky = await startUpstreamStub(serving(orderServiceDocument, 1));
    const local = await startTestGateway({ USER_SERVICE_URL: users.url, ORDER_SERVICE_URL: flaky.url });
    try {
      const first = await request(local.url).get('/api/openapi.json');

      // Act
      const second = await request(local.url).get('/api/openapi.json');

      // Assert
      expect(first.status).toBe(200);
      expect(first.body['x-unavailable-services']).toContain('order-service');
      expect(second.body['x-unavailable-services']).not.toContain('order-service');
      expect(second.body.paths['/api/orders']).toBeDefined();
    } finally {
      await local.stop();
      await flaky.close();
    }
  });
});

describe('GET /api/openapi.json: the answers of the gateway itself', () => {
  const ERROR = { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } };
  const catalogServiceDocument = {
    openapi: '3.1.0',
    info: { title: 'catalog-service', version: '1.0.0' },
    paths: { '/products': { get: { summary: 'Browse', responses: { 200: { description: 'A page' } } } } },
  };
  let users: UpstreamStub;
  let catalog: UpstreamStub;
  let gateway: TestGateway;
  let document: { paths: Record<string, Record<string, { responses: Record<string, { content?: unknown; headers?: Record<string, { required?: boolean }> }> }>>; components: { schemas: Record<string, unknown> } };
  const responsesOf = (path: string, method: string) => document.paths[path]![method]!.responses;

  beforeAll(async () => {
    [users, catalog] = await Promise.all([startUpstreamStub(serving(userServiceDocument)), startUpstreamStub(serving(catalogServiceDocument))]);
    gateway = await startTestGateway({ USER_SERVICE_URL: users.url, CATALOG_SERVICE_URL: catalog.url });
    document = (await request(gateway.url).get('/api/openapi.json')).body;
  });

  afterAll(async () => {
    await gateway.stop();
    await Promise.all([users.close(), catalog.close()]);
  });

  test('When a route is proxied, then it documents 429 with Retry-After and RateLimit headers, 502 and 504, each with the Error body', () => {
    // Act
    const responses = responsesOf('/api/users/{id}', 'get');

    // Assert
    for (const status of ['400', '429', '500', '502', '504']) expect(responses[status]!.content).toEqual(ERROR);
    expect(responses['408']).toBeDefined();
    expect(Object.keys(responses['429']!.headers!).sort()).toEqual(['RateLimit', 'RateLimit-Policy', 'Retry-After']);
    expect(responses['429']!.headers!['Retry-After']!.required).toBe(true);
  });

  test('When a route needs a token, or takes an optional one, then 401 is documented; on a route that takes none it is not', () => {
    // Assert
    expect(responsesOf('/api/users/{id}', 'get')['401']!.content).toEqual(ERROR);
    expect(responsesOf('/api/products', 'get')['401']!.content).toEqual(ERROR);
    expect(responsesOf('/api/users', 'post')['401']).toBeUndefined();
  });

  test('When a service documents a status itself, then its description is kept', () => {
    // Arrange
    const own = { description: 'A page' };

    // Assert
    expect(responsesOf('/api/products', 'get')['200']).toEqual(own);
  });

  test("When the gateway's own routes are documented, then /ready declares 503 and every route 400 and 500", () => {
    // Assert
    expect(Object.keys(responsesOf('/ready', 'get')).sort()).toEqual(['200', '400', '408', '500', '503']);
    expect(Object.keys(responsesOf('/health', 'get')).sort()).toEqual(['200', '400', '408', '500']);
    expect(responsesOf('/health', 'get')['429']).toBeUndefined();
  });

  test('When the Error schema is documented, then it is code, message and optional details, and nothing else', () => {
    // Assert
    expect(document.components.schemas.Error).toMatchObject({ type: 'object', required: ['code', 'message'], additionalProperties: false });
  });
});

describe('GET /api/docs', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startTestGateway();
  });

  afterAll(async () => {
    await gateway.stop();
  });

  test('When a browser opens /api/docs without a token, then it gets the Swagger UI page built from self-hosted assets', async () => {
    // Act
    const response = await request(gateway.url).get('/api/docs');

    // Assert
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.text).toContain('<div id="swagger-ui"></div>');
    const sources = [...response.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]);
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) expect(source).toMatch(/^\/api\/docs\//);
  });

  test('When the page loads its scripts and styles, then every one of them is served', async () => {
    // Arrange
    const page = await request(gateway.url).get('/api/docs');
    const sources = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);

    // Act
    const responses = await Promise.all(sources.map((source) => request(gateway.url).get(source)));

    // Assert
    for (const response of responses) expect(response.status).toBe(200);
  });

  test('When the init script is served, then it points Swagger UI at /api/openapi.json', async () => {
    // Act
    const response = await request(gateway.url).get('/api/docs/init.js');

    // Assert
    expect(response.headers['content-type']).toMatch(/javascript/);
    expect(response.text).toContain("url: '/api/openapi.json'");
  });

  test('When the page is served, then its CSP allows only same-origin scripts and does not force https', async () => {
    // Act
    const response = await request(gateway.url).get('/api/docs');

    // Assert
    const csp = response.headers['content-security-policy'] as string;
    expect(csp).toMatch(/(^|;)\s*script-src 'self'(;|$)/);
    expect(csp).not.toContain('upgrade-insecure-requests');
    // Every script is a file, so the page needs no 'unsafe-inline'.
    expect(response.text.match(/<script(?![^>]*\bsrc=)[^>]*>/g)).toBeNull();
  });
});
