import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '@shop/platform/messaging';
import { MessageCollector, TEST_BROKER_URL, waitFor, type CollectedMessage } from '@shop/platform/testing';
import request from 'supertest';
import { asAdmin, startCatalogServiceUnderTest, uniqueSku, type CatalogServiceUnderTest, type ProductBody } from './harness';

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

type Envelope = EventEnvelope<Record<string, unknown>>;

/** The contract order-service relies on: these fields, no others. */
const CONTRACT_FIELDS = ['active', 'currency', 'description', 'name', 'priceCents', 'productId', 'sku', 'stock', 'updatedAt', 'version'];

const eventsFor = (productId: string): CollectedMessage[] => published.messages.filter((m) => (m.json as Envelope).payload.productId === productId);
const payloadOf = (message: CollectedMessage | undefined) => (message?.json as Envelope).payload;

async function waitForEvents(productId: string, count: number): Promise<CollectedMessage[]> {
  await waitFor(() => eventsFor(productId).length >= count, {
    what: () => `${count} event(s) of product ${productId}, got ${eventsFor(productId).length}`,
  });
  return eventsFor(productId);
}

/**
 * Creates a fresh product and waits for its event. The relay publishes in commit order, so any
 * event recorded before this call is on the broker when it returns.
 */
async function drainedThroughMarker(): Promise<void> {
  const marker = await sut.createProduct();
  await waitForEvents(marker.id, 1);
}

/** The fixed payload of a product as the API returned it, at a version. */
const expectedPayload = (product: ProductBody, version: number) => ({
  productId: product.id,
  sku: product.sku,
  name: product.name,
  description: product.description,
  priceCents: product.priceCents,
  currency: product.currency,
  stock: product.stock,
  active: product.active,
  version,
  updatedAt: product.updatedAt,
});

const patch = (id: string, body: object) => request(sut.url).patch(`/products/${id}`).set(asAdmin()).send(body);
const adjust = (id: string, delta: number) => request(sut.url).post(`/products/${id}/stock-adjustments`).set(asAdmin()).send({ delta, reason: 'test' });

describe('product.created', () => {
  test('When a product is created, then exactly one product.created, persistent, with the fixed payload at version 1', async () => {
    const product = await sut.createProduct({ sku: uniqueSku('EVT'), description: 'Hardcover', stock: 12 });

    const [message] = await waitForEvents(product.id, 1);
    await drainedThroughMarker();

    expect(eventsFor(product.id)).toHaveLength(1);
    expect(message!.routingKey).toBe('product.created');
    expect(message!.properties.deliveryMode).toBe(2);
    expect(message!.json).toMatchObject({ id: expect.any(String), type: 'product.created', version: 1, occurredAt: expect.any(String) });
    expect(payloadOf(message)).toEqual(expectedPayload(product, 1));
    expect(Object.keys(payloadOf(message)).sort()).toEqual(CONTRACT_FIELDS);
    expect(payloadOf(message).updatedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}(Z|[+-]\d\d:\d\d)$/);
  });
});

describe('product.updated', () => {
  test('When a product is patched, then exactly one product.updated with the new values at version 2', async () => {
    const product = await sut.createProduct();

    const res = await patch(product.id, { name: 'Renamed', description: null, priceCents: 1234, active: false }).expect(200);
    const messages = await waitForEvents(product.id, 2);
    await drainedThroughMarker();

    expect(eventsFor(product.id)).toHaveLength(2);
    expect(messages[1]!.routingKey).toBe('product.updated');
    expect(payloadOf(messages[1])).toEqual(expectedPayload(res.body, 2));
    expect(payloadOf(messages[1])).toMatchObject({ name: 'Renamed', description: null, priceCents: 1234, active: false });
  });
});

describe('product.stock_changed', () => {
  test('When the stock is adjusted, then exactly one product.stock_changed with the new stock at version 2', async () => {
    const product = await sut.createProduct({ stock: 10 });

    const res = await adjust(product.id, -4).expect(200);
    const messages = await waitForEvents(product.id, 2);
    await drainedThroughMarker();

    expect(eventsFor(product.id)).toHaveLength(2);
    expect(messages[1]!.routingKey).toBe('product.stock_changed');
    expect(payloadOf(messages[1])).toEqual(expectedPayload(res.body, 2));
    expect(payloadOf(messages[1])!.stock).toBe(6);
  });
});

describe('event order and refused changes', () => {
  test('When a product is created, patched and adjusted twice, then four events arrive in that order with versions 1 to 4', async () => {
    const product = await sut.createProduct({ stock: 10 });

    await patch(product.id, { priceCents: 999 }).expect(200);
    await adjust(product.id, 5).expect(200);
    const last = await adjust(product.id, -1).expect(200);
    const messages = await waitForEvents(product.id, 4);

    expect(messages.map((m) => m.routingKey)).toEqual(['product.created', 'product.updated', 'product.stock_changed', 'product.stock_changed']);
    expect(messages.map((m) => payloadOf(m)!.version)).toEqual([1, 2, 3, 4]);
    expect(messages.map((m) => payloadOf(m)!.stock)).toEqual([10, 10, 15, 14]);
    expect(payloadOf(messages[3])).toEqual(expectedPayload(last.body, 4));
  });

  test('When changes are refused (stock below zero, taken sku, bad patch, unknown product), then no event is published for them', async () => {
    const product = await sut.createProduct({ stock: 1 });
    const outboxBefore = (await sut.query('SELECT id FROM outbox_messages')).length;

    await adjust(product.id, -2).expect(409);
    await request(sut.url).post('/products').set(asAdmin()).send({ sku: product.sku.toLowerCase(), name: 'Dup', priceCents: 1, currency: 'EUR' }).expect(409);
    await patch(product.id, { stock: 5 }).expect(400);
    await patch(randomUUID(), { name: 'Nobody' }).expect(404);
    await adjust(randomUUID(), 1).expect(404);
    const outboxAfter = (await sut.query('SELECT id FROM outbox_messages')).length;
    await drainedThroughMarker();

    expect(outboxAfter).toBe(outboxBefore);
    expect(eventsFor(product.id).map((m) => m.routingKey)).toEqual(['product.created']);
  });

  test('When an event is recorded, then its outbox row holds the same envelope that is published', async () => {
    const product = await sut.createProduct();

    const [message] = await waitForEvents(product.id, 1);
    const rows = await sut.query<{ type: string; payload: Envelope }>("SELECT type, payload FROM outbox_messages WHERE payload->'payload'->>'productId' = $1", [product.id]);

    expect(rows).toEqual([{ type: 'product.created', payload: message!.json }]);
  });
});
