// compose-test's walk through the shop, as a customer does it, through the gateway's published
// port only: register → login → add a card → browse the catalog → order → PAID → payment →
// notifications sent. Prints each step; writes {email, passes, steps} to the file given; exits 1
// at the first failed step.
// Usage: node scripts/compose-test/walk.mjs http://127.0.0.1:<port> <result.json>
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';

const [gateway, resultFile] = process.argv.slice(2);
const email = `walk-${randomUUID()}@example.com`;
const steps = [];

async function call(method, path, { token, body } = {}) {
  // The API lives under /api; /health and /ready at the root.
  const res = await fetch(path === '/health' ? `${gateway}${path}` : `${gateway}/api${path}`, {
    method,
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : {} };
}

/** Polls until check returns a value (or 60 s pass). */
async function eventually(check) {
  for (const started = Date.now(); Date.now() - started < 60_000; await new Promise((r) => setTimeout(r, 500))) {
    const value = await check();
    if (value !== undefined) return value;
  }
  return undefined;
}

function step(name, ok, detail) {
  steps.push({ name, ok });
  console.error(`compose-test: ${ok ? 'pass' : 'FAIL'}: ${name}${ok ? '' : ` (${JSON.stringify(detail)})`}`);
  if (!ok) finish(1);
}

function finish(code) {
  const passes = steps.filter((s) => s.ok).length;
  writeFileSync(resultFile, JSON.stringify({ email, passes, steps }));
  console.error(`compose-test: walk ${passes}/${steps.length} passed`);
  process.exit(code);
}

const health = await call('GET', '/health');
step('gateway /health is 200', health.status === 200, health);

const password = 'correct horse battery';
const user = await call('POST', '/users', { body: { name: 'Walker', email, password } });
step('register: POST /users is 201', user.status === 201, user);
const login = await call('POST', '/auth/login', { body: { email, password } });
step('login: POST /auth/login is 200 with a token', login.status === 200 && typeof login.body.accessToken === 'string', login);
const token = login.body.accessToken;

const card = await call('POST', '/payments/methods', {
  token,
  body: { cardNumber: '4242 4242 4242 4242', expMonth: 12, expYear: new Date().getFullYear() + 3, holderName: 'Walker' },
});
step('add a card: POST /payments/methods is 201', card.status === 201, card);

const catalog = await call('GET', '/products?limit=5');
step('browse: GET /products lists the seeded catalog', catalog.status === 200 && catalog.body.items?.length > 0, catalog.status);
const product = catalog.body.items[0];
const one = await call('GET', `/products/${product.id}`);
step('browse: GET /products/:id is the product', one.status === 200 && one.body.id === product.id, one);

const order = await call('POST', '/orders', { token, body: { items: [{ productId: product.id, quantity: 2 }], paymentMethodId: card.body.id } });
step('order: POST /orders is 201 PENDING', order.status === 201 && order.body.status === 'PENDING', order);

const settled = await eventually(async () => {
  const res = await call('GET', `/orders/${order.body.id}`, { token });
  return res.body.status === 'PENDING' ? undefined : res.body;
});
step('the order becomes PAID (saga: catalog reservation, payment)', settled?.status === 'PAID', settled);

const payments = await call('GET', `/payments?orderId=${order.body.id}`, { token });
const charged = payments.body.items ?? [];
step('charged once: one succeeded payment of 2 × price', charged.length === 1 && charged[0].status === 'succeeded' && charged[0].amountCents === 2 * product.priceCents, payments);

const sent = await eventually(async () => {
  const res = await call('GET', '/notifications', { token });
  const forOrder = (res.body.items ?? []).filter((n) => n.orderId === order.body.id && n.status === 'sent');
  return forOrder.length >= 2 ? forOrder : undefined;
});
step('notifications order.created and order.paid are sent', sent?.map((n) => n.type).sort().join() === 'order.created,order.paid', sent);

finish(0);
