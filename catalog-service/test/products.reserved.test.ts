import type { EventEnvelope } from '@shop/platform/messaging';
import { MessageCollector, TEST_BROKER_URL } from '@shop/platform/testing';
import request from 'supertest';
import { asAdmin, asCustomer, buildOrderCreated, startCatalogServiceUnderTest, type CatalogServiceUnderTest, type ProductBody } from './harness';

let sut: CatalogServiceUnderTest;
let published: MessageCollector;
/** A product with 10 units of which an order reserved 3. */
let product: ProductBody;

beforeAll(async () => {
  sut = await startCatalogServiceUnderTest();
  published = await MessageCollector.bindTo(TEST_BROKER_URL, sut.config.EVENTS_EXCHANGE, ['stock.*']);
  product = await sut.createProduct({ stock: 10 });
  await sut.publishEvent('order.created', buildOrderCreated([{ productId: product.id, quantity: 3 }]));
  const [answer] = await published.waitForCount(1);
  expect((answer!.json as EventEnvelope).type).toBe('stock.reserved');
});
afterAll(async () => {
  await published.close();
  await sut.stop();
});

const inList = (body: { items: Array<{ id: string }> }) => body.items.find((item) => item.id === product.id);

describe('GET /products/:id and GET /products with reserved units', () => {
  test('When an admin reads the product, one by one or in the list, then stock is what is for sale and reserved what orders hold', async () => {
    const one = await request(sut.url).get(`/products/${product.id}`).set(asAdmin()).expect(200);
    const list = await request(sut.url).get('/products').set(asAdmin()).expect(200);

    expect(one.body).toEqual({ ...product, stock: 7, reserved: 3 });
    expect(inList(list.body)).toEqual(one.body);
  });

  test.each([
    ['a customer', asCustomer()],
    ['an anonymous visitor', {}],
  ])('When %s reads the product, then the stock for sale shows and reserved does not', async (_, headers) => {
    const one = await request(sut.url).get(`/products/${product.id}`).set(headers).expect(200);
    const list = await request(sut.url).get('/products').set(headers).expect(200);

    expect(one.body).toEqual({ ...product, stock: 7 });
    expect(one.body).not.toHaveProperty('reserved');
    expect(inList(list.body)).toEqual(one.body);
  });

  test('When the OpenAPI document is read, then the GET routes document an optional reserved and the change routes do not', async () => {
    const doc = (await request(sut.url).get('/openapi.json').expect(200)).body;
    const schemaOf = (path: string, method: string) => doc.paths[path][method].responses['200'].content['application/json'].schema.$ref;

    expect(schemaOf('/products/{id}', 'get')).toBe('#/components/schemas/ProductView');
    expect(doc.components.schemas.ProductsPage.properties.items.items.$ref).toBe('#/components/schemas/ProductView');
    // ProductView is Product plus an optional reserved (allOf: the Product fields, then its own).
    const [base, extra] = doc.components.schemas.ProductView.allOf;
    expect(base).toEqual({ $ref: '#/components/schemas/Product' });
    expect(extra.properties).toEqual({ reserved: expect.objectContaining({ type: 'integer', minimum: 0 }) });
    expect(extra.required ?? []).not.toContain('reserved');
    expect(schemaOf('/products/{id}', 'patch')).toBe('#/components/schemas/Product');
    expect(doc.components.schemas.Product.properties).not.toHaveProperty('reserved');
  });
});
