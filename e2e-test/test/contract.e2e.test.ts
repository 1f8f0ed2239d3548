import { randomUUID } from 'node:crypto';
import { waitFor } from '@shop/platform/testing';
import { startPrismProxy, violationsOf, type PrismProxy, type Violation } from './prism-proxy';
import { mintToken } from './security-tokens';
import { startSystem, type RunningSystem } from './system';

// The API contract, checked by a validator we did not write: every exercise below goes through
// Prism's validating proxy (`prism proxy <the gateway's merged document> <the gateway>`), and any
// answer that breaks the document fails, undocumented statuses included. Every operation of the
// document must be exercised, so a new route without an exercise fails here too.

let system: RunningSystem;
let prism: PrismProxy;
let document: OpenApiDocument;

interface OpenApiDocument {
  paths: Record<string, Record<string, unknown>>;
  'x-unavailable-services': string[];
}

/** What the exercises learn as they go (ids, tokens) and later ones use. */
interface Context {
  tokens: Record<Who, string | undefined>;
  alice: { id: string; email: string; password: string };
  bob: { id: string; email: string; password: string };
  carol: { id: string; email: string; password: string };
  /** carol's refresh tokens: the one login gave, and the newest. */
  refresh: { first: string; latest: string };
  product: { id: string };
  newProduct: { id: string };
  card: { id: string };
  spareCard: { id: string };
  paidOrder: { id: string };
  pendingOrder: { id: string };
  rejectedOrder: { id: string };
  payment: { id: string };
}

/** Who sends a request: nobody, a signed-in customer, an admin, a user whose account does not exist, a broken token. */
type Who = 'anonymous' | 'alice' | 'bob' | 'carol' | 'admin' | 'ghost' | 'bad-token';

interface Exercise {
  name: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string | ((c: Context) => string);
  who: Who;
  body?: Record<string, unknown> | ((c: Context) => unknown);
  headers?: Record<string, string>;
  status: number;
  /** The request breaks the document on purpose (bad input, no token): Prism must say so, the gateway still answers. */
  invalidRequest?: true;
  /** Keeps what the answer says for later exercises. */
  keep?: (c: Context, body: any) => void; // eslint-disable-line @typescript-eslint/no-explicit-any
}

const ctx = { tokens: { anonymous: undefined, 'bad-token': 'not-a-jwt' } } as Context;
const card = (cardNumber: string) => ({ cardNumber, expMonth: 12, expYear: new Date().getFullYear() + 3, holderName: 'Contract Test' });
const anOrder = (c: Context) => ({ items: [{ productId: c.product.id, quantity: 1 }], paymentMethodId: c.card.id });
const someone = () => ({ email: `contract-${randomUUID()}@example.com`, password: 'correct horse battery' });
const NOT_A_UUID = 'not-a-uuid';

const NEW_SKU = `CT-${randomUUID().slice(0, 8)}`;
const newProduct = () => ({ sku: NEW_SKU, name: 'Contract Test Product', priceCents: 1299, currency: 'EUR', stock: 5 });

