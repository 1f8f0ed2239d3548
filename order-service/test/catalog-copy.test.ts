import request from 'supertest';
import { waitFor } from '@shop/platform/testing';
import { asUser, buildOrder, startOrderServiceUnderTest, type OrderServiceUnderTest } from './harness';
import { CatalogReadModel } from '../src/domain/catalog-read-model';
import { buildProduct } from './stub-catalog-service';

// order-service prices orders from its own copy of the catalog. A fresh database is filled from
// catalog-service's snapshot once; until then it cannot price anything, and says so.

describe('filling the catalog copy of a fresh database', () => {
  let sut: OrderServiceUnderTest | undefined;
  afterEach(async () => {
    await sut?.stop();
    sut = undefined;
  });

  test('When products existed before order-service started, then its copy is filled page by page and they can be ordered at their price', async () => {
    // Arrange: more products than one snapshot page (500) holds.
    const products = Array.from({ length: 620 }, (_, i) => buildProduct({ sku: `OLD-${i}`, priceCents: 100 + i }));

    // Act
    sut = await startOrderServiceUnderTest({}, { catalogProducts: products });
    const last = products.at(-1)!;
    const res = await request(sut.url).post('/orders').set(asUser(sut.users.addUser())).send(buildOrder({ items: [{ productId: last.productId, quantity: 2 }] }));

    // Assert
    expect(res.status).toBe(201);
    expect(res.body.items[0]).toMatchObject({ sku: last.sku, unitPriceCents: last.priceCents });
    expect(sut.catalog.pagesServed).toBeGreaterThanOrEqual(2);
    expect(await sut.service.db.catalogProduct.count()).toBe(620);
  });

  test('When catalog-service cannot be reached at the first start, then /ready says why and orders are 503; once it answers, orders are accepted', async () => {
    // Arrange: the stub catalog exists but is not answering.
    sut = await startOrderServiceUnderTest({}, { catalogProducts: null });
    const book = buildProduct({ priceCents: 1234 });
    sut.catalog.products.push(book);

    // Act
    const ready = await request(sut.url).get('/ready');
    const refused = await request(sut.url).post('/orders').set(asUser(sut.users.addUser())).send(buildOrder({ items: [{ productId: book.productId, quantity: 1 }] }));
    await sut.catalog.start();
    await waitFor(async () => (await request(sut!.url).get('/ready')).status === 200, { timeoutMs: 15_000, what: 'the copy to be filled once catalog-service answers' });
    const accepted = await request(sut.url).post('/orders').set(asUser(sut.users.addUser())).send(buildOrder({ items: [{ productId: book.productId, quantity: 1 }] }));

    // Assert
    expect(ready.status).toBe(503);
    expect(ready.body.checks.catalog).toMatchObject({ ok: false, error: expect.stringMatching(/not filled/) });
    expect(refused.status).toBe(503);
    expect(refused.body.code).toBe('catalog-service-unavailable');
    // 5 s, jittered up to twice that so refused clients do not come back together.
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(5);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(10);
    expect(accepted.status).toBe(201);
    expect(accepted.body.totalCents).toBe(1234);
  });

  test('When a process starts on a database whose copy was filled before, then it prices orders before its own fill has run', async () => {
    // Arrange: a filled database; a second read model over it, as a restarted process has
    // while its fill() has not read the mark yet (it never runs here).
    sut = await startOrderServiceUnderTest({}, { catalogProducts: [buildProduct()] });
    await waitFor(async () => (await request(sut!.url).get('/ready')).status === 200, { timeoutMs: 15_000, what: 'the first fill' });
    const restarted = new CatalogReadModel({ db: sut.service.db, readSnapshot: () => Promise.reject(new Error('catalog-service must not be asked')) });

    // Act / Assert: the database's mark answers, catalog-service is not asked.
    await expect(restarted.assertFilled()).resolves.toBeUndefined();
    await expect(restarted.check()).resolves.toEqual({ filled: true });
  });
});
