import { randomBytes, randomUUID } from 'node:crypto';
import { cursorFor, eventually, PASSWORD, type Actor, type Order } from './security-actors';
import { statusLines, type Exchange } from './security-client';
import { describeWhatAnswersGiveAway } from './security-suite';
import { startSecuritySystem, type SecuritySystem } from './security-system';
import { mintToken, standardClaims, tamperedToken, unsignedToken } from './security-tokens';

// Hostile input through the real gateway, by OWASP API Security Top 10 (2023) category. One
// system for the whole file: the login brute force runs last, because it spends the login
// budget of 127.0.0.1 for a minute; everything before it signs in at most three times.

const GOOD_CARD = '4242 4242 4242 4242';
// The simulated processor fails this card's first two attempts (retries after 200 and 400 ms),
// so its order stays PENDING for about 0.6 s: long enough to try cancelling it.
const SLOW_CARD = '4000 0000 0000 0119';

let sys: SecuritySystem;
let alice: Actor;
let mallory: Actor;
let admin: Actor;

beforeAll(async () => {
  sys = await startSecuritySystem();
  sys.secrets.passwords.push(PASSWORD);
  sys.secrets.cardNumbers.push(GOOD_CARD, SLOW_CARD);
  alice = await sys.shop.signUp('Alice');
  mallory = await sys.shop.signUp('Mallory');
  admin = await sys.shop.newCustomer('Admin', 'admin');
}, 90_000);

afterAll(async () => {
  await sys?.system.stop();
}, 60_000);

const call = (method: string, path: string, options?: Parameters<SecuritySystem['shop']['call']>[2]) => sys.shop.call(method, path, options);
const itemsOf = <T = { id: string }>(e: Exchange) => (e.json as { items: T[] }).items;

