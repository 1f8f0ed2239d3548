import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { asAdmin, asCustomer, asService, buildProduct, startCatalogServiceUnderTest, uniqueSku, type CatalogServiceUnderTest } from './harness';

let sut: CatalogServiceUnderTest;
beforeAll(async () => {
  sut = await startCatalogServiceUnderTest();
});
afterAll(() => sut.stop());

const fieldsOf = (body: { details: { fields: Array<{ path: string }> } }) => body.details.fields.map((f) => f.path);

/** Rows whose sku equals this one in any case. */
async function rowsWithSku(sku: string) {
  return sut.query<{ sku: string; stock: number; version: number }>('SELECT sku, stock, version FROM products WHERE lower(sku) = lower($1)', [sku]);
}

async function stockOf(id: string): Promise<number> {
  return (await request(sut.url).get(`/products/${id}`).set(asAdmin()).expect(200)).body.stock;
}

describe('POST /products', () => {
  test('When an admin creates a product, then 201 with it, active, and GET returns the same', async () => {
    const body = buildProduct({ sku: 'BOOK-TAOCP-1', name: 'The Art of Computer Programming, Vol. 1', priceCents: 7499, stock: 40 });

    const res = await request(sut.url).post('/products').set(asAdmin()).send(body);
    const read = await request(sut.url).get(`/products/${res.body.id}`);

    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      sku: 'BOOK-TAOCP-1',
      name: 'The Art of Computer Programming, Vol. 1',
      description: 'Volume 1',
      priceCents: 7499,
      currency: 'EUR',
      stock: 40,
      active: true,
      createdAt: expect.any(String),
      updatedAt: res.body.createdAt,
    });
    expect(read.body).toEqual(res.body);
  });

  test('When stock and description are left out, then the stock is 0 and the description null', async () => {
    const { stock: _s, description: _d, ...body } = buildProduct();

    const res = await request(sut.url).post('/products').set(asAdmin()).send(body);

    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ stock: 0, description: null });
  });

  test('When the sku is taken in another letter case, then 409 sku-taken and only the first product exists', async () => {
    const sku = uniqueSku('CASE');
    await sut.createProduct({ sku });

    const res = await request(sut.url).post('/products').set(asAdmin()).send(buildProduct({ sku: sku.toLowerCase(), name: 'Another' }));

    expect(res.status).toBe(409);
    expect(res.body.code).toBe('sku-taken');
    expect(await rowsWithSku(sku)).toEqual([{ sku, stock: 10, version: 1 }]);
  });

  test.each([
    ['an unknown field', { color: 'red' }, 'color'],
    ['a lower-case currency', { currency: 'eur' }, 'currency'],
    ['a four-letter currency', { currency: 'EURO' }, 'currency'],
    ['a non-integer price', { priceCents: 19.99 }, 'priceCents'],
    ['a zero price', { priceCents: 0 }, 'priceCents'],
    ['a negative price', { priceCents: -100 }, 'priceCents'],
    ['a price as text', { priceCents: '1999' }, 'priceCents'],
    ['a negative stock', { stock: -1 }, 'stock'],
    ['a non-integer stock', { stock: 2.5 }, 'stock'],
    ['an empty sku', { sku: '' }, 'sku'],
    ['a sku with spaces', { sku: 'BOOK 1' }, 'sku'],
    ['a sku of 65 characters', { sku: 'A'.repeat(65) }, 'sku'],
    ['a blank name', { name: '   ' }, 'name'],
    ['a name of 201 characters', { name: 'n'.repeat(201) }, 'name'],
    ['no name', { name: undefined }, 'name'],
    ['no price', { priceCents: undefined }, 'priceCents'],
    ['no currency', { currency: undefined }, 'currency'],
  ])('When the body has %s, then 400 validation-failed naming it and nothing is created', async (_, override, field) => {
    const body = buildProduct(override);

    const res = await request(sut.url).post('/products').set(asAdmin()).send(body);

    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation-failed');
    expect(fieldsOf(res.body)).toContain(field);
    expect(typeof body.sku === 'string' && body.sku ? await rowsWithSku(body.sku) : []).toEqual([]);
  });

  test('When there are no credentials, then 401 and nothing is created', async () => {
    const body = buildProduct();

    const res = await request(sut.url).post('/products').send(body);

    expect(res.status).toBe(401);
    expect(await rowsWithSku(body.sku)).toEqual([]);
  });

  test.each([
    ['a customer', asCustomer()],
    ['another service', asService()],
  ])('When %s creates a product, then 403 and nothing is created', async (_, headers) => {
    const body = buildProduct();

    const res = await request(sut.url).post('/products').set(headers).send(body);

    expect(res.status).toBe(403);
    expect(res.body.code).toBe('forbidden');
    expect(await rowsWithSku(body.sku)).toEqual([]);
  });
});

