// The system with two copies of every service and two gateways sharing their rate limits in
// Redis (issue 18): 1,000 orders spread over both gateways, a quarter of them sent again with the
// same Idempotency-Key to the other gateway at the same moment; afterwards exactly one order per
// key, every order final and charged once, stock conserved; the login limit holds across both
// gateways together.
import { randomBytes, randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import { waitFor } from '@shop/platform/testing';
import { call as callGateway, CARDS, Databases, settle, type AcceptedOrder } from './chaos-kit';
import { mintToken } from './security-tokens';
import { startSystem, type RunningSystem } from './system';

const ORDERS = 1000;
const IN_FLIGHT = 24;
const STOCK = 100_000;
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
// The run's own rate-limit keys, so nothing else's counts mix in; deleted afterwards.
const KEY_PREFIX = `test:e2e:${randomBytes(4).toString('hex')}:`;

let system: RunningSystem;
let dbs: Databases;
let secret: string;

beforeAll(async () => {
  system = await startSystem({
    replicas: 2,
    gateways: 2,
    env: { REDIS_URL, RATE_LIMIT_KEY_PREFIX: KEY_PREFIX, RATE_LIMIT_MAX: '1000000' },
  });
  dbs = await Databases.open(system);
  secret = system.services.find((s) => s.name === 'api-gateway')!.env.JWT_SECRET!;
}, 120_000);

afterAll(async () => {
  await dbs?.close();
  await system?.stop();
  const redis = createClient({ url: REDIS_URL });
  await redis.connect();
  for await (const keys of redis.scanIterator({ MATCH: `${KEY_PREFIX}*`, COUNT: 1000 })) if (keys.length) await redis.del(keys);
  await redis.quit();
}, 60_000);

/** One call through the given gateway. */
const call = <T = Record<string, unknown>>(gateway: string, method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) =>
  callGateway<T>(system, method, path, { ...options, gateway, timeoutMs: 15_000 });

/** A registered customer with a good card; signed in by minting what login would issue (login is rate-limited, and under test below). */
async function customer(gateway: string, i: number): Promise<{ token: string; card: string }> {
  const registered = await call<{ id: string }>(gateway, 'POST', '/users', { body: { name: `Scaler ${i}`, email: `scaler-${i}-${randomUUID()}@example.com`, password: 'correct horse battery' } });
  expect(registered.status).toBe(201);
  const token = await mintToken(secret, { sub: registered.body.id, role: 'customer', expiresInSeconds: 900 });
  const card = await call<{ id: string }>(gateway, 'POST', '/payments/methods', {
    token,
    body: { cardNumber: CARDS.good.number, expMonth: 12, expYear: new Date().getFullYear() + 3, holderName: `Scaler ${i}` },
  });
  expect(card.status).toBe(201);
  return { token, card: card.body.id };
}

describe('two copies of every service behind two gateways', () => {
  test(`When ${ORDERS} orders go through both gateways and a quarter are sent again to the other gateway with the same key, then one order per key, all PAID once, stock conserved`, async () => {
    const [first, second] = system.gateways as [string, string];
    const admin = await mintToken(secret, { role: 'admin' });
    const product = await call<{ id: string }>(first, 'POST', '/products', {
      token: admin,
      body: { sku: `SCALE-${randomUUID().slice(0, 8)}`, name: 'Scale-out product', priceCents: 990, currency: 'EUR', stock: STOCK },
    });
    expect(product.status).toBe(201);
    await waitFor(async () => (await dbs.knownToOrders([product.body.id])) === 1, { timeoutMs: 10_000, what: "order-service's copy of the product" });
    const customers = await Promise.all(Array.from({ length: 10 }, (_, i) => customer(i % 2 ? second : first, i)));

    // Each order: a key, a gateway; every fourth also to the other gateway at once (a client
    // retrying there because it did not hear back), which must get the same order.
    const results: Array<{ key: string; ids: string[]; statuses: number[]; quantity: number }> = [];
    let next = 0;
    const worker = async () => {
      while (next < ORDERS) {
        const i = next++;
        const buyer = customers[i % customers.length]!;
        const key = `scale-${i}-${randomUUID()}`;
        const quantity = 1 + (i % 3);
        const send = (gateway: string) =>
          call<{ id: string }>(gateway, 'POST', '/orders', {
            token: buyer.token,
            body: { items: [{ productId: product.body.id, quantity }], paymentMethodId: buyer.card },
            headers: { 'idempotency-key': key },
          });
        const targets = i % 4 === 0 ? [first, second] : [i % 2 ? second : first];
        const answers = await Promise.all(targets.map(send));
        results.push({ key, quantity, ids: answers.map((a) => a.body.id), statuses: answers.map((a) => a.status) });
      }
    };
    const started = Date.now();
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    const seconds = (Date.now() - started) / 1000;

    const accepted: AcceptedOrder[] = results.map((r) => ({ orderId: r.ids[0]!, card: 'good' }));
    const { verdict, ms } = await settle(system, dbs, accepted, 90_000);
    const allOrders = await dbs.allOrderIds();
    // catalog-service commits a reservation when it consumes order.paid: moments after the order is PAID.
    const ledger = (await waitFor(
      async () => {
        const entry = (await dbs.stockLedger([product.body.id])).products.get(product.body.id)!;
        return entry.reserved === 0 ? entry : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250, what: 'every reservation of the run to be committed' },
    ))!;
    const twice = results.filter((r) => r.ids.length === 2);
    process.stdout.write(
      `scale-out: ${ORDERS} orders (${twice.length} sent to both gateways) in ${seconds.toFixed(1)} s; settled in ${(ms / 1000).toFixed(1)} s; ` +
        `${verdict.settled} settled, ${verdict.doubleCharges} double charges, ${verdict.duplicateMails} duplicate mails; stock ${STOCK} → ${ledger.stock} (${ledger.paidUnits} sold)\n`,
    );

    expect({
      non201: results.filter((r) => r.statuses.some((s) => s !== 201)).length,
      keysWithTwoOrders: twice.filter((r) => r.ids[0] !== r.ids[1]).length,
      ordersInDatabase: allOrders.length,
      distinctOrders: new Set(results.map((r) => r.ids[0])).size,
      unsettled: verdict.accepted - verdict.settled,
      problems: verdict.problems,
      doubleCharges: verdict.doubleCharges,
      duplicateMails: verdict.duplicateMails,
      stock: { onHand: ledger.onHand, reserved: ledger.reserved, paidUnits: ledger.paidUnits },
      crashes: system.unexpectedExits,
    }).toEqual({
      non201: 0,
      keysWithTwoOrders: 0,
      ordersInDatabase: ORDERS,
      distinctOrders: ORDERS,
      unsettled: 0,
      problems: [],
      doubleCharges: 0,
      duplicateMails: 0,
      stock: { onHand: STOCK - results.reduce((sum, r) => sum + r.quantity, 0), reserved: 0, paidUnits: results.reduce((sum, r) => sum + r.quantity, 0) },
      crashes: [],
    });
  }, 300_000);

  test('When someone guesses a password through both gateways, then the 11th attempt is refused with 429 wherever it lands', async () => {
    const [first, second] = system.gateways as [string, string];
    const email = `guessed-${randomUUID()}@example.com`;
    expect((await call(first, 'POST', '/users', { body: { name: 'Guessed', email, password: 'correct horse battery' } })).status).toBe(201);
    const attempt = (gateway: string) => call<{ code: string }>(gateway, 'POST', '/auth/login', { body: { email, password: 'wrong password' } });

    const firstTen: number[] = [];
    for (let i = 0; i < 10; i++) firstTen.push((await attempt(i % 2 ? second : first)).status);
    const eleventh = await Promise.all([attempt(first), attempt(second)]);

    // The default login limit (10 per minute per address) counts both gateways together.
    expect(firstTen).toEqual(Array.from({ length: 10 }, () => 401));
    expect(eleventh.map((a) => `${a.status} ${a.body.code}`)).toEqual(['429 rate-limited', '429 rate-limited']);
  });
});