describe('API1 Broken object level authorization: ids of other users', () => {
  let aliceCard: string;
  let paid: Order;
  let paymentId: string;

  beforeAll(async () => {
    aliceCard = await sys.shop.addCard(alice.token, GOOD_CARD);
    paid = await sys.shop.settled(alice.token, (await sys.shop.placeOrder(alice.token, aliceCard)).id);
    paymentId = itemsOf(await call('GET', `/payments?orderId=${paid.id}`, { token: alice.token }))[0]!.id;
  }, 30_000);

  test('When a customer reads another user by id, then 403 (as for an unknown id), while self and admin may', async () => {
    const other = await call('GET', `/users/${alice.id}`, { token: mallory.token });
    const unknown = await call('GET', `/users/${randomUUID()}`, { token: mallory.token });
    const forged = await call('GET', `/users/${alice.id}`, { token: mallory.token, headers: { 'x-user-id': alice.id } });
    const self = await call('GET', `/users/${alice.id}`, { token: alice.token });
    const byAdmin = await call('GET', `/users/${alice.id}`, { token: admin.token });

    expect([other.status, unknown.status, forged.status]).toEqual([403, 403, 403]);
    expect(other.json).toMatchObject({ code: 'forbidden' });
    expect([self.status, byAdmin.status]).toEqual([200, 200]);
  });

  test("When a customer reads or cancels another user's order, then 404 exactly as for an unknown id, and the order is unchanged", async () => {
    const read = await call('GET', `/orders/${paid.id}`, { token: mallory.token });
    const cancel = await call('POST', `/orders/${paid.id}/cancel`, { token: mallory.token });
    const unknown = await call('GET', `/orders/${randomUUID()}`, { token: mallory.token });

    expect([read.status, cancel.status]).toEqual([404, 404]);
    expect(read.json).toEqual(unknown.json);
    expect(cancel.json).toEqual(unknown.json);
    expect(await sys.shop.order(alice.token, paid.id)).toEqual(paid);
  });

  test("When a customer cancels another user's order while it is still PENDING, then 404 and the order goes on to be paid", async () => {
    const card = await sys.shop.addCard(alice.token, SLOW_CARD);
    const order = await sys.shop.placeOrder(alice.token, card);
    const before = await sys.shop.order(alice.token, order.id);

    const cancel = await call('POST', `/orders/${order.id}/cancel`, { token: mallory.token });

    expect(before.status).toBe('PENDING');
    expect(cancel.status).toBe(404);
    expect((await sys.shop.settled(alice.token, order.id)).status).toBe('PAID');
  });

  test("When a customer reads another user's payment by id or by order, then 404 or an empty list", async () => {
    const byId = await call('GET', `/payments/${paymentId}`, { token: mallory.token });
    const byOrder = await call('GET', `/payments?orderId=${paid.id}`, { token: mallory.token });
    const byOrderWithUser = await call('GET', `/payments?orderId=${paid.id}&userId=${alice.id}`, { token: mallory.token });

    expect(byId.status).toBe(404);
    expect(byId.json).toMatchObject({ code: 'payment-not-found' });
    expect([byOrder.status, byOrderWithUser.status]).toEqual([200, 200]);
    expect([itemsOf(byOrder), itemsOf(byOrderWithUser)]).toEqual([[], []]);
  });

  test("When a customer deletes another user's card, then 404 and the card stays in its owner's list", async () => {
    const removal = await call('DELETE', `/payments/methods/${aliceCard}`, { token: mallory.token });

    expect(removal.status).toBe(404);
    expect(removal.json).toMatchObject({ code: 'payment-method-not-found' });
    const cards = itemsOf(await call('GET', '/payments/methods', { token: alice.token }));
    expect(cards.map((c) => c.id)).toContain(aliceCard);
  });

  test("When a customer orders with another user's card id, then the payment fails as invalid_payment_method", async () => {
    const order = await sys.shop.placeOrder(mallory.token, aliceCard);

    const settled = await sys.shop.settled(mallory.token, order.id);

    expect(settled).toMatchObject({ status: 'PAYMENT_FAILED', failureReason: 'invalid_payment_method' });
    const payments = itemsOf<{ status: string; failureReason: string }>(await call('GET', `/payments?orderId=${order.id}`, { token: mallory.token }));
    expect(payments).toEqual([expect.objectContaining({ status: 'failed', failureReason: 'invalid_payment_method' })]);
  });

  test("When a customer lists orders or notifications with another user's id or cursor, then only their own come back", async () => {
    const aliceNotifications = await eventually(async () => {
      const items = itemsOf<{ id: string; orderId: string; createdAt: string }>(await call('GET', '/notifications', { token: alice.token }));
      return items.some((n) => n.orderId === paid.id) ? items : undefined;
    }, "alice's notifications");
    const notification = aliceNotifications.find((n) => n.orderId === paid.id)!;
    // A cursor just after alice's newest row: the next page would be alice's older rows if the owner were not enforced.
    const orderCursor = cursorFor(new Date(Date.parse(paid.createdAt as string) + 1).toISOString(), 'ffffffff-ffff-4fff-bfff-ffffffffffff');
    const notificationCursor = cursorFor(new Date(Date.parse(notification.createdAt) + 1).toISOString(), 'ffffffff-ffff-4fff-bfff-ffffffffffff');

    const answers = await Promise.all([
      call('GET', `/orders?userId=${alice.id}`, { token: mallory.token }),
      call('GET', `/orders?cursor=${orderCursor}`, { token: mallory.token }),
      call('GET', `/notifications?userId=${alice.id}`, { token: mallory.token }),
      call('GET', `/notifications?cursor=${notificationCursor}`, { token: mallory.token }),
    ]);

    const aliceIds = new Set([paid.id, ...aliceNotifications.map((n) => n.id)]);
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      const items = itemsOf<{ id: string; orderId?: string }>(answer);
      expect(items.filter((item) => aliceIds.has(item.id) || item.orderId === paid.id)).toEqual([]);
    }
    // The same cursor does page through alice's own list: the control that the cursor was a real one.
    const ownPage = itemsOf(await call('GET', `/orders?cursor=${orderCursor}`, { token: alice.token }));
    expect(ownPage.map((o) => o.id)).toContain(paid.id);
  });
});

