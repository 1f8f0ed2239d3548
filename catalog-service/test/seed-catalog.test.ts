import type { EventEnvelope } from '@shop/platform/messaging';
import { MessageCollector, TEST_BROKER_URL } from '@shop/platform/testing';
import request from 'supertest';
import { SAMPLE_CATALOG } from '../src/domain/sample-catalog';
import { seedCatalog } from '../src/domain/seed-catalog';
import { createProductBody } from '../src/entry-points/http/product-schemas';
import { startCatalogServiceUnderTest, type CatalogServiceUnderTest, type ProductBody } from './harness';

async function allProducts(sut: CatalogServiceUnderTest): Promise<ProductBody[]> {
  return (await request(sut.url).get('/products').query({ limit: 100 }).expect(200)).body.items;
}

async function outboxTypes(sut: CatalogServiceUnderTest): Promise<string[]> {
  return (await sut.query<{ type: string }>('SELECT type FROM outbox_messages ORDER BY seq')).map((row) => row.type);
}

describe('the sample catalog', () => {
  test('When it is read, then it holds a dozen valid EUR products with distinct skus and 25 to 100 units each', () => {
    expect(SAMPLE_CATALOG).toHaveLength(12);
    for (const product of SAMPLE_CATALOG) {
      expect(createProductBody.safeParse(product).error).toBeUndefined();
      expect(product).toMatchObject({ currency: 'EUR', stock: expect.any(Number) });
      expect(product.stock).toBeGreaterThanOrEqual(25);
      expect(product.stock).toBeLessThanOrEqual(100);
    }
    expect(new Set(SAMPLE_CATALOG.map((p) => p.sku.toLowerCase())).size).toBe(12);
  });
});

describe('seedCatalog', () => {
  let sut: CatalogServiceUnderTest;
  let published: MessageCollector;
  beforeAll(async () => {
    sut = await startCatalogServiceUnderTest();
    published = await MessageCollector.bindTo(TEST_BROKER_URL, sut.config.EVENTS_EXCHANGE, ['product.*']);
  });
  afterAll(async () => {
    await published.close();
    await sut.stop();
  });

  test('When the catalog is empty, then the dozen sample products are inserted, listed in sample order, and each announced by product.created', async () => {
    const result = await seedCatalog(sut.db, new Date());
    const products = await allProducts(sut);
    const messages = await published.waitForCount(12);

    expect(result).toEqual({ inserted: 12 });
    expect(products.map((p) => p.sku)).toEqual(SAMPLE_CATALOG.map((p) => p.sku));
    expect(products.map(({ sku, name, description, priceCents, currency, stock, active }) => ({ sku, name, description, priceCents, currency, stock, active }))).toEqual(
      SAMPLE_CATALOG.map((p) => ({ ...p, active: true })),
    );
    expect(messages.map((m) => m.routingKey)).toEqual(Array(12).fill('product.created'));
    expect(new Set(messages.map((m) => (m.json as EventEnvelope<{ productId: string }>).payload.productId))).toEqual(new Set(products.map((p) => p.id)));
  });

  test('When it runs again, then nothing is inserted and no event is recorded', async () => {
    const result = await seedCatalog(sut.db, new Date());

    expect(result).toEqual({ inserted: 0 });
    expect(await allProducts(sut)).toHaveLength(12);
    expect(await outboxTypes(sut)).toHaveLength(12);
  });
});

describe('seedCatalog on a catalog that is not empty, or twice at once', () => {
  let sut: CatalogServiceUnderTest;
  beforeAll(async () => {
    sut = await startCatalogServiceUnderTest();
  });
  afterAll(() => sut.stop());

  test('When a product exists, then the seed skips and the catalog keeps just that product', async () => {
    const existing = await sut.createProduct();

    const result = await seedCatalog(sut.db, new Date());

    expect(result).toEqual({ inserted: 0 });
    expect((await allProducts(sut)).map((p) => p.id)).toEqual([existing.id]);
    expect(await outboxTypes(sut)).toEqual(['product.created']);
  });

  test('When two seeds run at once on an empty catalog, then one inserts the dozen and the other nothing', async () => {
    await sut.query('DELETE FROM products');
    await sut.query('DELETE FROM outbox_messages');

    const results = await Promise.all([seedCatalog(sut.db, new Date()), seedCatalog(sut.db, new Date())]);

    expect(results.map((r) => r.inserted).sort((a, b) => a - b)).toEqual([0, 12]);
    expect(await allProducts(sut)).toHaveLength(12);
    expect(await outboxTypes(sut)).toHaveLength(12);
  });
});
