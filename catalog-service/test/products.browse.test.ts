import { randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import { asAdmin, asCustomer, startCatalogServiceUnderTest, type CatalogServiceUnderTest, type ProductBody } from './harness';

let sut: CatalogServiceUnderTest;
beforeAll(async () => {
  sut = await startCatalogServiceUnderTest();
});
afterAll(() => sut.stop());

/** A word no other test's product has, to find this test's products by q. */
const uniqueWord = () => `w${randomBytes(4).toString('hex')}`;

const idsOf = (items: ProductBody[]) => items.map((p) => p.id);

describe('GET /products', () => {
  test('When products exist, then anyone without a token gets them newest first with every public field', async () => {
    const word = uniqueWord();
    const first = await sut.createProduct({ name: `Teapot ${word}`, description: 'Cast iron', priceCents: 2599, stock: 7 });
    const second = await sut.createProduct({ name: `Kettle ${word}`, description: undefined });

    const res = await request(sut.url).get('/products').query({ q: word });

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ items: [second, first], nextCursor: null });
    expect(res.body.items[1]).toEqual({
      id: first.id,
      sku: first.sku,
      name: `Teapot ${word}`,
      description: 'Cast iron',
      priceCents: 2599,
      currency: 'EUR',
      stock: 7,
      active: true,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      updatedAt: first.createdAt,
    });
    expect(res.body.items[0].description).toBeNull();
  });

  test('When the list is paged with limit 2, then the pages hold every product once, newest first, and the last has no cursor', async () => {
    const word = uniqueWord();
    const created: ProductBody[] = [];
    for (let i = 0; i < 5; i++) created.push(await sut.createProduct({ name: `Notebook ${i} ${word}` }));

    const pages: ProductBody[][] = [];
    let cursor: string | undefined;
    do {
      const res = await request(sut.url).get('/products').query({ q: word, limit: 2, ...(cursor ? { cursor } : {}) }).expect(200);
      pages.push(res.body.items);
      cursor = res.body.nextCursor ?? undefined;
    } while (cursor && pages.length < 10);

    expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
    expect(pages.flat().map((p) => p.id)).toEqual(idsOf(created).reverse());
  });

  test('When the default limit applies, then at most 20 products come with a cursor to the rest', async () => {
    const word = uniqueWord();
    for (let i = 0; i < 21; i++) await sut.createProduct({ name: `Pencil ${i} ${word}` });

    const res = await request(sut.url).get('/products').query({ q: word });

    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(20);
    expect(res.body.nextCursor).toEqual(expect.any(String));
  });

  test('When q is part of the name in another letter case, then the product matches; other products do not', async () => {
    const word = uniqueWord();
    const teapot = await sut.createProduct({ name: `Blue Teapot ${word}` });
    await sut.createProduct({ name: `Red Kettle ${word}` });

    const res = await request(sut.url).get('/products').query({ q: `bLUE tEAPOT ${word.toUpperCase()}` });

    expect(res.status).toBe(200);
    expect(idsOf(res.body.items)).toEqual([teapot.id]);
  });

  test('When q is part of the sku in lower case, then the product with the upper-case sku matches', async () => {
    const word = uniqueWord().toUpperCase();
    const product = await sut.createProduct({ sku: `MUG-${word}-XL`, name: 'Mug' });

    const res = await request(sut.url).get('/products').query({ q: `mug-${word.toLowerCase()}` });

    expect(idsOf(res.body.items)).toEqual([product.id]);
  });

  test('When q holds "%" or "_", then they match themselves only, not any text', async () => {
    const word = uniqueWord();
    const percent = await sut.createProduct({ name: `100% cotton_shirt ${word}` });
    await sut.createProduct({ name: `100 cotton shirts ${word}` });

    const byPercent = await request(sut.url).get('/products').query({ q: `100% ` });
    const byUnderscore = await request(sut.url).get('/products').query({ q: `n_s` });

    expect(idsOf(byPercent.body.items)).toEqual([percent.id]);
    expect(idsOf(byUnderscore.body.items)).toEqual([percent.id]);
  });

  test('When a product is inactive, then anonymous visitors and customers do not get it in the list; admins do', async () => {
    const word = uniqueWord();
    const active = await sut.createProduct({ name: `Lamp ${word}` });
    const inactive = await sut.createInactiveProduct({ name: `Old lamp ${word}` });

    const anonymous = await request(sut.url).get('/products').query({ q: word });
    const customer = await request(sut.url).get('/products').query({ q: word }).set(asCustomer());
    const admin = await request(sut.url).get('/products').query({ q: word }).set(asAdmin());

    expect(idsOf(anonymous.body.items)).toEqual([active.id]);
    expect(idsOf(customer.body.items)).toEqual([active.id]);
    expect(idsOf(admin.body.items)).toEqual([inactive.id, active.id]);
    expect(admin.body.items[0].active).toBe(false);
  });

  test.each([
    ['limit 0', { limit: 0 }, 'limit'],
    ['limit 101', { limit: 101 }, 'limit'],
    ['limit "ten"', { limit: 'ten' }, 'limit'],
    ['a cursor that is not one', { cursor: 'bm90LWEtY3Vyc29y' }, 'cursor'],
    ['an empty q', { q: ' ' }, 'q'],
  ])('When the query has %s, then 400 naming the field', async (_, query, field) => {
    const res = await request(sut.url).get('/products').query(query);

    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation-failed');
    expect(res.body.details.fields.map((f: { path: string }) => f.path)).toContain(field);
  });

  test.each([[1], [100]])('When limit is %i (a bound), then 200', async (limit) => {
    await sut.createProduct();

    const res = await request(sut.url).get('/products').query({ limit });

    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeGreaterThanOrEqual(1);
    expect(res.body.items.length).toBeLessThanOrEqual(limit);
  });
});

describe('GET /products/:id', () => {
  test('When the product is active, then anyone without a token gets it', async () => {
    const product = await sut.createProduct();

    const res = await request(sut.url).get(`/products/${product.id}`);

    expect(res.status).toBe(200);
    expect(res.body).toEqual(product);
  });

  test('When the id is unknown, then 404 product-not-found; malformed, then 400', async () => {
    const unknown = await request(sut.url).get(`/products/${randomUUID()}`);
    const malformed = await request(sut.url).get('/products/not-a-uuid');

    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('product-not-found');
    expect(malformed.status).toBe(400);
    expect(malformed.body.details.fields.map((f: { path: string }) => f.path)).toEqual(['id']);
  });

  test('When the product is inactive, then 404 for anonymous visitors and customers, 200 for admins', async () => {
    const product = await sut.createInactiveProduct();

    const anonymous = await request(sut.url).get(`/products/${product.id}`);
    const customer = await request(sut.url).get(`/products/${product.id}`).set(asCustomer());
    const admin = await request(sut.url).get(`/products/${product.id}`).set(asAdmin());

    expect(anonymous.status).toBe(404);
    expect(anonymous.body.code).toBe('product-not-found');
    expect(customer.status).toBe(404);
    expect(admin.status).toBe(200);
    expect(admin.body).toEqual({ ...product, active: false, reserved: 0 });
  });
});
