import request from 'supertest';
import { startCatalogServiceUnderTest, type CatalogServiceUnderTest } from './harness';

let sut: CatalogServiceUnderTest;
beforeAll(async () => {
  sut = await startCatalogServiceUnderTest();
});
afterAll(() => sut.stop());

describe('GET /ready', () => {
  test('When database and broker are up, then 200 with both checks', async () => {
    const res = await request(sut.url).get('/ready');

    expect(res.status).toBe(200);
    expect(res.body.checks).toEqual({ database: { ok: true }, broker: { ok: true } });
  });
});

describe('GET /openapi.json', () => {
  test('When the document is fetched, then it lists every route with its methods, and PATCH takes neither sku nor stock', async () => {
    const res = await request(sut.url).get('/openapi.json');

    expect(res.status).toBe(200);
    const paths = Object.fromEntries(Object.entries(res.body.paths as Record<string, object>).map(([p, ops]) => [p, Object.keys(ops).sort()]));
    expect(paths).toEqual({
      '/health': ['get'],
      '/ready': ['get'],
      '/products': ['get', 'post'],
      '/products/{id}': ['get', 'patch'],
      '/products/{id}/stock-adjustments': ['post'],
      '/product-snapshot': ['get'],
    });
    expect(Object.keys(res.body.components.schemas.UpdateProduct.properties).sort()).toEqual(['active', 'description', 'name', 'priceCents']);
  });
});