describe('PATCH /products/:id', () => {
  test('When an admin changes name, description, price and active, then 200 with them and a newer updatedAt', async () => {
    const product = await sut.createProduct();

    const res = await request(sut.url)
      .patch(`/products/${product.id}`)
      .set(asAdmin())
      .send({ name: 'TAOCP, Vol. 1 (3rd edition)', description: null, priceCents: 6999, active: false });
    const read = await request(sut.url).get(`/products/${product.id}`).set(asAdmin());

    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ...product,
      name: 'TAOCP, Vol. 1 (3rd edition)',
      description: null,
      priceCents: 6999,
      active: false,
      updatedAt: expect.any(String),
    });
    expect(Date.parse(res.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(product.updatedAt));
    // An admin's GET adds the reserved units (none here) to what the change answered.
    expect(read.body).toEqual({ ...res.body, reserved: 0 });
    expect((await rowsWithSku(product.sku))[0]?.version).toBe(2);
  });

  test('When only one field is sent, then the others stay as they were', async () => {
    const product = await sut.createProduct({ description: 'Keep me' });

    const res = await request(sut.url).patch(`/products/${product.id}`).set(asAdmin()).send({ priceCents: 100 });

    expect(res.body).toEqual({ ...product, priceCents: 100, updatedAt: expect.any(String) });
  });

  test('When an inactive product is activated again, then customers see it again', async () => {
    const product = await sut.createInactiveProduct();

    await request(sut.url).patch(`/products/${product.id}`).set(asAdmin()).send({ active: true }).expect(200);
    const read = await request(sut.url).get(`/products/${product.id}`).set(asCustomer());

    expect(read.status).toBe(200);
    expect(read.body.active).toBe(true);
  });

  test.each([
    ['sku', { sku: 'NEW-SKU' }, 'sku'],
    ['stock', { stock: 99 }, 'stock'],
    ['a non-integer price', { priceCents: 1.5 }, 'priceCents'],
    ['active as text', { active: 'no' }, 'active'],
  ])('When the patch has %s, then 400 naming it and the product is unchanged', async (_, patch, field) => {
    const product = await sut.createProduct();

    const res = await request(sut.url).patch(`/products/${product.id}`).set(asAdmin()).send(patch);

    expect(res.status).toBe(400);
    expect(fieldsOf(res.body)).toContain(field);
    expect((await request(sut.url).get(`/products/${product.id}`)).body).toEqual(product);
  });

  test('When the patch is empty, then 400', async () => {
    const product = await sut.createProduct();

    const res = await request(sut.url).patch(`/products/${product.id}`).set(asAdmin()).send({});

    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation-failed');
  });

  test('When the product is unknown, then 404; the id malformed, then 400', async () => {
    const unknown = await request(sut.url).patch(`/products/${randomUUID()}`).set(asAdmin()).send({ name: 'x' });
    const malformed = await request(sut.url).patch('/products/123').set(asAdmin()).send({ name: 'x' });

    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('product-not-found');
    expect(malformed.status).toBe(400);
  });

  test('When a customer patches, then 403 and the product is unchanged; without credentials, 401', async () => {
    const product = await sut.createProduct();

    const customer = await request(sut.url).patch(`/products/${product.id}`).set(asCustomer()).send({ priceCents: 1 });
    const anonymous = await request(sut.url).patch(`/products/${product.id}`).send({ priceCents: 1 });

    expect(customer.status).toBe(403);
    expect(anonymous.status).toBe(401);
    expect((await request(sut.url).get(`/products/${product.id}`)).body).toEqual(product);
  });
});

