import fc from 'fast-check';
import { PASSWORD, type Actor } from './security-actors';
import { email, field, headerValue, hostileBody, hostileCursor, hostileQuery, hostileSegment, type RawBody } from './security-arbitraries';
import type { Exchange } from './security-client';
import { describeExchange, problemsWith, secretsIn } from './security-leaks';
import { startSecuritySystem, type SecuritySystem } from './security-system';

// Property-based fuzzing of every route's body, query and path through the real gateway with a
// valid token. Whatever the input, the answer is a 2xx or a 4xx with { code, message }, within
// 5 s, without stack traces, source paths, SQL or ORM text. Each route gets its own customer, so
// the per-user rate limit (600 a minute) is never what answers.

const CARDS = ['4242 4242 4242 4242', '4000 0000 0000 0002', '5555 5555 5555 4444', '3782 822463 10005'];

let sys: SecuritySystem;

beforeAll(async () => {
  sys = await startSecuritySystem();
  sys.secrets.passwords.push(PASSWORD);
  sys.secrets.cardNumbers.push(...CARDS);
}, 90_000);

afterAll(async () => {
  await sys?.system.stop();
}, 60_000);

/** Runs the property `runs` times; a run fails on any problem with the answer (or no answer within 5 s). */
async function fuzz<T>(input: fc.Arbitrary<T>, send: (value: T) => Promise<Exchange>, runs: number): Promise<void> {
  await fc.assert(
    fc.asyncProperty(input, async (value) => {
      const exchange = await send(value);
      const problems = problemsWith(exchange);
      if (problems.length > 0) throw new Error(`${problems.join('; ')} — ${describeExchange(exchange)}`);
    }),
    { numRuns: runs },
  );
}

const asBody = (body: RawBody) => ({ rawBody: body.text, headers: body.contentType ? { 'content-type': body.contentType } : {} });
const customer = (name: string) => sys.shop.newCustomer(name);
const text = (min: number, max: number) => fc.string({ minLength: min, maxLength: max });
const validPage = { limit: fc.integer({ min: 1, max: 100 }).map(String), cursor: hostileCursor };

describe('Fuzzing the users and auth routes', () => {
  test('POST /api/users with any body', async () => {
    const body = hostileBody(
      fc.record(
        { name: field(text(1, 100)), email: field(email), password: field(text(8, 128)) },
        { requiredKeys: [] },
      ),
    );
    await fuzz(body, (b) => sys.shop.call('POST', '/users', asBody(b)), 50);
  }, 60_000);

  test('POST /api/auth/login with any body', async () => {
    const body = hostileBody(fc.record({ email: field(email), password: field(text(0, 128)) }, { requiredKeys: [] }));
    // Each run from its own address (the gateway believes X-Forwarded-For from loopback, as from a
    // load balancer), so the login limit of 10 a minute per address does not answer in its place.
    let n = 0;
    await fuzz(body, (b) => sys.shop.call('POST', '/auth/login', { ...asBody(b), headers: { ...asBody(b).headers, 'x-forwarded-for': `198.51.100.${(n++ % 250) + 1}` } }), 40);
  }, 60_000);

  test('GET /api/users/:id with any id', async () => {
    const reader = await customer('Reader');
    await fuzz(hostileSegment, (id) => sys.shop.call('GET', `/users/${id}`, { token: reader.token }), 60);
  }, 60_000);

  test('GET /api/users with any query, as an admin', async () => {
    const admin = await sys.shop.newCustomer('Admin', 'admin');
    await fuzz(hostileQuery(validPage), (query) => sys.shop.call('GET', `/users?${query}`, { token: admin.token }), 60);
  }, 60_000);
});

describe('Fuzzing the order routes', () => {
  let buyer: Actor;
  let card: string;
  let product: string;

  beforeAll(async () => {
    buyer = await customer('Buyer');
    card = await sys.shop.addCard(buyer.token, CARDS[0]!);
    product = (await sys.shop.product()).id;
  });

  test('POST /api/orders with any body and Idempotency-Key', async () => {
    const line = fc.record(
      {
        // Hostile one field in thirty here: an order has up to a dozen of these fields.
        productId: field(fc.oneof({ arbitrary: fc.constant(product), weight: 4 }, fc.uuid()), 30),
        quantity: field(fc.oneof({ arbitrary: fc.integer({ min: 1, max: 20 }), weight: 4 }, fc.integer({ min: 1, max: 1000 })), 30),
      },
      { requiredKeys: ['productId', 'quantity'] },
    );
    const order = fc.record({
      body: hostileBody(
        fc.record({
          items: field(fc.array(line, { minLength: 1, maxLength: 3 })),
          paymentMethodId: field(fc.oneof(fc.constant(card), fc.uuid())),
        }),
      ),
      // A few fixed keys too, so replays and reuse with another body (422) happen.
      key: fc.option(fc.oneof(headerValue, fc.constantFrom('retry-1', 'retry-2'))),
    });
    await fuzz(
      order,
      ({ body, key }) => sys.shop.call('POST', '/orders', { token: buyer.token, ...asBody(body), headers: { ...asBody(body).headers, ...(key ? { 'idempotency-key': key } : {}) } }),
      80,
    );
  }, 60_000);

  test('GET /api/orders with any query', async () => {
    await fuzz(hostileQuery(validPage), (query) => sys.shop.call('GET', `/orders?${query}`, { token: buyer.token }), 60);
  }, 60_000);

  test('GET /api/orders/:id and POST /api/orders/:id/cancel with any id', async () => {
    const reader = await customer('OrderReader');
    await fuzz(
      fc.tuple(hostileSegment, fc.boolean()),
      ([id, cancel]) => (cancel ? sys.shop.call('POST', `/orders/${id}/cancel`, { token: reader.token }) : sys.shop.call('GET', `/orders/${id}`, { token: reader.token })),
      80,
    );
  }, 60_000);
});

