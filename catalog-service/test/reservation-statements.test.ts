import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { Client } from 'pg';
import { reserveStock, type ReserveStockEffect } from '../src/domain/reserve-stock-use-case';
import { settleReservation } from '../src/domain/settle-reservation-use-case';
import { decideReservation, sumByProduct, type ReservationItem, type SettlementTrigger } from '../src/domain/stock-reservation';
import { startCatalogServiceUnderTest, type CatalogServiceUnderTest } from './harness';

// The reservation statements (reservation-repository.ts) called directly, many at once: the
// decision they make in SQL against the domain rule, and their locking under concurrency (a
// deadlock would reject a call with PostgreSQL's 40P01; a lost update would break the sums).

let sut: CatalogServiceUnderTest;

beforeAll(async () => {
  sut = await startCatalogServiceUnderTest();
});
afterAll(async () => {
  await sut.stop();
});

const reserve = (orderId: string, lines: ReservationItem[]) => reserveStock(sut.db, randomUUID(), { orderId, lines });
const settle = (trigger: SettlementTrigger, orderId: string) => settleReservation(sut.db, randomUUID(), trigger, orderId);

/** The payload of the stock.* event recorded for the order, or undefined. */
async function eventOf(orderId: string): Promise<{ type: string; payload: Record<string, unknown> } | undefined> {
  const [row] = await sut.query<{ type: string; payload: { payload: Record<string, unknown> } }>(
    `SELECT type, payload FROM outbox_messages WHERE type LIKE 'stock.%' AND payload->'payload'->>'orderId' = $1`,
    [orderId],
  );
  return row && { type: row.type, payload: row.payload.payload };
}

/** Per product, units held by reservations still `reserved` and units gone with `committed` ones. */
async function ledgerOf(productId: string): Promise<{ held: number; gone: number }> {
  const [row] = await sut.query<{ held: number; gone: number }>(
    `SELECT coalesce(sum((item->>'quantity')::int) FILTER (WHERE status = 'reserved'), 0)::int AS held,
            coalesce(sum((item->>'quantity')::int) FILTER (WHERE status = 'committed'), 0)::int AS gone
       FROM stock_reservations, jsonb_array_elements(items) AS item WHERE item->>'productId' = $1`,
    [productId],
  );
  return row!;
}

describe('the reservation statement decides as decideReservation', () => {
  test('For random stock, active flags and order lines (unknown products included), outcome, event and stock agree with the rule', async () => {
    const products = await Promise.all([1, 2, 3].map(() => sut.createProduct({ stock: 0 })));
    const ids = [...products.map((p) => p.id), randomUUID()]; // the last one is unknown
    const state = fc.array(fc.record({ stock: fc.integer({ min: 0, max: 6 }), active: fc.boolean() }), { minLength: 3, maxLength: 3 });
    const lines = fc.array(fc.record({ productId: fc.constantFrom(...ids), quantity: fc.integer({ min: 1, max: 4 }) }), { minLength: 1, maxLength: 5 });
    const client = new Client({ connectionString: sut.databaseUrl }); // one connection: sut.query opens one per call
    await client.connect();
    try {
      await fc.assert(
        fc.asyncProperty(state, lines, async (stocks, orderLines) => {
          const known = ids.slice(0, 3);
          await client.query(
            `UPDATE products AS p SET stock = s.stock, active = s.active, reserved = 0
               FROM unnest($1::uuid[], $2::int[], $3::bool[]) AS s(id, stock, active) WHERE p.id = s.id`,
            [known, stocks.map((s) => s.stock), stocks.map((s) => s.active)],
          );
          const forSale = new Map(stocks.map(({ stock, active }, i) => [ids[i]!, active ? stock : 0]));
          const expected = decideReservation(sumByProduct(orderLines), forSale);
          const orderId = randomUUID();

          expect(await reserve(orderId, orderLines)).toBe(expected.outcome);

          const { rows } = await client.query<{ type: string; payload: { payload: unknown }; status: string }>(
            `SELECT o.type, o.payload, r.status FROM stock_reservations AS r
               LEFT JOIN outbox_messages AS o ON o.payload->'payload'->>'orderId' = r.order_id::text WHERE r.order_id = $1`,
            [orderId],
          );
          expect(rows.map((row) => ({ status: row.status, type: row.type, payload: row.payload.payload }))).toEqual([
            expected.outcome === 'reserved'
              ? { status: 'reserved', type: 'stock.reserved', payload: { orderId, items: expected.items } }
              : { status: 'rejected', type: 'stock.rejected', payload: { orderId, unavailable: expected.unavailable } },
          ]);
          const units = await client.query<{ stock: number; reserved: number }>(
            'SELECT p.stock, p.reserved FROM unnest($1::uuid[]) WITH ORDINALITY AS k(id, n) JOIN products AS p ON p.id = k.id ORDER BY k.n',
            [known],
          );
          expect(units.rows).toEqual(
            stocks.map(({ stock }, i) => {
              const wanted = expected.outcome === 'reserved' ? (expected.items.find((item) => item.productId === ids[i])?.quantity ?? 0) : 0;
              return { stock: stock - wanted, reserved: wanted };
            }),
          );
        }),
        { numRuns: 100 },
      );
    } finally {
      await client.end();
    }
  }, 60_000);
});

