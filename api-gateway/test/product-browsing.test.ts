import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { GATEWAY_TOKEN, startTestGateway, tokenFor, type TestGateway } from './support/test-gateway';
import { startUpstreamStub, type Echo, type UpstreamStub } from './support/upstream-stub';

// Anyone may browse the catalog; a signed-in admin is forwarded as such, so catalog-service can
// show retired products. Changing the catalog needs a token like every other route.
describe('Browsing products', () => {
  let catalog: UpstreamStub;
  let gateway: TestGateway;

  beforeAll(async () => {
    catalog = await startUpstreamStub();
    gateway = await startTestGateway({ CATALOG_SERVICE_URL: catalog.url });
  });

  afterAll(async () => {
    await gateway.stop();
    await catalog.close();
  });

  test.each(['/api/products?limit=5', `/api/products/${randomUUID()}`])('When anyone reads %s without a token, then it reaches catalog-service with no identity', async (path) => {
    // Act
    const response = await request(gateway.url).get(path);

    // Assert
    expect(response.status).toBe(200);
    const { headers, url } = response.body as Echo;
    expect(url).toBe(path.replace(/^\/api/, ''));
    for (const name of ['x-user-id', 'x-user-role', 'x-gateway-token']) expect(headers[name]).toBeUndefined();
  });

  test('When an admin reads a product with a token, then catalog-service receives the verified admin', async () => {
    // Arrange
    const userId = randomUUID();
    const token = await tokenFor({ userId, role: 'admin' });

    // Act
    const response = await request(gateway.url).get(`/api/products/${randomUUID()}`).set('Authorization', `Bearer ${token}`);

    // Assert
    expect((response.body as Echo).headers).toMatchObject({ 'x-user-id': userId, 'x-user-role': 'admin', 'x-gateway-token': GATEWAY_TOKEN });
  });

  test.each([
    ['a malformed token', 'Bearer not-a-jwt', 'invalid-token'],
    ['a non-Bearer scheme', 'Basic YTpi', 'missing-token'],
  ])('When a product is read with %s, then 401 and catalog-service is not asked', async (_what, authorization, code) => {
    // Arrange
    const before = catalog.requests.length;

    // Act
    const response = await request(gateway.url).get('/api/products').set('Authorization', authorization);

    // Assert
    expect(response.status).toBe(401);
    expect(response.body.code).toBe(code);
    expect(catalog.requests.length).toBe(before);
  });

  test.each([
    ['POST', '/api/products'],
    ['PATCH', `/api/products/${randomUUID()}`],
    ['POST', `/api/products/${randomUUID()}/stock-adjustments`],
  ])('When %s %s comes without a token, then 401 missing-token', async (method, path) => {
    // Act
    const response = await request(gateway.url)[method.toLowerCase() as 'post' | 'patch'](path).send({});

    // Assert
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('missing-token');
  });
});