describe('API2 Broken authentication', () => {
  const PROTECTED = ['/users/me', '/users', '/orders', '/payments/methods', '/notifications'];
  const otherKey = randomBytes(32).toString('hex');

  // [what is sent, expected code, the Authorization header (built once the system runs)]
  const cases: Array<[string, string, () => Promise<string | undefined>]> = [
    ['no Authorization header', 'missing-token', async () => undefined],
    ['"Bearer" alone', 'missing-token', async () => 'Bearer'],
    ['"Bearer " and nothing', 'missing-token', async () => 'Bearer '],
    ['Basic credentials', 'missing-token', async () => `Basic ${Buffer.from(`${alice.email}:${PASSWORD}`).toString('base64')}`],
    ['a bare token without scheme', 'missing-token', async () => alice.token],
    ['two tokens', 'missing-token', async () => `Bearer ${alice.token} ${alice.token}`],
    ['garbage', 'invalid-token', async () => 'Bearer garbage'],
    ['three empty segments', 'invalid-token', async () => 'Bearer ..'],
    ['an expired token signed with the real key', 'token-expired', async () => `Bearer ${await mintToken(sys.secrets.jwtSecret, { sub: alice.id, expiresInSeconds: -5 })}`],
    ['an HS256 token signed with another key', 'invalid-token', async () => `Bearer ${await mintToken(otherKey, { sub: alice.id, role: 'admin' })}`],
    ['an alg:none token built by hand', 'invalid-token', async () => `Bearer ${unsignedToken(standardClaims({ sub: alice.id }))}`],
    ['an alg:none admin token built by hand', 'invalid-token', async () => `Bearer ${unsignedToken(standardClaims({ sub: admin.id, role: 'admin' }))}`],
    ['a token from another issuer', 'invalid-token', async () => `Bearer ${await mintToken(sys.secrets.jwtSecret, { sub: alice.id, iss: 'someone-else' })}`],
    ['a token for another audience', 'invalid-token', async () => `Bearer ${await mintToken(sys.secrets.jwtSecret, { sub: alice.id, aud: 'another-api' })}`],
    ['an HS512 token with the real key', 'invalid-token', async () => `Bearer ${await mintToken(sys.secrets.jwtSecret, { sub: alice.id, alg: 'HS512' })}`],
    ['a token not valid yet', 'invalid-token', async () => `Bearer ${await mintToken(sys.secrets.jwtSecret, { sub: alice.id, notBeforeSeconds: 600 })}`],
    ['a token without subject', 'invalid-token', async () => `Bearer ${await mintToken(sys.secrets.jwtSecret, { sub: undefined })}`],
    ['a signed token with an unknown role', 'invalid-token', async () => `Bearer ${await mintToken(sys.secrets.jwtSecret, { sub: alice.id, role: 'superuser' })}`],
    ['a real token with its role changed to admin', 'invalid-token', async () => `Bearer ${tamperedToken(mallory.token, (c) => ({ ...c, role: 'admin' }))}`],
    ['a real token with its subject changed', 'invalid-token', async () => `Bearer ${tamperedToken(mallory.token, (c) => ({ ...c, sub: alice.id }))}`],
    ['a real token without its signature', 'invalid-token', async () => `Bearer ${mallory.token.split('.').slice(0, 2).join('.')}.`],
  ];

  test.each(cases)('When the client sends %s, then every protected route answers 401 %s', async (_what, code, authorization) => {
    const header = await authorization();

    const answers = await Promise.all(PROTECTED.map((path) => call('GET', path, { headers: header === undefined ? {} : { authorization: header } })));

    for (const answer of answers) {
      expect({ path: answer.path, status: answer.status, body: answer.json }).toEqual({
        path: answer.path,
        status: 401,
        body: { code, message: expect.any(String) },
      });
      expect(answer.headers['www-authenticate']).toBe('Bearer');
    }
  });

  test('When a token comes in the query string instead of the header, then it is ignored', async () => {
    const answer = await call('GET', `/orders?access_token=${alice.token}&token=${alice.token}`);

    expect(answer.status).toBe(401);
  });

  test('When an anonymous client sends identity headers with the real gateway token, then the gateway still asks for a token', async () => {
    const headers = { 'x-gateway-token': sys.secrets.gatewayToken, 'x-user-id': admin.id, 'x-user-role': 'admin' };

    const list = await call('GET', '/users', { headers });
    const order = await call('GET', '/orders', { headers });

    expect([list.status, order.status]).toEqual([401, 401]);
  });

  test('When a customer claims admin or another id through identity headers, then the services see only the token', async () => {
    const headers = { 'X-User-Role': 'admin', 'X-User-Id': alice.id, 'X-Gateway-Token': sys.secrets.gatewayToken };

    const list = await call('GET', '/users', { token: mallory.token, headers });
    const me = await call('GET', '/users/me', { token: mallory.token, headers });

    expect(list.status).toBe(403);
    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({ id: mallory.id, role: 'customer' });
  });
});

