// The customers of the run (set-up, not measured): registered and logged in through the gateway,
// each with a card that is always approved, so that every order request can be another user's.
import { randomUUID } from 'node:crypto';
import { expectStatus, http } from './http.mjs';
import { round } from './stats.mjs';

/** plan.users users, 8 at a time: { i, email, id, auth, cardId, orderBody } each. */
export async function createUsers(run, system) {
  const { plan, log, signal } = run;
  const gateway = system.gatewayUrl;
  log(`creating ${plan.users} users with a card each`);
  const setupStarted = performance.now();
  const expYear = new Date().getFullYear() + 3;
  const users = Array.from({ length: plan.users }, (_, i) => ({ i, email: `bench-${run.id}-${i}@example.com` }));
  // Every order buys one unit of a product made for the run (server-priced). Stock is reserved
  // per order, so the seeded products (tens of units) would sell out within a second of load.
  const productId = await createBenchProduct(run, system);
  await eachLimited(run, users, 8, async (user) => {
    const password = 'benchmark password';
    const created = await expectStatus('register', http('POST', `${gateway}/api/users`, { body: { name: `Bench ${user.i}`, email: user.email, password }, signal }), 201);
    const login = await expectStatus('login', http('POST', `${gateway}/api/auth/login`, { body: { email: user.email, password }, signal }), 200);
    user.id = created.id;
    user.auth = `Bearer ${login.accessToken}`;
    const card = await expectStatus(
      'add card',
      http('POST', `${gateway}/api/payments/methods`, { headers: { authorization: user.auth }, body: { cardNumber: '4242 4242 4242 4242', expMonth: 12, expYear, holderName: `Bench ${user.i}` }, signal }),
      201,
    );
    user.cardId = card.id;
    user.orderBody = JSON.stringify({ items: [{ productId, quantity: 1 }], paymentMethodId: card.id });
  });
  run.result.run.setupSeconds = round((performance.now() - setupStarted) / 1000, 1);
  log(`users ready in ${run.result.run.setupSeconds} s`);
  return users;
}

/**
 * A product with stock for any run, created by an admin: straight at catalog-service with the
 * gateway's credential (what the gateway sends for a verified admin token), so no admin account is needed.
 */
async function createBenchProduct(run, system) {
  const catalog = system.byName['catalog-service'];
  const headers = { 'x-gateway-token': catalog.env.GATEWAY_TOKEN, 'x-user-id': randomUUID(), 'x-user-role': 'admin' };
  const body = { sku: `BENCH-${run.id}`, name: 'Benchmark product', priceCents: 1999, currency: 'EUR', stock: 100_000_000 };
  const product = await expectStatus('create the bench product', http('POST', `http://127.0.0.1:${catalog.port}/products`, { headers, body, signal: run.signal }), 201);
  // order-service learns of it by event; the first order must find it.
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { rows } = await system.db.orders.query('SELECT 1 FROM catalog_products WHERE id = $1', [product.id]);
    if (rows.length) return product.id;
    if (Date.now() > deadline) throw new Error("order-service did not learn of the bench product within 10 s");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Runs fn over items with `width` workers. */
async function eachLimited(run, items, width, fn) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        run.checkAbort();
        const i = next++;
        await fn(items[i], i);
      }
    }),
  );
}
