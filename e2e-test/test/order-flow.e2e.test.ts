import { randomUUID } from 'node:crypto';
import { waitFor } from '@shop/platform/testing';
import { mintToken } from './security-tokens';
import { startSystem, type RunningSystem } from './system';

let system: RunningSystem;
beforeAll(async () => {
  system = await startSystem();
}, 90_000);
afterAll(async () => {
  await system?.stop();
}, 60_000);

interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
}

/** A client of the gateway, as a user of the system would be. */
async function call<T = Record<string, unknown>>(method: string, path: string, options: { token?: string; body?: unknown } = {}): Promise<Answer<T>> {
  const res = await fetch(`${system.gateway}${path}`, {
    method,
    headers: {
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    },
    body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
}

async function signUp(name: string): Promise<{ token: string; email: string; id: string }> {
  const email = `${name.toLowerCase()}-${randomUUID()}@example.com`;
  const password = 'correct horse battery';
  const user = await call<{ id: string }>('POST', '/users', { body: { name, email, password } });
  expect(user.status).toBe(201);
  const login = await call<{ accessToken: string }>('POST', '/auth/login', { body: { email, password } });
  expect(login.status).toBe(200);
  return { token: login.body.accessToken, email, id: user.body.id };
}

async function addCard(token: string, cardNumber: string): Promise<string> {
  const res = await call<{ id: string }>('POST', '/payments/methods', {
    token,
    body: { cardNumber, expMonth: 12, expYear: new Date().getFullYear() + 3, holderName: 'Test Holder' },
  });
  expect(res.status).toBe(201);
  return res.body.id;
}

interface Product {
  id: string;
  sku: string;
  priceCents: number;
  currency: string;
}

let seeded: Product | undefined;

/** A product of the sample catalog `./run stack` seeds, as anyone browsing the shop sees it (looked up once). */
async function seededProduct(): Promise<Product> {
  if (seeded) return seeded;
  const res = await call<{ items: Product[] }>('GET', '/products?limit=5');
  expect(res.status).toBe(200);
  expect(res.body.items.length).toBeGreaterThan(0);
  seeded = res.body.items[0]!;
  return seeded;
}

async function placeOrder(token: string, paymentMethodId: string, productId?: string, quantity = 2): Promise<string> {
  const res = await call<{ id: string; status: string }>('POST', '/orders', {
    token,
    body: { items: [{ productId: productId ?? (await seededProduct()).id, quantity }], paymentMethodId },
  });
  expect(res.status).toBe(201);
  expect(res.body.status).toBe('PENDING');
  return res.body.id;
}

/** Polls (every 100 ms: each probe is a request through the gateway) until probe returns an object, at most timeoutMs. */
const eventually = <T extends object>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> =>
  waitFor(probe, { timeoutMs, intervalMs: 100, what }) as Promise<T>;

const settledStatus = (token: string, orderId: string) =>
  eventually(async () => {
    const res = await call<{ status: string; failureReason?: string }>('GET', `/orders/${orderId}`, { token });
    return res.body.status === 'PENDING' ? undefined : res.body;
  }, `order ${orderId} to settle`);

type Notification = { orderId: string; type: string; status: string };

describe('the order flow through the gateway', () => {
  let alice: { token: string; email: string; id: string };
  let paidOrderId: string;

  test('When a customer pays with a good card, then the order is PAID, charged once, and two mails arrive', async () => {
    alice = await signUp('Alice');
    const card = await addCard(alice.token, '4242 4242 4242 4242');

    const product = await seededProduct();

    paidOrderId = await placeOrder(alice.token, card, product.id, 2);
    const order = await settledStatus(alice.token, paidOrderId);

    expect(order.status).toBe('PAID');
    const payments = await call<{ items: Array<{ status: string; amountCents: number }> }>('GET', `/payments?orderId=${paidOrderId}`, { token: alice.token });
    expect(payments.status).toBe(200);
    expect(payments.body.items).toEqual([expect.objectContaining({ status: 'succeeded', amountCents: 2 * product.priceCents })]);
    const notifications = await eventually(async () => {
      const res = await call<{ items: Notification[] }>('GET', '/notifications', { token: alice.token });
      const forOrder = res.body.items.filter((n) => n.orderId === paidOrderId && n.status === 'sent');
      return forOrder.length >= 2 ? forOrder : undefined;
    }, 'two sent notifications');
    expect(notifications.map((n) => n.type).sort()).toEqual(['order.created', 'order.paid']);
    const mails = system.mails.filter((m) => m.to.includes(alice.email));
    expect(mails).toHaveLength(2);
  });

  test('When the card is declined, then the order is PAYMENT_FAILED with the reason and its mail arrives', async () => {
    const bob = await signUp('Bob');
    const card = await addCard(bob.token, '4000 0000 0000 0002');

    const orderId = await placeOrder(bob.token, card);
    const order = await settledStatus(bob.token, orderId);

    expect(order).toMatchObject({ status: 'PAYMENT_FAILED', failureReason: 'card_declined' });
    const payments = await call<{ items: Array<{ status: string; failureReason: string }> }>('GET', `/payments?orderId=${orderId}`, { token: bob.token });
    expect(payments.body.items).toEqual([expect.objectContaining({ status: 'failed', failureReason: 'card_declined' })]);
    await eventually(async () => {
      const res = await call<{ items: Notification[] }>('GET', '/notifications', { token: bob.token });
      const types = res.body.items.filter((n) => n.orderId === orderId && n.status === 'sent').map((n) => n.type).sort();
      return types.length === 2 ? types : undefined;
    }, "bob's two notifications");
    const mails = system.mails.filter((m) => m.to.includes(bob.email));
    expect(mails).toHaveLength(2);
    expect(mails.some((m) => /declined/i.test(m.raw))).toBe(true);
  });

  test("When another user asks for someone's order, payment or notifications, then they get 404 or nothing", async () => {
    const mallory = await signUp('Mallory');
    const payment = await call<{ items: Array<{ id: string }> }>('GET', `/payments?orderId=${paidOrderId}`, { token: alice.token });
    const paymentId = payment.body.items[0]!.id;

    const order = await call('GET', `/orders/${paidOrderId}`, { token: mallory.token });
    const paymentById = await call('GET', `/payments/${paymentId}`, { token: mallory.token });
    const paymentsOfOrder = await call<{ items?: unknown[] }>('GET', `/payments?orderId=${paidOrderId}`, { token: mallory.token });
    const notifications = await call<{ items: Notification[] }>('GET', '/notifications', { token: mallory.token });

    expect(order.status).toBe(404);
    expect(paymentById.status).toBe(404);
    expect(paymentsOfOrder.status === 404 || paymentsOfOrder.body.items?.length === 0).toBe(true);
    expect(notifications.status).toBe(200);
    expect(notifications.body.items.filter((n) => n.orderId === paidOrderId)).toEqual([]);
  });

  test('When an order is paid, then one trace spans gateway → order (→ user lookup) → catalog → order → payment → order → notification', async () => {
    const gatewaySpan = await eventually(
      async () => system.spans.find((s) => s.service === 'api-gateway' && s.name === 'POST /api/orders' && s.traceId && system.spans.some((o) => o.traceId === s.traceId && o.name === 'order.paid receive')),
      'the spans of the paid order',
    );

    const trace = system.spans.filter((s) => s.traceId === gatewaySpan.traceId);
    const services = new Set(trace.map((s) => s.service));
    expect([...services].sort()).toEqual(['api-gateway', 'catalog-service', 'notification-service', 'order-service', 'payment-service', 'user-service']);
    const receives = trace.filter((s) => s.name.endsWith(' receive')).map((s) => `${s.service}:${s.name}`);
    expect(receives).toEqual(
      expect.arrayContaining([
        'catalog-service:order.created receive',
        'notification-service:order.created receive',
        'order-service:stock.reserved receive',
        'payment-service:order.stock_confirmed receive',
        'order-service:payment.succeeded receive',
        'notification-service:order.paid receive',
      ]),
    );
  });
});

interface PlacedOrder {
  id: string;
  totalCents: number;
  currency: string;
  items: Array<{ productId: string; sku: string; unitPriceCents: number; quantity: number }>;
}

describe('orders buy products at the price the catalog has at the moment of the order', () => {
  let customer: { token: string; card: string };
  let admin: string;
  let product: Product;
  const order = (productId: string) => call<PlacedOrder & { code?: string }>('POST', '/orders', { token: customer.token, body: { items: [{ productId, quantity: 1 }], paymentMethodId: customer.card } });

  beforeAll(async () => {
    const carol = await signUp('Carol');
    customer = { token: carol.token, card: await addCard(carol.token, '4242 4242 4242 4242') };
    // Admins are made with `npm run create-admin`; its token is what login would issue them.
    admin = await mintToken(system.services.find((s) => s.name === 'api-gateway')!.env.JWT_SECRET!, { role: 'admin' });
  });

  test('When an admin adds a product, then a customer can order it within seconds, at its price', async () => {
    const created = await call<Product>('POST', '/products', {
      token: admin,
      body: { sku: `E2E-${randomUUID().slice(0, 8)}`, name: 'Structure and Interpretation of Computer Programs', priceCents: 1500, currency: 'EUR', stock: 5 },
    });
    expect(created.status).toBe(201);
    product = created.body;

    // order-service learns of it through product.created: until then the product is unknown to it.
    const placed = await eventually(async () => {
      const res = await order(product.id);
      if (res.status === 422 && res.body.code === 'product-not-found') return undefined;
      return res;
    }, 'the new product to be orderable', 5_000);

    expect(placed.status).toBe(201);
    expect(placed.body).toMatchObject({ totalCents: 1500, currency: 'EUR', items: [expect.objectContaining({ productId: product.id, sku: product.sku, unitPriceCents: 1500 })] });
  });

  test('When an admin reprices a product, then new orders pay the new price and placed orders keep theirs', async () => {
    const before = await order(product.id);
    expect(before.status).toBe(201);

    const repriced = await call('PATCH', `/products/${product.id}`, { token: admin, body: { priceCents: 2500 } });
    expect(repriced.status).toBe(200);
    const after = await eventually(async () => {
      const res = await order(product.id);
      return res.status === 201 && res.body.totalCents === 2500 ? res : undefined;
    }, 'an order at the new price', 5_000);

    expect(after.body.items[0]!.unitPriceCents).toBe(2500);
    const placedBefore = await call<PlacedOrder>('GET', `/orders/${before.body.id}`, { token: customer.token });
    expect(placedBefore.body.totalCents).toBe(1500);
  });

  test('When catalog-service is down, then browsing fails fast but orders are still taken at its last price', async () => {
    await system.kill('catalog-service');
    try {
      const browse = await call<{ code: string }>('GET', '/products');
      const placed = await order(product.id);

      expect(browse.status).toBeGreaterThanOrEqual(502);
      expect(placed.status).toBe(201);
      expect(placed.body).toMatchObject({ totalCents: 2500, items: [expect.objectContaining({ unitPriceCents: 2500 })] });
    } finally {
      await system.start('catalog-service');
    }
  });
});
