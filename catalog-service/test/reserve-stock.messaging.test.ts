import { randomUUID } from 'node:crypto';
import { setLoggingSilent } from '@shop/platform/logging';
import type { EventEnvelope } from '@shop/platform/messaging';
import { MessageCollector, TEST_BROKER_URL, waitFor, type CollectedMessage } from '@shop/platform/testing';
import { buildOrderCreated, startCatalogServiceUnderTest, type CatalogServiceUnderTest, type OrderLine } from './harness';

let sut: CatalogServiceUnderTest;
let published: MessageCollector;

beforeAll(async () => {
  sut = await startCatalogServiceUnderTest();
  published = await MessageCollector.bindTo(TEST_BROKER_URL, sut.config.EVENTS_EXCHANGE, ['stock.*']);
});
afterAll(async () => {
  await published.close();
  await sut.stop();
});

type Envelope = EventEnvelope<Record<string, unknown>>;

const eventsFor = (orderId: string): CollectedMessage[] => published.messages.filter((m) => (m.json as Envelope).payload.orderId === orderId);
const payloadOf = (message: CollectedMessage | undefined) => (message?.json as Envelope).payload;

async function waitForEvent(orderId: string): Promise<CollectedMessage> {
  return (await waitFor(() => eventsFor(orderId)[0], { what: `a stock event for order ${orderId}` }))!;
}

async function publishOrder(lines: OrderLine[]) {
  const order = buildOrderCreated(lines);
  const envelope = await sut.publishEvent('order.created', order);
  return { order, envelope };
}

/**
 * Reserves a fresh order and waits for its answer. The relay publishes in commit order, so any
 * event recorded by a delivery settled before this call is on the broker when it returns.
 */
async function drainedThroughMarker(): Promise<void> {
  const product = await sut.createProduct({ stock: 1 });
  const { order } = await publishOrder([{ productId: product.id, quantity: 1 }]);
  await waitForEvent(order.orderId);
}

const acked = () => sut.consumed('order.created', 'acked');