describe('the reservation statements under concurrency', () => {
  test('When 60 orders of 1 to 3 units race for 40 units of one product, then the units reserved are exactly those the product lost, and every rejection reports less than it asked', async () => {
    const product = await sut.createProduct({ stock: 40 });
    const orders = Array.from({ length: 60 }, (_, i) => ({ orderId: randomUUID(), quantity: 1 + (i % 3) }));

    const effects = await Promise.all(orders.map(({ orderId, quantity }) => reserve(orderId, [{ productId: product.id, quantity }])));

    const reservedUnits = orders.filter((_, i) => effects[i] === 'reserved').reduce((sum, order) => sum + order.quantity, 0);
    expect(effects.every((effect) => effect === 'reserved' || effect === 'rejected')).toBe(true);
    expect(effects.filter((effect) => effect === 'rejected').length).toBeGreaterThan(0);
    expect(await sut.unitsOf(product.id)).toEqual({ stock: 40 - reservedUnits, reserved: reservedUnits });
    for (const [i, { orderId, quantity }] of orders.entries()) {
      if (effects[i] !== 'rejected') continue;
      const unavailable = (await eventOf(orderId))!.payload.unavailable as Array<{ requested: number; available: number }>;
      expect(unavailable).toHaveLength(1);
      expect(unavailable[0]!.requested).toBe(quantity);
      expect(unavailable[0]!.available).toBeLessThan(quantity);
    }
  });

  test('When reservations of two products (either line order) run while earlier ones of the same products are paid, failed and cancelled, then none deadlocks and the units add up', async () => {
    const [a, b] = await Promise.all([sut.createProduct({ stock: 200 }), sut.createProduct({ stock: 200 })]);
    const linesOf = (i: number): ReservationItem[] =>
      i % 2 ? [{ productId: a!.id, quantity: 1 }, { productId: b!.id, quantity: 2 }] : [{ productId: b!.id, quantity: 2 }, { productId: a!.id, quantity: 1 }];
    const earlier = Array.from({ length: 24 }, () => randomUUID());
    expect(await Promise.all(earlier.map((orderId, i) => reserve(orderId, linesOf(i))))).toEqual(Array(24).fill('reserved'));
    const triggers: SettlementTrigger[] = ['order.paid', 'order.payment_failed', 'order.cancelled'];

    const later = Array.from({ length: 24 }, () => randomUUID());
    const calls = await Promise.allSettled([
      ...earlier.map((orderId, i) => settle(triggers[i % 3]!, orderId)),
      ...earlier.filter((_, i) => i % 3 === 0).map((orderId) => settle('order.cancelled', orderId)), // paid, then returned (or cancelled first)
      ...later.map((orderId, i) => reserve(orderId, linesOf(i))),
    ]);

    expect(calls.filter((call) => call.status === 'rejected')).toEqual([]);
    for (const product of [a!, b!]) {
      const { held, gone } = await ledgerOf(product.id);
      expect(await sut.unitsOf(product.id)).toEqual({ stock: 200 - held - gone, reserved: held });
    }
    const statuses = await sut.query<{ status: string; n: number }>(
      'SELECT status, count(*)::int AS n FROM stock_reservations WHERE order_id = ANY($1::uuid[]) GROUP BY status ORDER BY status',
      [[...earlier, ...later]],
    );
    // The 8 paid-then-cancelled end returned or released (cancel first), the other 16 settled once, the 24 later ones reserved.
    const count = (status: string) => statuses.find((row) => row.status === status)?.n ?? 0;
    expect(count('returned') + count('released') + count('committed') + count('reserved')).toBe(48);
    expect(count('reserved')).toBe(24);
    expect(count('committed')).toBe(0);
    expect(count('released') + count('returned')).toBe(24);
  });

  test('When order.created and order.cancelled of the same orders arrive at once, then no unit stays held for any of them', async () => {
    const product = await sut.createProduct({ stock: 100 });
    const orderIds = Array.from({ length: 30 }, () => randomUUID());

    const results = await Promise.all(
      orderIds.flatMap((orderId) => [reserve(orderId, [{ productId: product.id, quantity: 2 }]), settle('order.cancelled', orderId)]),
    );

    expect(results.every((effect) => ['reserved', 'order-known', 'settled', 'tombstone'].includes(effect))).toBe(true);
    expect(await sut.unitsOf(product.id)).toEqual({ stock: 100, reserved: 0 });
    const statuses = await sut.query<{ status: string }>('SELECT DISTINCT status FROM stock_reservations WHERE order_id = ANY($1::uuid[])', [orderIds]);
    expect(statuses).toEqual([{ status: 'released' }]);
  });
});

describe('a product deactivated while units are held', () => {
  test.each<[SettlementTrigger, { stock: number; reserved: number }, string]>([
    ['order.payment_failed', { stock: 10, reserved: 0 }, 'released'],
    ['order.paid', { stock: 7, reserved: 0 }, 'committed'],
  ])('When %s arrives after the product was deactivated, then the held units still move (%j)', async (trigger, units, status) => {
    const product = await sut.createProduct({ stock: 10 });
    const orderId = randomUUID();
    const reserved: ReserveStockEffect = await reserve(orderId, [{ productId: product.id, quantity: 3 }]);
    await sut.query('UPDATE products SET active = false WHERE id = $1', [product.id]);

    expect(reserved).toBe('reserved');
    expect(await settle(trigger, orderId)).toBe('settled');
    expect(await sut.unitsOf(product.id)).toEqual(units);
    expect((await sut.reservationOf(orderId))?.status).toBe(status);
  });
});
