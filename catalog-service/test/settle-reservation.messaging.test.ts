import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '@shop/platform/messaging';
import { MessageCollector, TEST_BROKER_URL, waitFor } from '@shop/platform/testing';
import { settleReservation } from '../src/domain/settle-reservation-use-case';
import { buildOrderCreated, buildOrderOutcome, startCatalogServiceUnderTest, type CatalogServiceUnderTest } from './harness';

let sut: CatalogServiceUnderTest;
let published: MessageCollector;

beforeAll(async () => {
  sut = await startCatalogServiceUnderTest();
  published = await MessageCollector.bindTo(TEST_BROKER_URL, sut.config.EVENTS_EXCHANGE, ['stock.*', 'product.*']);
});
afterAll(async () => {
  await published.close();
  await sut.stop();
});

type Outcome = 'order.paid' | 'order.payment_failed' | 'order.cancelled';

const eventsFor = (orderId: string) => published.messages.filter((m) => (m.json as EventEnvelope<{ orderId?: string }>).payload.orderId === orderId);

/** A product with 10 units and an order that reserved 2 of them. */
async function reservedOrder() {
  const product = await sut.createProduct({ stock: 10 });
  const order = buildOrderCreated([{ productId: product.id, quantity: 2 }]);
  await sut.publishEvent('order.created', order);
  await waitFor(() => eventsFor(order.orderId)[0], { what: `stock.reserved for order ${order.orderId}` });
  return { productId: product.id, orderId: order.orderId };
}

/** Publishes the outcome and waits until the consumer acked it (every settlement is acked, no-op or not). */
async function settle(type: Outcome, orderId: string, envelope?: EventEnvelope): Promise<EventEnvelope> {
  const before = await sut.consumed(type, 'acked');
  let sent = envelope;
  if (sent) await sut.publish(sent);
  else sent = await sut.publishEvent(type, buildOrderOutcome(type, orderId));
  await waitFor(async () => (await sut.consumed(type, 'acked')) > before, { what: `${type} acked` });
  return sent;
}

describe('order.paid', () => {
  test('When a reserved order is paid, then its units leave for good: reserved goes down, stock stays, status committed', async () => {
    const { productId, orderId } = await reservedOrder();

    await settle('order.paid', orderId);

    expect(await sut.unitsOf(productId)).toEqual({ stock: 8, reserved: 0 });
    expect((await sut.reservationOf(orderId))?.status).toBe('committed');
  });

  test('When the same order.paid is delivered twice, then the units are committed once and the second is a duplicate', async () => {
    const { productId, orderId } = await reservedOrder();

    const first = await settle('order.paid', orderId);
    await settle('order.paid', orderId, first);

    expect(await sut.unitsOf(productId)).toEqual({ stock: 8, reserved: 0 });
    expect(await settleReservation(sut.db, first.id, 'order.paid', orderId)).toBe('duplicate');
  });
});

describe('order.payment_failed', () => {
  test('When the payment of a reserved order failed, then its units go back on sale and the reservation is released', async () => {
    const { productId, orderId } = await reservedOrder();

    await settle('order.payment_failed', orderId);

    expect(await sut.unitsOf(productId)).toEqual({ stock: 10, reserved: 0 });
    expect((await sut.reservationOf(orderId))?.status).toBe('released');
  });

  test('When order.payment_failed arrives again with another id, then nothing moves a second time', async () => {
    const { productId, orderId } = await reservedOrder();

    await settle('order.payment_failed', orderId);
    await settle('order.payment_failed', orderId);

    expect(await sut.unitsOf(productId)).toEqual({ stock: 10, reserved: 0 });
  });
});

describe('order.cancelled', () => {
  test('When a reserved order is cancelled, then its units go back on sale and the reservation is released', async () => {
    const { productId, orderId } = await reservedOrder();

    await settle('order.cancelled', orderId);

    expect(await sut.unitsOf(productId)).toEqual({ stock: 10, reserved: 0 });
    expect((await sut.reservationOf(orderId))?.status).toBe('released');
  });

  test('When a paid order is cancelled, then its committed units are returned to stock', async () => {
    const { productId, orderId } = await reservedOrder();

    await settle('order.paid', orderId);
    await settle('order.cancelled', orderId);

    expect(await sut.unitsOf(productId)).toEqual({ stock: 10, reserved: 0 });
    expect((await sut.reservationOf(orderId))?.status).toBe('returned');
  });

  test('When an order is cancelled before its order.created arrives, then a tombstone is left and the late order.created reserves nothing', async () => {
    const product = await sut.createProduct({ stock: 10 });
    const order = buildOrderCreated([{ productId: product.id, quantity: 2 }]);

    await settle('order.cancelled', order.orderId);
    const tombstone = await sut.reservationOf(order.orderId);
    const before = await sut.consumed('order.created', 'acked');
    await sut.publishEvent('order.created', order);
    await waitFor(async () => (await sut.consumed('order.created', 'acked')) > before, { what: 'order.created acked' });
    // Drain: a marker order answered means anything the late order.created recorded is out too.
    const marker = await reservedOrder();

    expect(tombstone).toEqual({ status: 'released', items: [] });
    expect(await sut.unitsOf(product.id)).toEqual({ stock: 10, reserved: 0 });
    expect(await sut.reservationOf(order.orderId)).toEqual({ status: 'released', items: [] });
    expect(eventsFor(order.orderId)).toEqual([]);
    expect(eventsFor(marker.orderId)).toHaveLength(1);
  });
});

