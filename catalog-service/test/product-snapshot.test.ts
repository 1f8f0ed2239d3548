import { randomUUID } from 'node:crypto';
import { IDENTITY_HEADERS } from '@shop/platform/http';
import request from 'supertest';
import { asAdmin, asCustomer, asService, startCatalogServiceUnderTest, type CatalogServiceUnderTest, type ProductBody } from './harness';

let sut: CatalogServiceUnderTest;
/** Every product of this file's database: five active, two inactive. */
let products: ProductBody[];

beforeAll(async () => {
  sut = await startCatalogServiceUnderTest();
  products = [];
  for (let i = 0; i < 5; i++) products.push(await sut.createProduct({ name: `Active ${i}` }));
  for (let i = 0; i < 2; i++) products.push(await sut.createInactiveProduct({ name: `Inactive ${i}` }));
});
afterAll(() => sut.stop());

interface SnapshotItem {
  productId: string;
  active: boolean;
  version: number;
}

const snapshot = (query: Record<string, string | number>) => request(sut.url).get('/product-snapshot').query(query).set(asService());

describe('GET /product-snapshot', () => {
  test('When a service pages with limit 3, then it gets every product (inactive too) once, in id order, and nextAfter null on the last page', async () => {
    const pages: SnapshotItem[][] = [];
    const nextAfters: Array<string | null> = [];
    let after: string | null = null;
    do {
      const query: Record<string, string | number> = after ? { limit: 3, after } : { limit: 3 };
      const body: { items: SnapshotItem[]; nextAfter: string | null } = (await snapshot(query).expect(200)).body;
      pages.push(body.items);
      nextAfters.push(body.nextAfter);
      after = body.nextAfter;
    } while (after && pages.length < 10);

    const ids = pages.flat().map((item) => item.productId);
    expect(pages.map((page) => page.length)).toEqual([3, 3, 1]);
    expect(ids).toEqual(products.map((p) => p.id).sort());
    expect(nextAfters).toEqual([pages[0]!.at(-1)!.productId, pages[1]!.at(-1)!.productId, null]);
    expect(pages.flat().filter((item) => !item.active)).toHaveLength(2);
  });

  test('When the items exactly fill the last page, then its nextAfter is null (no empty page follows)', async () => {
    const first = await snapshot({ limit: 4 }).expect(200);
    const second = await snapshot({ limit: 3, after: first.body.nextAfter }).expect(200);

    expect(second.body.items).toHaveLength(3);
    expect(second.body.nextAfter).toBeNull();
  });

  test('When no limit is given, then one page of up to 500 holds every product with the fixed fields', async () => {
    const inactive = products[5]!;

    const res = await snapshot({}).expect(200);

    expect(res.body.items).toHaveLength(7);
    expect(res.body.nextAfter).toBeNull();
    expect(res.body.items.find((item: SnapshotItem) => item.productId === inactive.id)).toEqual({
      productId: inactive.id,
      sku: inactive.sku,
      name: inactive.name,
      description: inactive.description,
      priceCents: inactive.priceCents,
      currency: inactive.currency,
      stock: inactive.stock,
      active: false,
      version: 2,
      updatedAt: inactive.updatedAt,
    });
  });

  test('When after is the last id, then an empty page with nextAfter null', async () => {
    const last = products.map((p) => p.id).sort().at(-1)!;

    const res = await snapshot({ after: last }).expect(200);

    expect(res.body).toEqual({ items: [], nextAfter: null });
  });

  test.each([
    ['limit 0', { limit: 0 }, 'limit'],
    ['limit 1001', { limit: 1001 }, 'limit'],
    ['an after that is not a uuid', { after: 'abc' }, 'after'],
  ])('When the query has %s, then 400 naming it', async (_, query, field) => {
    const res = await snapshot(query);

    expect(res.status).toBe(400);
    expect(res.body.details.fields.map((f: { path: string }) => f.path)).toContain(field);
  });

  test('When limit is 1000 (the bound), then 200', async () => {
    await snapshot({ limit: 1000 }).expect(200);
  });

  test.each([
    ['a customer', asCustomer()],
    ['an admin', asAdmin()],
  ])('When %s asks, then 403', async (_, headers) => {
    const res = await request(sut.url).get('/product-snapshot').set(headers);

    expect(res.status).toBe(403);
    expect(res.body.code).toBe('forbidden');
  });

  test('When there are no credentials, or a wrong service token, then 401', async () => {
    const none = await request(sut.url).get('/product-snapshot');
    const wrong = await request(sut.url).get('/product-snapshot').set(IDENTITY_HEADERS.serviceToken, `wrong-${randomUUID()}`);

    expect(none.status).toBe(401);
    expect(wrong.status).toBe(401);
  });
});