describe('API3 Broken object property level authorization', () => {
  test.each([
    ['role', 'admin'],
    ['id', '00000000-0000-4000-8000-000000000000'],
    ['passwordHash', 'scrypt$1$8$1$AAAA$AAAA'],
    ['createdAt', '2000-01-01T00:00:00.000Z'],
  ])('When a registration carries %s, then it is refused with 400 naming the field and nothing is stored', async (field, value) => {
    const email = `mass-${randomUUID()}@example.com`;

    const refused = await call('POST', '/users', { body: { name: 'Eve', email, password: PASSWORD, [field]: value } });
    const plain = await call('POST', '/users', { body: { name: 'Eve', email, password: PASSWORD } });

    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.json)).toContain(field);
    // 201 rather than 409 email-taken: the refused registration stored nothing.
    expect(plain.status).toBe(201);
    expect(plain.json).toMatchObject({ role: 'customer' });
  });

  const orderBody = (paymentMethodId: string) => ({
    items: [{ sku: 'PEN-1', name: 'Pen', quantity: 3, unitPriceCents: 333 }],
    currency: 'EUR',
    paymentMethodId,
  });

  test.each([
    ['status', 'PAID'],
    ['userId', '00000000-0000-4000-8000-000000000000'],
    ['totalCents', 1],
    ['id', '00000000-0000-4000-8000-000000000000'],
    ['failureReason', 'none'],
    ['customer', { email: 'ceo@example.com', name: 'CEO' }],
    ['createdAt', '2000-01-01T00:00:00.000Z'],
  ])('When an order body carries %s, then it is refused with 400 and no order is placed', async (field, value) => {
    const buyer = await sys.shop.newCustomer('Buyer');
    const card = await sys.shop.addCard(buyer.token, GOOD_CARD);

    const refused = await call('POST', '/orders', { token: buyer.token, body: { ...orderBody(card), [field]: value } });
    const lineField = await call('POST', '/orders', {
      token: buyer.token,
      body: { ...orderBody(card), items: [{ ...orderBody(card).items[0], [field]: value }] },
    });

    expect([refused.status, lineField.status]).toEqual([400, 400]);
    expect(JSON.stringify(refused.json)).toContain(field);
    expect(itemsOf(await call('GET', '/orders', { token: buyer.token }))).toEqual([]);
  });

  test('When an order is placed, then the total is computed by the server and the answer holds no owner data', async () => {
    const buyer = await sys.shop.newCustomer('Buyer');
    const card = await sys.shop.addCard(buyer.token, GOOD_CARD);

    const placed = await call('POST', '/orders', { token: buyer.token, body: orderBody(card) });

    expect(placed.status).toBe(201);
    expect(placed.json).toMatchObject({ totalCents: 999, status: 'PENDING' });
    expect(Object.keys(placed.json as object).sort()).toEqual(['createdAt', 'currency', 'id', 'items', 'paymentMethodId', 'status', 'totalCents', 'updatedAt']);
  });

  test.each([
    ['userId', (victim) => victim.id],
    ['token', () => 'pm_tok_chosen_by_the_client'],
    ['last4', () => '0000'],
    ['brand', () => 'amex'],
    ['id', () => '00000000-0000-4000-8000-000000000000'],
    ['deletedAt', () => null],
    ['cvc', () => '123'],
  ] as Array<[string, (a: Actor) => unknown]>)('When a card body carries %s, then it is refused with 400 and no card is saved', async (field, value) => {
    const holder = await sys.shop.newCustomer('Holder');

    const refused = await call('POST', '/payments/methods', {
      token: holder.token,
      body: { cardNumber: GOOD_CARD, expMonth: 12, expYear: new Date().getFullYear() + 2, [field]: value(alice) },
    });

    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.json)).toContain(field);
    expect(itemsOf(await call('GET', '/payments/methods', { token: holder.token }))).toEqual([]);
  });

  test('When a card is saved, then only brand, last four digits and expiry come back, never number or token', async () => {
    const holder = await sys.shop.newCustomer('Holder');
    const saved = await call('POST', '/payments/methods', {
      token: holder.token,
      body: { cardNumber: '5555 5555 5555 4444', expMonth: 1, expYear: new Date().getFullYear() + 1, holderName: 'H' },
    });
    sys.secrets.cardNumbers.push('5555 5555 5555 4444');

    const listed = itemsOf(await call('GET', '/payments/methods', { token: holder.token }));

    expect(saved.status).toBe(201);
    expect(saved.json).toMatchObject({ brand: 'mastercard', last4: '4444' });
    for (const card of [saved.json as object, ...listed]) {
      expect(Object.keys(card).sort()).toEqual(['brand', 'expMonth', 'expYear', 'holderName', 'id', 'last4']);
    }
  });

  test('When a user reads accounts, then no answer has a password or its hash', async () => {
    const answers = await Promise.all([
      call('GET', '/users/me', { token: alice.token }),
      call('GET', `/users/${alice.id}`, { token: admin.token }),
      call('GET', '/users?limit=100', { token: admin.token }),
    ]);

    for (const answer of answers) expect(answer.status).toBe(200);
    const users = [answers[0]!.json, answers[1]!.json, ...itemsOf(answers[2]!)] as object[];
    for (const user of users) expect(Object.keys(user).sort()).toEqual(['createdAt', 'email', 'id', 'name', 'role']);
  });
});