describe('order.created', () => {
  test('When every line has stock, then stock moves to reserved, the reservation is recorded and one stock.reserved is published', async () => {
    const book = await sut.createProduct({ stock: 10 });
    const mug = await sut.createProduct({ stock: 3 });

    const { order } = await publishOrder([{ productId: book.id, quantity: 2 }, { productId: mug.id, quantity: 3 }, { productId: book.id, quantity: 1 }]);
    const message = await waitForEvent(order.orderId);
    await drainedThroughMarker();

    const expectedItems = [{ productId: book.id, quantity: 3 }, { productId: mug.id, quantity: 3 }].sort((a, b) => a.productId.localeCompare(b.productId));
    expect(await sut.unitsOf(book.id)).toEqual({ stock: 7, reserved: 3 });
    expect(await sut.unitsOf(mug.id)).toEqual({ stock: 0, reserved: 3 });
    expect(await sut.reservationOf(order.orderId)).toEqual({ status: 'reserved', items: expectedItems });
    expect(eventsFor(order.orderId)).toHaveLength(1);
    expect(message.routingKey).toBe('stock.reserved');
    expect(message.properties.deliveryMode).toBe(2);
    expect(message.json).toMatchObject({ id: expect.any(String), type: 'stock.reserved', version: 1, occurredAt: expect.any(String) });
    expect(payloadOf(message)).toEqual({ orderId: order.orderId, items: expectedItems });
  });

  test('When the second line lacks stock, then no product changes, the reservation is rejected and stock.rejected names that line', async () => {
    const plenty = await sut.createProduct({ stock: 10 });
    const scarce = await sut.createProduct({ stock: 1 });

    const { order } = await publishOrder([{ productId: plenty.id, quantity: 4 }, { productId: scarce.id, quantity: 2 }]);
    const message = await waitForEvent(order.orderId);

    expect(await sut.unitsOf(plenty.id)).toEqual({ stock: 10, reserved: 0 });
    expect(await sut.unitsOf(scarce.id)).toEqual({ stock: 1, reserved: 0 });
    expect((await sut.reservationOf(order.orderId))?.status).toBe('rejected');
    expect(message.routingKey).toBe('stock.rejected');
    expect(payloadOf(message)).toEqual({ orderId: order.orderId, unavailable: [{ productId: scarce.id, requested: 2, available: 1 }] });
  });

  test('When lines of one product together exceed its stock, or a product is unknown, then stock.rejected lists each with the summed request', async () => {
    const product = await sut.createProduct({ stock: 3 });
    const unknown = randomUUID();

    const { order } = await publishOrder([{ productId: product.id, quantity: 2 }, { productId: unknown, quantity: 1 }, { productId: product.id, quantity: 2 }]);
    const message = await waitForEvent(order.orderId);

    expect(await sut.unitsOf(product.id)).toEqual({ stock: 3, reserved: 0 });
    expect(message.routingKey).toBe('stock.rejected');
    expect(new Set((payloadOf(message).unavailable as unknown[]))).toEqual(
      new Set([{ productId: product.id, requested: 4, available: 3 }, { productId: unknown, requested: 1, available: 0 }]),
    );
  });

  test('When a product was deactivated since the order was placed, then it has nothing for sale and the order is rejected', async () => {
    const product = await sut.createInactiveProduct({ stock: 8 });

    const { order } = await publishOrder([{ productId: product.id, quantity: 1 }]);
    const message = await waitForEvent(order.orderId);

    expect(await sut.unitsOf(product.id)).toEqual({ stock: 8, reserved: 0 });
    expect(message.routingKey).toBe('stock.rejected');
    expect(payloadOf(message).unavailable).toEqual([{ productId: product.id, requested: 1, available: 0 }]);
  });

  test('When the same message is delivered twice, then the stock moves once and one stock.reserved is published', async () => {
    const product = await sut.createProduct({ stock: 5 });
    const before = await acked();

    const { order, envelope } = await publishOrder([{ productId: product.id, quantity: 2 }]);
    await sut.publish(envelope);
    await waitFor(async () => (await acked()) - before >= 2, { what: 'both deliveries acked' });
    await drainedThroughMarker();

    expect(await sut.unitsOf(product.id)).toEqual({ stock: 3, reserved: 2 });
    expect(eventsFor(order.orderId).map((m) => m.routingKey)).toEqual(['stock.reserved']);
    expect(await sut.query('SELECT 1 FROM processed_messages WHERE message_id = $1', [envelope.id])).toHaveLength(1);
  });

  test('When order.created for one order arrives again with another message id, then nothing more is reserved or published', async () => {
    const product = await sut.createProduct({ stock: 5 });
    const before = await acked();

    const { order } = await publishOrder([{ productId: product.id, quantity: 2 }]);
    await waitForEvent(order.orderId);
    await sut.publishEvent('order.created', order);
    await waitFor(async () => (await acked()) - before >= 2, { what: 'both deliveries acked' });
    await drainedThroughMarker();

    expect(await sut.unitsOf(product.id)).toEqual({ stock: 3, reserved: 2 });
    expect(eventsFor(order.orderId)).toHaveLength(1);
  });

  test('When 20 orders want the last 5 units at once, then exactly 5 are reserved and 15 rejected, with no retry', async () => {
    const product = await sut.createProduct({ stock: 5 });
    const retriedBefore = await sut.consumed('order.created', 'retried');

    const orders = await Promise.all(Array.from({ length: 20 }, () => publishOrder([{ productId: product.id, quantity: 1 }])));
    await waitFor(() => orders.every(({ order }) => eventsFor(order.orderId).length > 0), { timeoutMs: 10_000, what: 'an answer to each of the 20 orders' });

    const answers = orders.map(({ order }) => eventsFor(order.orderId)[0]!);
    const rejected = answers.filter((m) => m.routingKey === 'stock.rejected');
    expect(answers.filter((m) => m.routingKey === 'stock.reserved')).toHaveLength(5);
    expect(rejected).toHaveLength(15);
    expect(rejected.map((m) => (payloadOf(m).unavailable as unknown[])[0])).toEqual(Array(15).fill({ productId: product.id, requested: 1, available: 0 }));
    expect(await sut.unitsOf(product.id)).toEqual({ stock: 0, reserved: 5 });
    expect(await sut.consumed('order.created', 'retried')).toBe(retriedBefore);
  });

  test('When orders lock the same two products in opposite line order at once, then all are reserved without a deadlock or retry', async () => {
    const first = await sut.createProduct({ stock: 20 });
    const second = await sut.createProduct({ stock: 20 });
    const retriedBefore = await sut.consumed('order.created', 'retried');

    const orders = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        publishOrder(i % 2 ? [{ productId: first.id, quantity: 1 }, { productId: second.id, quantity: 1 }] : [{ productId: second.id, quantity: 1 }, { productId: first.id, quantity: 1 }]),
      ),
    );
    await waitFor(() => orders.every(({ order }) => eventsFor(order.orderId).length > 0), { timeoutMs: 10_000, what: 'an answer to each of the 20 orders' });

    expect(orders.map(({ order }) => eventsFor(order.orderId)[0]!.routingKey)).toEqual(Array(20).fill('stock.reserved'));
    expect(await sut.unitsOf(first.id)).toEqual({ stock: 0, reserved: 20 });
    expect(await sut.unitsOf(second.id)).toEqual({ stock: 0, reserved: 20 });
    expect(await sut.consumed('order.created', 'retried')).toBe(retriedBefore);
  });

  test('When an order.created is malformed (a line without a product id), then it is dead-lettered and nothing is reserved', async () => {
    const dead = await MessageCollector.fromQueue(TEST_BROKER_URL, sut.service.bus!.topology.deadQueue);
    setLoggingSilent(true); // dead-lettering logs an error, on purpose here
    try {
      const product = await sut.createProduct({ stock: 5 });
      const order = buildOrderCreated([{ productId: product.id, quantity: 1 }]);
      order.items.push({ ...order.items[0]!, productId: null as unknown as string });

      await sut.publishEvent('order.created', order);
      const [parked] = await dead.waitForCount(1);

      expect(parked!.headers['x-error']).toMatch(/productId/);
      expect(await sut.unitsOf(product.id)).toEqual({ stock: 5, reserved: 0 });
      expect(await sut.reservationOf(order.orderId)).toBeUndefined();
    } finally {
      setLoggingSilent(false);
      await dead.close();
    }
  });
});
