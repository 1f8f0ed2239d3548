import { randomUUID } from 'node:crypto';
import { cursorFor, eventually, PASSWORD, type Actor, type Order } from './security-actors';
import type { SendOptions } from './security-client';
import { describeWhatAnswersGiveAway, GOOD_CARD, itemsOf, SLOW_CARD, startSecurityCast } from './security-suite';
import type { SecuritySystem } from './security-system';

// Hostile input through the real gateway (OWASP API Security Top 10, 2023): what a signed-in
// customer may read and change, by object (API1) and by property (API3). One system for the
// file; the audit of all its answers comes last.

let sys: SecuritySystem;
let alice: Actor;
let mallory: Actor;
let admin: Actor;

beforeAll(async () => {
  ({ sys, alice, mallory, admin } = await startSecurityCast());
}, 90_000);

afterAll(async () => {
  await sys?.system.stop();
}, 60_000);

const call = (method: string, path: string, options?: SendOptions) => sys.shop.call(method, path, options);

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

  const orderBody = async (paymentMethodId: string) => ({ items: [{ productId: (await sys.shop.product()).id, quantity: 3 }], paymentMethodId });

  test.each([
    ['unitPriceCents', 1],
    ['name', 'Gold bar'],
    ['sku', 'GOLD-1'],
    ['currency', 'XXX'],
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

    const body = await orderBody(card);

    const refused = await call('POST', '/orders', { token: buyer.token, body: { ...body, [field]: value } });
    const lineField = await call('POST', '/orders', { token: buyer.token, body: { ...body, items: [{ ...body.items[0], [field]: value }] } });

    expect([refused.status, lineField.status]).toEqual([400, 400]);
    expect(JSON.stringify(refused.json)).toContain(field);
    expect(itemsOf(await call('GET', '/orders', { token: buyer.token }))).toEqual([]);
  });

  test('When an order is placed, then the prices and total come from the catalog and the answer holds no owner data', async () => {
    const buyer = await sys.shop.newCustomer('Buyer');
    const card = await sys.shop.addCard(buyer.token, GOOD_CARD);

    const product = await sys.shop.product();

    const placed = await call('POST', '/orders', { token: buyer.token, body: await orderBody(card) });

    expect(placed.status).toBe(201);
    expect(placed.json).toMatchObject({ totalCents: 3 * product.priceCents, currency: product.currency, status: 'PENDING' });
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

describeWhatAnswersGiveAway(() => sys, { minExchanges: 100 });