describe('API4 Unrestricted resource consumption', () => {
  const KB100 = 100 * 1024;
  const jsonOfSize = (bytes: number) => {
    const shell = JSON.stringify({ name: '' });
    return `{"name":"${'x'.repeat(bytes - shell.length)}"}`;
  };

  test.each([
    ['a public route', 'POST', '/users', 150 * 1024],
    ['a signed-in route', 'POST', '/orders', 150 * 1024],
    ['a signed-in route, 5 MB', 'POST', '/payments/methods', 5 * 1024 * 1024],
  ])('When a body over 100 kB goes to %s, then the answer is a JSON 413 at once', async (_what, method, path, size) => {
    const answer = await call(method, path, { token: mallory.token, rawBody: jsonOfSize(size), headers: { 'content-type': 'application/json' } });

    expect(answer.status).toBe(413);
    expect(answer.json).toEqual({ code: 'payload-too-large', message: expect.any(String) });
  });

  test('When a body of exactly 100 kB is sent, then it is read and judged; one byte more is 413', async () => {
    const headers = { 'content-type': 'application/json' };

    const atLimit = await call('POST', '/orders', { token: mallory.token, rawBody: jsonOfSize(KB100), headers });
    const over = await call('POST', '/orders', { token: mallory.token, rawBody: jsonOfSize(KB100 + 1), headers });

    expect(atLimit.status).toBe(400);
    expect(atLimit.json).toMatchObject({ code: 'validation-failed' });
    expect(over.status).toBe(413);
  });

  test('When a large body is streamed chunked, without a length, then it is cut at 100 kB with a 413', async () => {
    const answer = await call('POST', '/users', {
      rawBody: jsonOfSize(2 * 1024 * 1024),
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
    });

    expect(answer.status).toBe(413);
  });

  test('When the request headers are over 16 kB, then the gateway refuses them at once', async () => {
    const answer = await call('GET', '/orders', { token: mallory.token, headers: { 'x-padding': 'x'.repeat(20_000) } });

    expect(answer.status).toBe(431);
  });

  test.each([
    ['/orders', 'customer'],
    ['/notifications', 'customer'],
    ['/users', 'admin'],
  ])('When %s is asked for more than 100 items or a nonsense limit, then 400 naming limit', async (path, who) => {
    const token = who === 'admin' ? admin.token : mallory.token;

    const refused = await Promise.all(['101', '1000000', '0', '-1', '1.5', 'abc', '', '1e3', '0x65'].map((limit) => call('GET', `${path}?limit=${limit}`, { token })));
    const longCursor = await call('GET', `${path}?cursor=${'A'.repeat(201)}`, { token });
    const atMaximum = await call('GET', `${path}?limit=100`, { token });

    for (const answer of refused) {
      expect({ path: answer.path, status: answer.status }).toEqual({ path: answer.path, status: 400 });
      expect(answer.json).toMatchObject({ code: 'validation-failed', details: { fields: [expect.objectContaining({ path: 'limit' })] } });
    }
    expect(longCursor.status).toBe(400);
    expect(atMaximum.status).toBe(200);
  });

  const line = (n: number) => ({ sku: `SKU-${n}`, name: `Item ${n}`, quantity: 1, unitPriceCents: 100 });
  const order = (items: unknown[]) => ({ items, currency: 'EUR', paymentMethodId: randomUUID() });

  test('When an order has more than 50 lines, then 400 naming items; 50 lines are accepted', async () => {
    const buyer = await sys.shop.newCustomer('Bulk');

    const tooMany = await call('POST', '/orders', { token: buyer.token, body: order(Array.from({ length: 51 }, (_, i) => line(i))) });
    const fifty = await call('POST', '/orders', { token: buyer.token, body: order(Array.from({ length: 50 }, (_, i) => line(i))) });

    expect(tooMany.status).toBe(400);
    expect(tooMany.json).toMatchObject({ details: { fields: [expect.objectContaining({ path: 'items' })] } });
    expect(fifty.status).toBe(201);
  });

  test('When quantities, prices or the total go past their bounds, then 400 or 422, never an overflow', async () => {
    const buyer = await sys.shop.newCustomer('Big');
    const max = { sku: 'GOLD', name: 'Gold bar', quantity: 1000, unitPriceCents: 100_000_000 };

    const quantity = await call('POST', '/orders', { token: buyer.token, body: order([{ ...max, quantity: 1001 }]) });
    const price = await call('POST', '/orders', { token: buyer.token, body: order([{ ...max, unitPriceCents: 100_000_001 }]) });
    const unsafe = await call('POST', '/orders', { token: buyer.token, body: order([{ ...max, quantity: 2 ** 53 }]) });
    const total = await call('POST', '/orders', { token: buyer.token, body: order(Array.from({ length: 50 }, () => max)) });

    expect([quantity.status, price.status, unsafe.status]).toEqual([400, 400, 400]);
    expect(total.status).toBe(422);
    expect(total.json).toMatchObject({ code: 'order-total-too-large' });
  });

  test.each([
    ['a name over 100 characters', '/users', () => ({ name: 'n'.repeat(101), email: `long-${randomUUID()}@example.com`, password: PASSWORD })],
    ['a password over 128 characters', '/users', () => ({ name: 'Long', email: `long-${randomUUID()}@example.com`, password: 'p'.repeat(129) })],
    ['an email over 254 characters', '/users', () => ({ name: 'Long', email: `${'e'.repeat(250)}@example.com`, password: PASSWORD })],
    ['a sku over 64 characters', '/orders', () => order([{ ...line(1), sku: 's'.repeat(65) }])],
    ['an item name over 200 characters', '/orders', () => order([{ ...line(1), name: 'n'.repeat(201) }])],
    ['a holder name over 100 characters', '/payments/methods', () => ({ cardNumber: GOOD_CARD, expMonth: 1, expYear: 2090, holderName: 'h'.repeat(101) })],
    ['a card number over 40 characters', '/payments/methods', () => ({ cardNumber: '4'.repeat(41), expMonth: 1, expYear: 2090 })],
  ])('When a body has %s, then 400', async (_what, path, body) => {
    const answer = await call('POST', path, { token: mallory.token, body: body() });

    expect(answer.status).toBe(400);
  });

  test('When an Idempotency-Key is over 255 characters, then 400', async () => {
    const answer = await call('POST', '/orders', { token: mallory.token, body: order([line(1)]), headers: { 'idempotency-key': 'k'.repeat(256) } });

    expect(answer.status).toBe(400);
  });

  test('When one user sends more than 600 requests in a minute, then the rest are 429 with Retry-After while others are served', async () => {
    const greedy = await sys.shop.newCustomer('Greedy');
    const statuses: number[] = [];
    for (let batch = 0; batch < 20; batch++) {
      const answers = await Promise.all(Array.from({ length: 31 }, () => call('GET', '/users/me', { token: greedy.token })));
      statuses.push(...answers.map((a) => a.status));
    }

    const limited = await call('GET', '/users/me', { token: greedy.token });
    const other = await call('GET', '/users/me', { token: mallory.token });

    expect(statuses.filter((s) => s === 200)).toHaveLength(600);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20);
    expect(limited.status).toBe(429);
    expect(limited.json).toEqual({ code: 'rate-limited', message: expect.any(String) });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(other.status).toBe(200);
  }, 60_000);
});