describe('POST /products/:id/stock-adjustments', () => {
  test('When an admin adds and removes units, then 200 with the new stock each time', async () => {
    const product = await sut.createProduct({ stock: 10 });

    const added = await request(sut.url).post(`/products/${product.id}/stock-adjustments`).set(asAdmin()).send({ delta: 5, reason: 'delivery' });
    const removed = await request(sut.url).post(`/products/${product.id}/stock-adjustments`).set(asAdmin()).send({ delta: -15, reason: 'stocktake' });

    expect(added.status).toBe(200);
    expect(added.body).toEqual({ ...product, stock: 15, updatedAt: expect.any(String) });
    expect(removed.status).toBe(200);
    expect(removed.body.stock).toBe(0);
  });

  test('When the stock would go below zero, then 409 insufficient-stock and the stock and version are unchanged', async () => {
    const product = await sut.createProduct({ stock: 3 });

    const res = await request(sut.url).post(`/products/${product.id}/stock-adjustments`).set(asAdmin()).send({ delta: -4, reason: 'breakage' });

    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'insufficient-stock', details: { stock: 3, delta: -4 } });
    expect(await rowsWithSku(product.sku)).toEqual([{ sku: product.sku, stock: 3, version: 1 }]);
  });

  test('When ten removals of one unit race for five units, then exactly five succeed and the stock ends at zero', async () => {
    const product = await sut.createProduct({ stock: 5 });

    const results = await Promise.all(
      Array.from({ length: 10 }, () => request(sut.url).post(`/products/${product.id}/stock-adjustments`).set(asAdmin()).send({ delta: -1, reason: 'sale' })),
    );

    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 409, 409, 409, 409, 409]);
    expect(await stockOf(product.id)).toBe(0);
    expect(await rowsWithSku(product.sku)).toEqual([{ sku: product.sku, stock: 0, version: 6 }]);
  });

  test.each([
    ['a delta of 0', { delta: 0, reason: 'nothing' }, 'delta'],
    ['a non-integer delta', { delta: 1.5, reason: 'half' }, 'delta'],
    ['no reason', { delta: 1 }, 'reason'],
    ['a blank reason', { delta: 1, reason: '  ' }, 'reason'],
    ['an unknown field', { delta: 1, reason: 'x', stock: 5 }, 'stock'],
  ])('When the adjustment has %s, then 400 naming it and the stock is unchanged', async (_, body, field) => {
    const product = await sut.createProduct({ stock: 10 });

    const res = await request(sut.url).post(`/products/${product.id}/stock-adjustments`).set(asAdmin()).send(body);

    expect(res.status).toBe(400);
    expect(fieldsOf(res.body)).toContain(field);
    expect(await stockOf(product.id)).toBe(10);
  });

  test('When the product is unknown, then 404', async () => {
    const res = await request(sut.url).post(`/products/${randomUUID()}/stock-adjustments`).set(asAdmin()).send({ delta: 1, reason: 'delivery' });

    expect(res.status).toBe(404);
    expect(res.body.code).toBe('product-not-found');
  });

  test('When a customer adjusts, then 403 and the stock is unchanged', async () => {
    const product = await sut.createProduct({ stock: 10 });

    const res = await request(sut.url).post(`/products/${product.id}/stock-adjustments`).set(asCustomer()).send({ delta: 100, reason: 'gift' });

    expect(res.status).toBe(403);
    expect(await stockOf(product.id)).toBe(10);
  });
});