const EXERCISES: Exercise[] = [
  // the gateway's own routes
  { name: 'liveness', method: 'GET', path: '/health', who: 'anonymous', status: 200 },
  { name: 'readiness', method: 'GET', path: '/ready', who: 'anonymous', status: 200 },
  { name: 'the merged document', method: 'GET', path: '/api/openapi.json', who: 'anonymous', status: 200 },
  { name: 'the docs page', method: 'GET', path: '/api/docs', who: 'anonymous', status: 200 },

  // users and logins
  { name: 'register alice', method: 'POST', path: '/api/users', who: 'anonymous', body: (c) => ({ name: 'Alice', email: c.alice.email, password: c.alice.password }), status: 201, keep: (c, b) => (c.alice.id = b.id) },
  { name: 'register bob', method: 'POST', path: '/api/users', who: 'anonymous', body: (c) => ({ name: 'Bob', email: c.bob.email, password: c.bob.password }), status: 201, keep: (c, b) => (c.bob.id = b.id) },
  { name: 'register a taken email', method: 'POST', path: '/api/users', who: 'anonymous', body: (c) => ({ name: 'Alice', email: c.alice.email, password: c.alice.password }), status: 409 },
  { name: 'register without fields', method: 'POST', path: '/api/users', who: 'anonymous', body: {}, status: 400, invalidRequest: true },
  { name: 'register a body over 100 kB', method: 'POST', path: '/api/users', who: 'anonymous', body: () => ({ name: 'x'.repeat(110_000), ...someone() }), status: 413, invalidRequest: true },
  { name: 'alice logs in', method: 'POST', path: '/api/auth/login', who: 'anonymous', body: (c) => ({ email: c.alice.email, password: c.alice.password }), status: 200, keep: (c, b) => (c.tokens.alice = b.accessToken) },
  { name: 'bob logs in', method: 'POST', path: '/api/auth/login', who: 'anonymous', body: (c) => ({ email: c.bob.email, password: c.bob.password }), status: 200, keep: (c, b) => (c.tokens.bob = b.accessToken) },
  { name: 'a wrong password', method: 'POST', path: '/api/auth/login', who: 'anonymous', body: (c) => ({ email: c.alice.email, password: 'wrong password' }), status: 401 },
  { name: 'a login without fields', method: 'POST', path: '/api/auth/login', who: 'anonymous', body: {}, status: 400, invalidRequest: true },
  // sessions and the account itself (carol signs out and deletes her account; password checks count against the login limit)
  { name: 'register carol', method: 'POST', path: '/api/users', who: 'anonymous', body: (c) => ({ name: 'Carol', email: c.carol.email, password: c.carol.password }), status: 201, keep: (c, b) => (c.carol.id = b.id) },
  {
    name: 'carol logs in', method: 'POST', path: '/api/auth/login', who: 'anonymous', body: (c) => ({ email: c.carol.email, password: c.carol.password }), status: 200,
    keep: (c, b) => {
      c.tokens.carol = b.accessToken;
      c.refresh = { first: b.refreshToken, latest: b.refreshToken };
    },
  },
  { name: 'refresh', method: 'POST', path: '/api/auth/refresh', who: 'anonymous', body: (c) => ({ refreshToken: c.refresh.first }), status: 200, keep: (c, b) => (c.refresh.latest = b.refreshToken) },
  { name: 'refresh with a rotated token', method: 'POST', path: '/api/auth/refresh', who: 'anonymous', body: (c) => ({ refreshToken: c.refresh.first }), status: 401 },
  { name: 'refresh without a token', method: 'POST', path: '/api/auth/refresh', who: 'anonymous', body: {}, status: 400, invalidRequest: true },
  { name: 'sign out', method: 'POST', path: '/api/auth/logout', who: 'carol', body: (c) => ({ refreshToken: c.refresh.latest }), status: 204 },
  { name: 'sign out without an access token', method: 'POST', path: '/api/auth/logout', who: 'anonymous', body: (c) => ({ refreshToken: c.refresh.latest }), status: 401, invalidRequest: true },
  { name: 'change my name', method: 'PATCH', path: '/api/users/me', who: 'carol', body: { name: 'Carol C.' }, status: 200 },
  { name: 'change my role', method: 'PATCH', path: '/api/users/me', who: 'carol', body: { role: 'admin' }, status: 400, invalidRequest: true },
  { name: 'delete my account, wrong password', method: 'DELETE', path: '/api/users/me', who: 'carol', body: { password: 'not my password' }, status: 401 },
  { name: 'delete my account', method: 'DELETE', path: '/api/users/me', who: 'carol', body: (c) => ({ password: c.carol.password }), status: 204 },
  { name: 'me', method: 'GET', path: '/api/users/me', who: 'alice', status: 200 },
  { name: 'me, account gone', method: 'GET', path: '/api/users/me', who: 'ghost', status: 404 },
  { name: 'me without a token', method: 'GET', path: '/api/users/me', who: 'anonymous', status: 401, invalidRequest: true },
  { name: 'me with a broken token', method: 'GET', path: '/api/users/me', who: 'bad-token', status: 401 },
  { name: 'own user', method: 'GET', path: (c) => `/api/users/${c.alice.id}`, who: 'alice', status: 200 },
  { name: "someone else's user", method: 'GET', path: (c) => `/api/users/${c.bob.id}`, who: 'alice', status: 403 },
  { name: 'an unknown user, as admin', method: 'GET', path: () => `/api/users/${randomUUID()}`, who: 'admin', status: 404 },
  { name: 'a user id that is no uuid', method: 'GET', path: `/api/users/${NOT_A_UUID}`, who: 'alice', status: 400, invalidRequest: true },
  { name: 'a user without a token', method: 'GET', path: (c) => `/api/users/${c.alice.id}`, who: 'anonymous', status: 401, invalidRequest: true },
  { name: 'all users, as admin', method: 'GET', path: '/api/users?limit=5', who: 'admin', status: 200 },
  { name: 'all users, as customer', method: 'GET', path: '/api/users', who: 'alice', status: 403 },
  { name: 'all users, limit 0', method: 'GET', path: '/api/users?limit=0', who: 'admin', status: 400, invalidRequest: true },

  // the catalog: anyone browses, admins change it
  {
    name: 'browse products', method: 'GET', path: '/api/products?limit=100', who: 'anonymous', status: 200,
    keep: (c, b: { items: Array<{ id: string; active?: boolean; stock?: number }> }) => {
      const product = b.items.find((p) => p.active !== false && (p.stock ?? 1) > 0);
      if (!product) throw new Error('No seeded product on sale: orders cannot be exercised');
      c.product = { id: product.id };
    },
  },
  { name: 'browse, limit 0', method: 'GET', path: '/api/products?limit=0', who: 'anonymous', status: 400, invalidRequest: true },
  { name: 'browse with a broken token', method: 'GET', path: '/api/products', who: 'bad-token', status: 401 },
  { name: 'browse as admin', method: 'GET', path: '/api/products', who: 'admin', status: 200 },
  { name: 'one product', method: 'GET', path: (c) => `/api/products/${c.product.id}`, who: 'anonymous', status: 200 },
  { name: 'an unknown product', method: 'GET', path: () => `/api/products/${randomUUID()}`, who: 'anonymous', status: 404 },
  { name: 'a product id that is no uuid', method: 'GET', path: `/api/products/${NOT_A_UUID}`, who: 'anonymous', status: 400, invalidRequest: true },
  { name: 'add a product', method: 'POST', path: '/api/products', who: 'admin', body: newProduct, status: 201, keep: (c, b) => (c.newProduct = { id: b.id }) },
  { name: 'add a product with a taken sku', method: 'POST', path: '/api/products', who: 'admin', body: newProduct, status: 409 },
  { name: 'add a product, as customer', method: 'POST', path: '/api/products', who: 'alice', body: newProduct, status: 403 },
  { name: 'add a product without a token', method: 'POST', path: '/api/products', who: 'anonymous', body: newProduct, status: 401, invalidRequest: true },
  { name: 'add a product without fields', method: 'POST', path: '/api/products', who: 'admin', body: {}, status: 400, invalidRequest: true },
  { name: 'change a product', method: 'PATCH', path: (c) => `/api/products/${c.newProduct.id}`, who: 'admin', body: { priceCents: 1499 }, status: 200 },
  { name: 'change a product, as customer', method: 'PATCH', path: (c) => `/api/products/${c.newProduct.id}`, who: 'alice', body: { priceCents: 1 }, status: 403 },
  { name: 'change an unknown product', method: 'PATCH', path: () => `/api/products/${randomUUID()}`, who: 'admin', body: { priceCents: 1499 }, status: 404 },
  { name: 'change the sku of a product', method: 'PATCH', path: (c) => `/api/products/${c.newProduct.id}`, who: 'admin', body: { sku: 'NEW' }, status: 400, invalidRequest: true },
  { name: 'adjust stock', method: 'POST', path: (c) => `/api/products/${c.newProduct.id}/stock-adjustments`, who: 'admin', body: { delta: 3, reason: 'delivery' }, status: 200 },
  { name: 'adjust stock below zero', method: 'POST', path: (c) => `/api/products/${c.newProduct.id}/stock-adjustments`, who: 'admin', body: { delta: -1000, reason: 'loss' }, status: 409 },
  { name: 'adjust stock of an unknown product', method: 'POST', path: () => `/api/products/${randomUUID()}/stock-adjustments`, who: 'admin', body: { delta: 3, reason: 'delivery' }, status: 404 },
  { name: 'adjust stock without a reason', method: 'POST', path: (c) => `/api/products/${c.newProduct.id}/stock-adjustments`, who: 'admin', body: { delta: 3 }, status: 400, invalidRequest: true },
  { name: 'adjust stock, as customer', method: 'POST', path: (c) => `/api/products/${c.newProduct.id}/stock-adjustments`, who: 'alice', body: { delta: 3, reason: 'delivery' }, status: 403 },

  // cards
  { name: 'save a card', method: 'POST', path: '/api/payments/methods', who: 'alice', body: card('4242 4242 4242 4242'), status: 201, keep: (c, b) => (c.card = { id: b.id }) },
  { name: 'save a spare card', method: 'POST', path: '/api/payments/methods', who: 'alice', body: card('5555 5555 5555 4444'), status: 201, keep: (c, b) => (c.spareCard = { id: b.id }) },
  { name: 'save a card failing Luhn', method: 'POST', path: '/api/payments/methods', who: 'alice', body: card('4242 4242 4242 4241'), status: 400 },
  { name: 'save a card without fields', method: 'POST', path: '/api/payments/methods', who: 'alice', body: {}, status: 400, invalidRequest: true },
  { name: 'save a card without a token', method: 'POST', path: '/api/payments/methods', who: 'anonymous', body: card('4242 4242 4242 4242'), status: 401, invalidRequest: true },
  { name: 'saved cards', method: 'GET', path: '/api/payments/methods', who: 'alice', status: 200 },
  { name: 'saved cards without a token', method: 'GET', path: '/api/payments/methods', who: 'anonymous', status: 401, invalidRequest: true },
  { name: "delete someone else's card", method: 'DELETE', path: (c) => `/api/payments/methods/${c.spareCard.id}`, who: 'bob', status: 404 },
  { name: 'delete a card', method: 'DELETE', path: (c) => `/api/payments/methods/${c.spareCard.id}`, who: 'alice', status: 204 },
  { name: 'delete a card id that is no uuid', method: 'DELETE', path: `/api/payments/methods/${NOT_A_UUID}`, who: 'alice', status: 400, invalidRequest: true },
  { name: 'delete a card without a token', method: 'DELETE', path: (c) => `/api/payments/methods/${c.card.id}`, who: 'anonymous', status: 401, invalidRequest: true },

  // orders (payments settle after PROCESSOR_LATENCY_MS, so the second order can still be cancelled)
  { name: 'place an order', method: 'POST', path: '/api/orders', who: 'alice', body: anOrder, headers: { 'idempotency-key': randomUUID() }, status: 201, keep: (c, b) => (c.paidOrder = { id: b.id }) },
  { name: 'place an order to cancel', method: 'POST', path: '/api/orders', who: 'alice', body: anOrder, status: 201, keep: (c, b) => (c.pendingOrder = { id: b.id }) },
  { name: 'cancel it', method: 'POST', path: (c) => `/api/orders/${c.pendingOrder.id}/cancel`, who: 'alice', status: 200 },
  // More than any seeded product has: the reservation fails and the order ends REJECTED.
  { name: 'place an order the shelf cannot fill', method: 'POST', path: '/api/orders', who: 'alice', body: (c: Context) => ({ items: [{ productId: c.product.id, quantity: 1000 }], paymentMethodId: c.card.id }), status: 201, keep: (c, b) => (c.rejectedOrder = { id: b.id }) },
  { name: "cancel someone else's order", method: 'POST', path: (c) => `/api/orders/${c.pendingOrder.id}/cancel`, who: 'bob', status: 404 },
  { name: 'cancel an order id that is no uuid', method: 'POST', path: `/api/orders/${NOT_A_UUID}/cancel`, who: 'alice', status: 400, invalidRequest: true },
  { name: 'order an unknown product', method: 'POST', path: '/api/orders', who: 'alice', body: (c: Context) => ({ items: [{ productId: randomUUID(), quantity: 1 }], paymentMethodId: c.card.id }), status: 422 },
  { name: 'order without fields', method: 'POST', path: '/api/orders', who: 'alice', body: {}, status: 400, invalidRequest: true },
  { name: 'order without a token', method: 'POST', path: '/api/orders', who: 'anonymous', body: anOrder, status: 401, invalidRequest: true },
  { name: 'own orders', method: 'GET', path: '/api/orders', who: 'alice', status: 200 },
  { name: 'own orders, limit 0', method: 'GET', path: '/api/orders?limit=0', who: 'alice', status: 400, invalidRequest: true },
  { name: 'orders without a token', method: 'GET', path: '/api/orders', who: 'anonymous', status: 401, invalidRequest: true },
  { name: 'one order', method: 'GET', path: (c) => `/api/orders/${c.paidOrder.id}`, who: 'alice', status: 200 },
  { name: "someone else's order", method: 'GET', path: (c) => `/api/orders/${c.paidOrder.id}`, who: 'bob', status: 404 },
  { name: 'an order id that is no uuid', method: 'GET', path: `/api/orders/${NOT_A_UUID}`, who: 'alice', status: 400, invalidRequest: true },
];