describe('Values the database or the router cannot take', () => {
  test.each([
    ['a registration name', 'POST', '/users', () => ({ name: 'Eve\u0000', email: `nul-${randomUUID()}@example.com`, password: PASSWORD }), 'name'],
    ['an item sku', 'POST', '/orders', () => ({ items: [{ sku: 'A\u0000', name: 'x', quantity: 1, unitPriceCents: 1 }], currency: 'EUR', paymentMethodId: randomUUID() }), 'items.0.sku'],
    ['a card holder name', 'POST', '/payments/methods', () => ({ cardNumber: GOOD_CARD, expMonth: 1, expYear: 2090, holderName: '\u0000' }), 'holderName'],
  ])('When %s holds a NUL character, then 400 naming the field, not a database error', async (_what, method, path, body, field) => {
    const answer = await call(method, path, { token: mallory.token, body: body() });

    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ code: 'validation-failed', details: { fields: [{ path: field, message: expect.any(String) }] } });
  });

  // JSON.stringify writes a lone surrogate as the escape `\ud800`, which JSON.parse accepts and
  // PostgreSQL's jsonb (the events' payloads) refuses.
  test.each([
    ['an order line name', 'POST', '/orders', () => ({ items: [{ sku: 'A-1', name: 'Book \ud800', quantity: 1, unitPriceCents: 100 }], currency: 'EUR', paymentMethodId: randomUUID() }), 'items.0.name'],
    ['an item sku', 'POST', '/orders', () => ({ items: [{ sku: '\udfff', name: 'x', quantity: 1, unitPriceCents: 1 }], currency: 'EUR', paymentMethodId: randomUUID() }), 'items.0.sku'],
    ['a registration name', 'POST', '/users', () => ({ name: 'Eve \udc00', email: `surrogate-${randomUUID()}@example.com`, password: PASSWORD }), 'name'],
    ['a card holder name', 'POST', '/payments/methods', () => ({ cardNumber: GOOD_CARD, expMonth: 1, expYear: 2090, holderName: 'A \ud83d' }), 'holderName'],
  ])('When %s holds a lone UTF-16 surrogate, then 400 naming the field, not a database error', async (_what, method, path, body, field) => {
    const answer = await call(method, path, { token: mallory.token, body: body() });

    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ code: 'validation-failed', details: { fields: [{ path: field, message: expect.any(String) }] } });
  });

  test('When a string holds a surrogate pair (an emoji), then it is stored and read back unchanged', async () => {
    const name = 'Ada \ud83d\ude80';

    const order = await call('POST', '/orders', {
      token: mallory.token,
      body: { items: [{ sku: 'ROCKET-1', name, quantity: 1, unitPriceCents: 100 }], currency: 'EUR', paymentMethodId: randomUUID() },
    });

    expect(order.status).toBe(201);
    expect((order.json as { items: Array<{ name: string }> }).items[0]!.name).toBe(name);
  });

  test.each([
    ['GET', '/users/%zz'],
    ['GET', '/orders/%'],
    ['POST', '/orders/%E0%A4%A/cancel'],
    ['GET', '/payments/%c0%af'],
    ['DELETE', '/payments/methods/%'],
  ])('When %s %s has a broken percent escape in the id, then 400 malformed-request', async (method, path) => {
    const answer = await call(method, path, { token: mallory.token });

    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({ code: 'malformed-request', message: expect.any(String) });
  });

  // Fails until platform/src/data/cursor.ts accepts only what encodeCursor writes (see the report).
  test.each([
    ['an id that is not a UUID', '2024-01-01T00:00:00.000Z', '-'.repeat(36)],
    ['year 0', '0000-01-01T00:00:00.000Z', '00000000-0000-4000-8000-000000000000'],
    ['a time before PostgreSQL', '-271821-04-20T00:00:00.000Z', '00000000-0000-4000-8000-000000000000'],
  ])('When a list cursor is forged with %s, then every list answers 400, not 500', async (_what, time, id) => {
    const cursor = cursorFor(time, id);

    const answers = await Promise.all([
      call('GET', `/orders?cursor=${cursor}`, { token: mallory.token }),
      call('GET', `/notifications?cursor=${cursor}`, { token: mallory.token }),
      call('GET', `/users?cursor=${cursor}`, { token: admin.token }),
    ]);

    expect(answers.map((a) => [a.path, a.status])).toEqual(answers.map((a) => [a.path, 400]));
  });
});