describe('Fuzzing the product routes', () => {
  test('GET /api/products with any query, without a token', async () => {
    await fuzz(hostileQuery({ ...validPage, q: text(0, 120) }), (query) => sys.shop.call('GET', `/products?${query}`), 60);
  }, 60_000);

  test('POST /api/products with any body, and PATCH and stock adjustments of any id, as an admin', async () => {
    const admin = await sys.shop.newCustomer('Merchant', 'admin');
    const product = hostileBody(
      fc.record(
        {
          sku: field(fc.stringMatching(/^[A-Z0-9-]{1,64}$/)),
          name: field(text(1, 200)),
          description: field(text(0, 2000)),
          priceCents: field(fc.oneof({ arbitrary: fc.integer({ min: 1, max: 100_000 }), weight: 4 }, fc.integer())),
          currency: field(fc.constantFrom('EUR', 'USD', 'eur', 'EURO')),
          stock: field(fc.integer({ min: -5, max: 1000 })),
        },
        { requiredKeys: ['sku', 'name', 'priceCents', 'currency'] },
      ),
    );
    await fuzz(
      fc.tuple(fc.constantFrom('POST', 'PATCH', 'ADJUST'), hostileSegment, product),
      ([kind, id, body]) =>
        sys.shop.call(kind === 'PATCH' ? 'PATCH' : 'POST', kind === 'POST' ? '/products' : kind === 'PATCH' ? `/products/${id}` : `/products/${id}/stock-adjustments`, {
          token: admin.token,
          ...asBody(body),
        }),
      80,
    );
  }, 60_000);
});

describe('Fuzzing the payment routes', () => {
  test('POST /api/payments/methods with any body', async () => {
    const holder = await customer('Holder');
    const body = hostileBody(
      fc.record(
        {
          cardNumber: field(fc.oneof({ arbitrary: fc.constantFrom(...CARDS), weight: 3 }, fc.stringMatching(/^[0-9 ]{12,23}$/))),
          expMonth: field(fc.integer({ min: 1, max: 12 })),
          expYear: field(fc.oneof({ arbitrary: fc.integer({ min: new Date().getFullYear(), max: 2099 }), weight: 3 }, fc.integer({ min: 2000, max: 2099 }))),
          holderName: field(text(1, 100)),
        },
        { requiredKeys: ['cardNumber', 'expMonth', 'expYear'] },
      ),
    );
    await fuzz(body, (b) => sys.shop.call('POST', '/payments/methods', { token: holder.token, ...asBody(b) }), 60);
  }, 60_000);

  test('DELETE /api/payments/methods/:id and GET /api/payments/:id with any id', async () => {
    const holder = await customer('Remover');
    await fuzz(
      fc.tuple(hostileSegment, fc.boolean()),
      ([id, remove]) => sys.shop.call(remove ? 'DELETE' : 'GET', remove ? `/payments/methods/${id}` : `/payments/${id}`, { token: holder.token }),
      80,
    );
  }, 60_000);

  test('GET /api/payments with any query', async () => {
    const payer = await customer('Payer');
    await fuzz(hostileQuery({ orderId: fc.uuid() }), (query) => sys.shop.call('GET', `/payments?${query}`, { token: payer.token }), 50);
  }, 60_000);
});

describe('Fuzzing the notification routes and unknown paths', () => {
  test('GET /api/notifications with any query', async () => {
    const reader = await customer('Notified');
    await fuzz(hostileQuery(validPage), (query) => sys.shop.call('GET', `/notifications?${query}`, { token: reader.token }), 60);
  }, 60_000);

  test('Any method on any path under a routed prefix', async () => {
    const wanderer = await customer('Wanderer');
    const request = fc.record({
      method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'),
      prefix: fc.constantFrom('/users', '/auth', '/orders', '/payments', '/notifications', '/payments/methods', ''),
      segments: fc.array(hostileSegment, { minLength: 1, maxLength: 3 }),
    });
    await fuzz(request, ({ method, prefix, segments }) => sys.shop.call(method, `${prefix}/${segments.join('/')}`, { token: wanderer.token, body: {} }), 60);
  }, 60_000);
});

describe('After the fuzzing', () => {
  test('When the fuzzing is over, then every service still answers its health check', async () => {
    const services = ['user-service', 'catalog-service', 'order-service', 'payment-service', 'notification-service'] as const;

    const answers = await Promise.all([...services.map((s) => sys.direct(s).send('GET', '/health')), sys.gateway.send('GET', '/health')]);

    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
  });

  test('When the fuzzing is over, then no answer carried a secret, a password hash, a token or a card number', () => {
    const leaks = sys.exchanges().flatMap((e) => secretsIn(e, sys.secrets).map((what) => `${what} in ${describeExchange(e)}`));

    expect(sys.exchanges().length).toBeGreaterThan(500);
    expect(leaks).toEqual([]);
  });
});