// After the first order is PAID and the unfillable one REJECTED (the test waits for both).
const AFTER_PAYMENT: Exercise[] = [
  { name: 'a rejected order', method: 'GET', path: (c) => `/api/orders/${c.rejectedOrder.id}`, who: 'alice', status: 200 },
  { name: 'cancel a rejected order', method: 'POST', path: (c) => `/api/orders/${c.rejectedOrder.id}/cancel`, who: 'alice', status: 409 },
  { name: "an order's payments", method: 'GET', path: (c) => `/api/payments?orderId=${c.paidOrder.id}`, who: 'alice', status: 200, keep: (c, b) => (c.payment = { id: b.items[0].id }) },
  { name: 'cancel a paid order (it is refunded)', method: 'POST', path: (c) => `/api/orders/${c.paidOrder.id}/cancel`, who: 'alice', status: 200 },
  { name: 'payments without an order id', method: 'GET', path: '/api/payments', who: 'alice', status: 400, invalidRequest: true },
  { name: 'payments without a token', method: 'GET', path: (c) => `/api/payments?orderId=${c.paidOrder.id}`, who: 'anonymous', status: 401, invalidRequest: true },
  { name: 'one payment', method: 'GET', path: (c) => `/api/payments/${c.payment.id}`, who: 'alice', status: 200 },
  { name: "someone else's payment", method: 'GET', path: (c) => `/api/payments/${c.payment.id}`, who: 'bob', status: 404 },
  { name: 'a payment id that is no uuid', method: 'GET', path: `/api/payments/${NOT_A_UUID}`, who: 'alice', status: 400, invalidRequest: true },
  { name: 'notifications', method: 'GET', path: '/api/notifications', who: 'alice', status: 200 },
  { name: 'notifications, limit 0', method: 'GET', path: '/api/notifications?limit=0', who: 'alice', status: 400, invalidRequest: true },
  { name: 'notifications without a token', method: 'GET', path: '/api/notifications', who: 'anonymous', status: 401, invalidRequest: true },
  // Last for bob: a password change ends his sessions.
  { name: 'change password, wrong current one', method: 'POST', path: '/api/users/me/password', who: 'bob', body: { currentPassword: 'not my password', newPassword: 'another good passphrase' }, status: 401 },
  { name: 'change password', method: 'POST', path: '/api/users/me/password', who: 'bob', body: (c) => ({ currentPassword: c.bob.password, newPassword: 'another good passphrase' }), status: 204 },
];