describe('Internal routes stay internal', () => {
  const INTERNAL_PATHS = [
    '/api/../metrics',
    '/api/users/../../metrics',
    '/api/users/../metrics',
    '/api/users/%2e%2e/%2e%2e/metrics',
    '/api/users/%2e%2e%2f%2e%2e%2fmetrics',
    '/api/users/..%2f..%2fmetrics',
    '/api/users/..\\..\\metrics',
    '/api/users/..;/metrics',
    '/api/orders/../../openapi.json',
    '/api/orders/..%2fopenapi.json',
    '/api/payments/../../health',
    '/api/payments/../ready',
    '/api/notifications/%2e%2e/metrics',
    '/api/users/%252e%252e/metrics',
    '/api/metrics',
    '/api/users/metrics',
    '/api/orders/metrics',
    '/api/openapi.json/../metrics',
    '/api/docs/assets/..%2f..%2fpackage.json',
    '/api/docs/assets/%2e%2e/%2e%2e/package.json',
    '//api/users/../../metrics',
  ];
  // What a service's /metrics, /openapi.json, /health, /ready or a package.json would show.
  const INTERNAL_CONTENT = /# HELP|# TYPE|"openapi"|"status":"(ok|ready)"|"checks"|"dependencies"/;

  test.each(INTERNAL_PATHS)('When a signed-in client asks for %s, then it gets a JSON 4xx and no internal content', async (path) => {
    const answer = await sys.gateway.send('GET', path, { token: mallory.token });

    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect(answer.json).toMatchObject({ code: expect.any(String) });
    expect(answer.text).not.toMatch(INTERNAL_CONTENT);
  });

  test('When a request names a service in absolute form, then the gateway does not forward it there', async () => {
    const userPort = sys.direct('user-service').port;
    const raw = await sys.gateway.sendRaw(
      `GET http://127.0.0.1:${userPort}/users HTTP/1.1\r\nHost: 127.0.0.1:${userPort}\r\nAuthorization: Bearer ${admin.token}\r\nConnection: close\r\n\r\n`,
    );

    expect(statusLines(raw)).toEqual([404]);
  });

  test('When a request smuggles a second one behind conflicting Content-Length and Transfer-Encoding, then only a 400 comes back', async () => {
    const raw = await sys.gateway.sendRaw(
      'POST /api/users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n' +
        '0\r\n\r\nGET /health HTTP/1.1\r\nHost: x\r\n\r\n',
    );

    expect(statusLines(raw)).toEqual([400]);
  });

  test('When the merged API document is read, then it lists no internal route of any service', async () => {
    const doc = await sys.gateway.send('GET', '/api/openapi.json');

    const paths = Object.keys((doc.json as { paths: Record<string, unknown> }).paths);
    const gatewayOwn = ['/health', '/ready', '/api/openapi.json', '/api/docs'];
    const services = paths.filter((path) => !gatewayOwn.includes(path));
    expect(services.length).toBeGreaterThan(5);
    for (const path of services) {
      expect(path).toMatch(/^\/api\/(users|auth|orders|payments|notifications)(\/|$)/);
      expect(path).not.toMatch(/\/(metrics|health|ready|openapi\.json)$/);
    }
  });

  const DIRECT: Array<[string, Parameters<SecuritySystem['direct']>[0], string, () => string]> = [
    ['user-service lists users', 'user-service', 'GET', () => '/users'],
    ['user-service reads a user', 'user-service', 'GET', () => `/users/${alice.id}`],
    ['order-service lists orders', 'order-service', 'GET', () => '/orders'],
    ['payment-service lists cards', 'payment-service', 'GET', () => '/payments/methods'],
    ['notification-service lists notifications', 'notification-service', 'GET', () => '/notifications'],
  ];

  test.each(DIRECT)('When %s straight from its port with identity headers but no right gateway token, then 401', async (_what, service, method, path) => {
    const identity = { 'x-user-id': alice.id, 'x-user-role': 'admin' };
    const wrongTokens = [undefined, '', 'wrong', randomBytes(32).toString('hex'), sys.secrets.jwtSecret, alice.token, sys.secrets.gatewayToken.toUpperCase()];

    const refused = await Promise.all(
      wrongTokens.map((token) => sys.direct(service).send(method, path(), { headers: { ...identity, ...(token === undefined ? {} : { 'x-gateway-token': token }) } })),
    );
    const control = await sys.direct(service).send(method, path(), { headers: { ...identity, 'x-gateway-token': sys.secrets.gatewayToken } });

    for (const answer of refused) expect(answer.status).toBe(401);
    expect(control.status).toBe(200);
  });

  test("When someone cancels an order straight at order-service without the gateway token, then 401 and the order is unchanged", async () => {
    const card = await sys.shop.addCard(alice.token, GOOD_CARD);
    const order = await sys.shop.settled(alice.token, (await sys.shop.placeOrder(alice.token, card)).id);

    const answer = await sys.direct('order-service').send('POST', `/orders/${order.id}/cancel`, { headers: { 'x-user-id': alice.id, 'x-user-role': 'customer' } });

    expect(answer.status).toBe(401);
    expect(await sys.shop.order(alice.token, order.id)).toEqual(order);
  });
});

