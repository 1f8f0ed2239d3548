import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { asUser, buildCard, startPaymentServiceUnderTest, TEST_CARDS, type PaymentServiceUnderTest } from './harness';

let sut: PaymentServiceUnderTest;
beforeAll(async () => {
  sut = await startPaymentServiceUnderTest();
});
afterAll(() => sut.stop());

const thisYear = new Date().getUTCFullYear();

async function storedRows(userId: string): Promise<Array<Record<string, unknown>>> {
  const client = new Client({ connectionString: sut.databaseUrl });
  await client.connect();
  try {
    return (await client.query('SELECT * FROM payment_methods WHERE user_id = $1', [userId])).rows;
  } finally {
    await client.end();
  }
}

describe('POST /payments/methods', () => {
  test('When a valid card is saved, then 201 with brand and last4, and neither number nor token anywhere in the answer', async () => {
    const userId = randomUUID();

    const res = await request(sut.url).post('/payments/methods').set(asUser(userId)).send(buildCard({ cardNumber: TEST_CARDS.mastercard }));

    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      brand: 'mastercard',
      last4: '4444',
      expMonth: 12,
      expYear: thisYear + 1,
      holderName: 'Ada Lovelace',
    });
    expect(res.text).not.toMatch(/5555|pm_tok_|token/);
  });

  test('When a card is saved, then the database holds a random token and the last four digits, never the number', async () => {
    const userId = randomUUID();
    await sut.addCard(userId, TEST_CARDS.visa);
    await sut.addCard(userId, TEST_CARDS.visa);

    const rows = await storedRows(userId);

    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row).toMatchObject({ token: expect.stringMatching(/^pm_tok_[0-9a-f]{32}$/), brand: 'visa', last4: '4242' });
      expect(JSON.stringify(row)).not.toContain('4242424242424242');
    }
    expect(rows[0]!.token).not.toBe(rows[1]!.token);
  });

  test('When the holder name is left out, then 201 without holderName', async () => {
    const { holderName: _, ...withoutHolder } = buildCard();

    const res = await request(sut.url).post('/payments/methods').set(asUser(randomUUID())).send(withoutHolder);

    expect(res.status).toBe(201);
    expect(res.body).not.toHaveProperty('holderName');
  });

  test.each([
    ['too few digits', { cardNumber: '4242 4242 42' }, 'card-number-invalid'],
    ['a wrong checksum', { cardNumber: '4242 4242 4242 4241' }, 'card-number-invalid'],
    ['a brand we do not accept', { cardNumber: '6011 1111 1111 1117' }, 'card-brand-not-accepted'],
    ['an expiry month that is over', { expMonth: 1, expYear: thisYear - 1 }, 'card-expired'],
  ])('When the card has %s, then 400 naming the rule and nothing is saved', async (_, override, code) => {
    const userId = randomUUID();

    const res = await request(sut.url).post('/payments/methods').set(asUser(userId)).send(buildCard(override));
    const list = await request(sut.url).get('/payments/methods').set(asUser(userId));

    expect(res.status).toBe(400);
    expect(res.body.code).toBe(code);
    expect(list.body.items).toEqual([]);
  });

  test.each([
    ['cvc', { cvc: '123' }],
    ['expMonth', { expMonth: 13 }],
    ['expYear', { expYear: 26 }],
    ['cardNumber', { cardNumber: 4242424242424242 }],
  ])('When the body has a bad or forbidden %s, then 400 validation-failed naming it', async (field, override) => {
    const res = await request(sut.url).post('/payments/methods').set(asUser(randomUUID())).send(buildCard(override));

    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation-failed');
    expect(res.body.details.fields.map((f: { path: string }) => f.path)).toContain(field);
  });

  test('When a card is refused, then the refusal is counted by its code', async () => {
    const countOf = async () => {
      const metrics = (await request(sut.url).get('/metrics')).text;
      return Number(/^app_errors_total\{code="card-expired"\} (\d+)/m.exec(metrics)?.[1] ?? 0);
    };
    const before = await countOf();

    await request(sut.url).post('/payments/methods').set(asUser(randomUUID())).send(buildCard({ expYear: thisYear - 1 })).expect(400);

    expect((await countOf()) - before).toBe(1);
  });

  test('When the caller is not a signed-in user, then 401', async () => {
    const res = await request(sut.url).post('/payments/methods').send(buildCard());

    expect(res.status).toBe(401);
  });
});

describe('GET /payments/methods', () => {
  test("When a user lists cards, then only their own come, newest first, without tokens", async () => {
    const [alice, bob] = [randomUUID(), randomUUID()];
    const first = await sut.addCard(alice, TEST_CARDS.visa);
    const second = await sut.addCard(alice, TEST_CARDS.mastercard);
    await sut.addCard(bob, TEST_CARDS.visa);

    const res = await request(sut.url).get('/payments/methods').set(asUser(alice));

    expect(res.status).toBe(200);
    expect(res.body.items.map((m: { id: string }) => m.id)).toEqual([second, first]);
    expect(res.text).not.toMatch(/pm_tok_|token/);
  });
});

describe('DELETE /payments/methods/:id', () => {
  test('When the owner deletes a card, then 204 and it is no longer listed; again, then 404', async () => {
    const userId = randomUUID();
    const id = await sut.addCard(userId);

    const res = await request(sut.url).delete(`/payments/methods/${id}`).set(asUser(userId));
    const list = await request(sut.url).get('/payments/methods').set(asUser(userId));
    const again = await request(sut.url).delete(`/payments/methods/${id}`).set(asUser(userId));

    expect(res.status).toBe(204);
    expect(list.body.items).toEqual([]);
    expect(again.status).toBe(404);
  });

  test("When someone else deletes a card, or an unknown id is deleted, then 404 and the owner still has it", async () => {
    const [alice, bob] = [randomUUID(), randomUUID()];
    const id = await sut.addCard(alice);

    const other = await request(sut.url).delete(`/payments/methods/${id}`).set(asUser(bob));
    const unknown = await request(sut.url).delete(`/payments/methods/${randomUUID()}`).set(asUser(alice));
    const list = await request(sut.url).get('/payments/methods').set(asUser(alice));

    expect(other.status).toBe(404);
    expect(other.body.code).toBe('payment-method-not-found');
    expect(unknown.status).toBe(404);
    expect(list.body.items.map((m: { id: string }) => m.id)).toEqual([id]);
  });
});
