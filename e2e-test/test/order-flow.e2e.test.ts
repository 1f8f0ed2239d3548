import { randomUUID } from 'node:crypto';
import { waitFor } from '@shop/platform/testing';
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

async function placeOrder(token: string, paymentMethodId: string): Promise<string> {
  const res = await call<{ id: string; status: string }>('POST', '/orders', {
    token,
    body: { items: [{ sku: 'BOOK-1', name: 'TAOCP Vol. 1', quantity: 2, unitPriceCents: 1999 }], currency: 'EUR', paymentMethodId },
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

    paidOrderId = await placeOrder(alice.token, card);
    const order = await settledStatus(alice.token, paidOrderId);

    expect(order.status).toBe('PAID');
    const payments = await call<{ items: Array<{ status: string; amountCents: number }> }>('GET', `/payments?orderId=${paidOrderId}`, { token: alice.token });
    expect(payments.status).toBe(200);
    expect(payments.body.items).toEqual([expect.objectContaining({ status: 'succeeded', amountCents: 3998 })]);
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

  test('When an order is paid, then one trace spans gateway → order (→ user lookup) → payment → order → notification', async () => {
    const gatewaySpan = await eventually(
      async () => system.spans.find((s) => s.service === 'api-gateway' && s.name === 'POST /api/orders' && s.traceId && system.spans.some((o) => o.traceId === s.traceId && o.name === 'order.paid receive')),
      'the spans of the paid order',
    );

    const trace = system.spans.filter((s) => s.traceId === gatewaySpan.traceId);
    const services = new Set(trace.map((s) => s.service));
    expect([...services].sort()).toEqual(['api-gateway', 'notification-service', 'order-service', 'payment-service', 'user-service']);
    const receives = trace.filter((s) => s.name.endsWith(' receive')).map((s) => `${s.service}:${s.name}`);
    expect(receives).toEqual(
      expect.arrayContaining([
        'payment-service:order.created receive',
        'notification-service:order.created receive',
        'order-service:payment.succeeded receive',
        'notification-service:order.paid receive',
      ]),
    );
  });
});