/** What one exchange through Prism gave. */
interface Exchange {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  violations: Violation[];
}

const resolve = <T>(value: T | ((c: Context) => T), c: Context): T => (typeof value === 'function' ? (value as (c: Context) => T)(c) : value);

/** Sends one exercise's request through Prism. */
async function send(exercise: Exercise, path = resolve(exercise.path, ctx)): Promise<Exchange> {
  const token = ctx.tokens[exercise.who];
  const body = exercise.body === undefined ? undefined : JSON.stringify(resolve(exercise.body, ctx));
  const res = await fetch(`${prism.url}${path}`, {
    method: exercise.method,
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...exercise.headers,
    },
    body,
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  const isJson = (res.headers.get('content-type') ?? '').includes('json');
  return { status: res.status, body: isJson && text ? JSON.parse(text) : text, violations: violationsOf(res.headers) };
}

/** Every operation exercised so far, as "GET /api/users/{id}". */
const exercised = new Set<string>();

/** The document's operation a request reaches: the path template it matches, literal segments before parameters. */
function operationOf(method: string, path: string): string | undefined {
  const pathname = path.split('?')[0]!;
  const templates = Object.keys(document.paths).filter((template) =>
    new RegExp(`^${template.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`).test(pathname),
  );
  templates.sort((a, b) => a.split('{').length - b.split('{').length);
  return templates[0] && `${method} ${templates[0]}`;
}

/** What went wrong in an exercise, in words; empty when it went as the table says. */
function problemsOf(e: Exercise, exchange: Exchange): string[] {
  const where = (side: string) => exchange.violations.filter((v) => v.location[0] === side);
  const problems: string[] = [];
  if (exchange.status !== e.status) problems.push(`status ${exchange.status}, expected ${e.status}`);
  if (where('response').length > 0) problems.push('the response breaks the document');
  if (e.invalidRequest && where('request').length === 0) problems.push('the request was meant to break the document, but Prism found nothing');
  if (!e.invalidRequest && where('request').length > 0) problems.push('the request breaks the document');
  return problems;
}

/**
 * Runs exercises in order, each request through Prism, and returns what went wrong: a status
 * other than the table's, any response violation (any severity: an undocumented 4xx/5xx status
 * is only a Warning), request violations only where the table means them. Every exercise runs,
 * so one failure shows all the others.
 */
async function runExercises(exercises: Exercise[]): Promise<string[]> {
  const failures: string[] = [];
  for (const e of exercises) {
    const path = resolve(e.path, ctx);
    const exchange = await send(e, path);
    const operation = operationOf(e.method, path);
    if (operation) exercised.add(operation);
    const problems = problemsOf(e, exchange);
    if (problems.length === 0) {
      try {
        e.keep?.(ctx, exchange.body);
      } catch (error) {
        problems.push(`its answer lacks what later exercises need: ${(error as Error).message}`);
      }
    }
    if (problems.length > 0) {
      failures.push(
        `${e.method} ${path} (${e.name}): ${problems.join('; ')}\n  → ${exchange.status} ${JSON.stringify(exchange.body).slice(0, 300)}` +
          `\n  violations: ${JSON.stringify(exchange.violations)}`,
      );
    }
  }
  return failures;
}

/** Runs one exercise, expects it to go as described, and returns what it gave. */
async function exercise(e: Exercise): Promise<Exchange> {
  const path = resolve(e.path, ctx);
  const exchange = await send(e, path);
  const operation = operationOf(e.method, path);
  if (operation) exercised.add(operation);
  expect({ exercise: e.name, problems: problemsOf(e, exchange), violations: exchange.violations }).toEqual({ exercise: e.name, problems: [], violations: exchange.violations });
  return exchange;
}

const call = (method: string, path: string, token?: string) =>
  fetch(`${system.gateway.replace(/\/api$/, '')}${path}`, { method, headers: token ? { authorization: `Bearer ${token}` } : {}, signal: AbortSignal.timeout(10_000) });

beforeAll(async () => {
  // Payments settle after a second, so an order placed just before can still be cancelled.
  system = await startSystem({ env: { PROCESSOR_LATENCY_MS: '1000' } });
  const gatewayRoot = system.gateway.replace(/\/api$/, '');
  document = (await (await fetch(`${gatewayRoot}/api/openapi.json`)).json()) as OpenApiDocument;
  prism = await startPrismProxy(document, gatewayRoot);
  const jwtSecret = system.services.find((s) => s.name === 'api-gateway')!.env.JWT_SECRET!;
  ctx.tokens.admin = await mintToken(jwtSecret, { role: 'admin', expiresInSeconds: 600 });
  ctx.tokens.ghost = await mintToken(jwtSecret, { role: 'customer', expiresInSeconds: 600 });
  ctx.alice = { id: '', ...someone() };
  ctx.bob = { id: '', ...someone() };
  ctx.carol = { id: '', ...someone() };
}, 120_000);

afterAll(async () => {
  await prism?.stop();
  await system?.stop();
}, 60_000);

describe('the API contract, checked by Prism through the gateway', () => {
  test('When the merged document is read, then every service is in it', () => {
    expect(document['x-unavailable-services']).toEqual([]);
  });

  test('When every route is exercised through Prism, then every answer matches the document', async () => {
    const failures = await runExercises(EXERCISES);
    // Without a placed order there is nothing to wait for: its failure is in the list already.
    const reaches = (order: { id: string } | undefined, status: string) =>
      order &&
      waitFor(
        async () => {
          const read = (await (await call('GET', `/api/orders/${order.id}`, ctx.tokens.alice)).json()) as { status: string };
          return read.status === status ? read : undefined;
        },
        { timeoutMs: 20_000, intervalMs: 200, what: `order ${order.id} to be ${status}` },
      );
    await reaches(ctx.paidOrder, 'PAID');
    await reaches(ctx.rejectedOrder, 'REJECTED');
    failures.push(...(await runExercises(AFTER_PAYMENT)));

    expect(failures).toEqual([]);
  });

  test('When a client logs in too often, then the 429 and its headers match the document', async () => {
    const wrongLogin: Exercise = { name: 'a wrong password', method: 'POST', path: '/api/auth/login', who: 'anonymous', body: { email: ctx.alice.email, password: 'still wrong' }, status: 401 };
    // LOGIN_RATE_LIMIT_MAX (10) logins per address and window: some were spent above.
    for (let attempt = 0; attempt < 10; attempt += 1) {
      const { status, violations } = await send(wrongLogin);
      expect(violations).toEqual([]);
      if (status === 429) break;
      expect(status).toBe(401);
    }
    const limited = await exercise({ ...wrongLogin, name: 'a login over the limit', status: 429 });
    expect(limited.body.code).toBe('rate-limited');
  });

  test('When services are down, then the answers of order-service (503) and of the gateway (502) match the document', async () => {
    await system.kill('user-service');
    const unverified = await exercise({ name: 'order while user-service is down', method: 'POST', path: '/api/orders', who: 'alice', body: anOrder, status: 503 });
    expect(unverified.body.code).toBe('user-service-unavailable');

    await system.kill('notification-service');
    const unavailable = await exercise({ name: 'notifications while notification-service is down', method: 'GET', path: '/api/notifications', who: 'alice', status: 502 });
    expect(unavailable.body.code).toBe('upstream-unavailable');
  });

  test('When the exercises are done, then every operation of the document was exercised', () => {
    const operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((method) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
        .map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations.filter((operation) => !exercised.has(operation))).toEqual([]);
  });
});