describe('What answers let others keep', () => {
  test('When answers carry a token or personal data, then every one says Cache-Control: no-store', async () => {
    const card = await sys.shop.addCard(mallory.token, GOOD_CARD);
    const order = await sys.shop.placeOrder(mallory.token, card);

    const answers = await Promise.all([
      call('POST', '/auth/login', { body: { email: mallory.email, password: PASSWORD } }),
      call('GET', '/users/me', { token: mallory.token }),
      call('GET', `/users/${mallory.id}`, { token: mallory.token }),
      call('GET', `/users/${alice.id}`, { token: mallory.token }),
      call('GET', '/orders', { token: mallory.token }),
      call('GET', `/orders/${order.id}`, { token: mallory.token }),
      call('GET', `/payments?orderId=${order.id}`, { token: mallory.token }),
      call('GET', '/payments/methods', { token: mallory.token }),
      call('GET', '/notifications', { token: mallory.token }),
    ]);

    expect(answers.map((a) => [a.path, a.status < 500, a.headers['cache-control']])).toEqual(answers.map((a) => [a.path, true, 'no-store']));
  });
});

describe('Who can reach the services', () => {
  test('When the stack runs on this machine, then every process listens on 127.0.0.1 only, so nothing on the network bypasses the gateway', () => {
    const listening = sys.system.logs
      .filter((l) => l.line.message === 'Listening')
      .map((l) => [l.service, l.line.address]);

    expect(listening.sort()).toEqual(sys.system.services.map((s) => [s.name, '127.0.0.1']).sort());
  });
});

// Last: it spends the login budget of 127.0.0.1 for the rest of the minute.
describe('API2 Login brute force', () => {
  test('When someone guesses a password again and again, then 429 with Retry-After comes before the 12th try, and then even the right password is refused', async () => {
    const statuses: number[] = [];
    let limited: Exchange | undefined;
    for (let attempt = 0; attempt < 11 && !limited; attempt++) {
      const answer = await call('POST', '/auth/login', { body: { email: alice.email, password: `guess-${attempt}-${randomUUID()}` } });
      statuses.push(answer.status);
      if (answer.status === 429) limited = answer;
    }

    const right = await call('POST', '/auth/login', { body: { email: alice.email, password: PASSWORD } });

    expect(limited).toBeDefined();
    expect(statuses.slice(0, -1).every((s) => s === 401)).toBe(true);
    expect(limited!.json).toEqual({ code: 'rate-limited', message: expect.any(String) });
    expect(Number(limited!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(limited!.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(right.status).toBe(429);
  });

  test.each([
    '/api/AUTH/LOGIN',
    '/api/auth/login/',
    '/api/auth/login?retry=1',
    '/api/auth/login#x',
    '/api/auth//login',
    '/api/auth/./login',
    '/api/auth/%6cogin',
    '/api/auth/login%2f',
    '/api/users/../auth/login',
    '/api/auth/login;x',
  ])('When the limited client spells the login path as %s, then it still gets no token', async (path) => {
    const body = { email: alice.email, password: PASSWORD };

    const anonymous = await sys.gateway.send('POST', path, { body });
    const withToken = await sys.gateway.send('POST', path, { body, token: mallory.token });

    for (const answer of [anonymous, withToken]) {
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(answer.text).not.toContain('accessToken');
    }
  });
});

describeWhatAnswersGiveAway(() => sys, { minExchanges: 900, minRawExchanges: 2 });