describe('reordered and duplicated outcomes', () => {
  test('When order.cancelled comes before order.paid, then the units are released and the late order.paid changes nothing', async () => {
    const { productId, orderId } = await reservedOrder();

    await settle('order.cancelled', orderId);
    await settle('order.paid', orderId);

    expect(await sut.unitsOf(productId)).toEqual({ stock: 10, reserved: 0 });
    expect((await sut.reservationOf(orderId))?.status).toBe('released');
  });

  test('When outcomes arrive repeatedly and out of order, then each unit moves at most once: committed once, returned once', async () => {
    const { productId, orderId } = await reservedOrder();
    const sequence: Outcome[] = ['order.paid', 'order.payment_failed', 'order.paid', 'order.cancelled', 'order.paid', 'order.cancelled', 'order.payment_failed'];

    const seen: Array<{ stock: number; reserved: number }> = [];
    for (const type of sequence) {
      await settle(type, orderId);
      seen.push(await sut.unitsOf(productId));
    }

    // Paid: 2 units left the shop; cancelled after payment: they came back; nothing else moves them.
    expect(seen).toEqual([...Array(3).fill({ stock: 8, reserved: 0 }), ...Array(4).fill({ stock: 10, reserved: 0 })]);
    expect((await sut.reservationOf(orderId))?.status).toBe('returned');
  });

  test('When order.created, order.paid and order.cancelled of 10 orders race each other, then every unit is back on sale, none held, no retry', async () => {
    const product = await sut.createProduct({ stock: 10 });
    const orders = Array.from({ length: 10 }, () => buildOrderCreated([{ productId: product.id, quantity: 1 }]));
    const types = ['order.created', 'order.paid', 'order.cancelled'] as const;
    const acked = () => Promise.all(types.map((type) => sut.consumed(type, 'acked')));
    const retried = () => Promise.all(types.map((type) => sut.consumed(type, 'retried')));
    const [ackedBefore, retriedBefore] = [await acked(), await retried()];

    await Promise.all(
      orders.flatMap((order) => [
        sut.publishEvent('order.created', order),
        sut.publishEvent('order.paid', buildOrderOutcome('order.paid', order.orderId)),
        sut.publishEvent('order.cancelled', buildOrderOutcome('order.cancelled', order.orderId)),
      ]),
    );
    await waitFor(async () => (await acked()).every((count, i) => count - ackedBefore[i]! === 10), { timeoutMs: 10_000, what: '30 deliveries acked' });

    // Whatever the order of arrival, a cancelled order ends holding nothing: tombstone, released or returned.
    const statuses = await sut.query<{ status: string }>('SELECT status FROM stock_reservations WHERE order_id = ANY($1::uuid[])', [orders.map((o) => o.orderId)]);
    expect(statuses).toHaveLength(10);
    expect(statuses.every(({ status }) => ['released', 'returned'].includes(status))).toBe(true);
    expect(await sut.unitsOf(product.id)).toEqual({ stock: 10, reserved: 0 });
    expect(await retried()).toEqual(retriedBefore);
  });

  test('When a reservation is settled, then no product.* or stock.* event is published for it', async () => {
    const { orderId, productId } = await reservedOrder();

    await settle('order.paid', orderId);
    await settle('order.cancelled', orderId);
    const marker = await reservedOrder();

    const productEvents = published.messages.filter((m) => (m.json as EventEnvelope<{ productId?: string }>).payload.productId === productId);
    expect(productEvents.map((m) => m.routingKey)).toEqual(['product.created']);
    expect(eventsFor(orderId).map((m) => m.routingKey)).toEqual(['stock.reserved']);
    expect(eventsFor(marker.orderId)).toHaveLength(1);
  });

  test('When order.paid names an order without a reservation, then nothing changes and no row is created', async () => {
    const orderId = randomUUID();

    await settle('order.paid', orderId);

    expect(await sut.reservationOf(orderId)).toBeUndefined();
  });
});
