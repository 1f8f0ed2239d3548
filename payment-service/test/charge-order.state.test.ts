import { randomUUID } from 'node:crypto';
import { openDatabase } from '@shop/platform/data';
import { createTestDatabase, dropTestDatabase } from '@shop/platform/testing';
import { ProcessorUnavailable, type CardProcessor, type ChargeRequest, type ChargeResult } from '../src/domain/card-processor';
import { addPaymentMethod } from '../src/domain/add-payment-method-use-case';
import { chargeOrder, type OrderToCharge } from '../src/domain/charge-order-use-case';
import { rememberCancelledOrder } from '../src/domain/remember-cancelled-order-use-case';
import { paymentDatabase, type PaymentDb } from '../src/data-access/database';
import { TEST_CARDS } from './harness';

// The use case against a real database with a processor the test controls: races and failures
// that the broker cannot stage on demand.

let databaseUrl: string;
let db: PaymentDb;
let closeDb: () => Promise<void>;

beforeAll(async () => {
  databaseUrl = await createTestDatabase('payment_service', paymentDatabase);
  ({ db, close: closeDb } = openDatabase(paymentDatabase, { DATABASE_URL: databaseUrl, DATABASE_POOL_MAX: 5 }));
});
afterAll(async () => {
  await closeDb();
  await dropTestDatabase(databaseUrl);
});

/** A processor that records its calls and answers after delayMs with answer(). */
function fakeProcessor(answer: (request: ChargeRequest) => ChargeResult = () => ({ outcome: 'succeeded', processorChargeId: 'ch_1' }), delayMs = 0) {
  const calls: ChargeRequest[] = [];
  const processor: CardProcessor = {
    async charge(request) {
      calls.push(request);
      // A deliberately slow processor (delayMs > 0) keeps concurrent charges in flight together, so they race.
      await new Promise((r) => setTimeout(r, delayMs));
      return answer(request);
    },
    async refund() {
      throw new Error('a charge never refunds');
    },
  };
  return { processor, calls };
}

async function buildOrder(): Promise<OrderToCharge> {
  const userId = randomUUID();
  const method = await addPaymentMethod(db, userId, { cardNumber: TEST_CARDS.visa, expMonth: 12, expYear: 2099 }, new Date());
  return { orderId: randomUUID(), userId, paymentMethodId: method.id, totalCents: 1234, currency: 'EUR' };
}

const countRows = async (table: 'payments' | 'outbox_messages', orderId: string) =>
  table === 'payments'
    ? db.payment.count({ where: { orderId } })
    : Number(
        (await db.$queryRaw<Array<{ n: bigint }>>`SELECT count(*) AS n FROM outbox_messages WHERE payload->'payload'->>'orderId' = ${orderId}`)[0]!.n,
      );

describe('charging an order', () => {
  test('When the order is charged, then the processor gets token, last4, amount and the order id as idempotency key', async () => {
    const order = await buildOrder();
    const { processor, calls } = fakeProcessor();

    const effect = await chargeOrder({ db, processor }, randomUUID(), order, 1);

    expect(effect).toBe('succeeded');
    expect(calls).toEqual([
      {
        paymentMethod: { token: expect.stringMatching(/^pm_tok_/), brand: 'visa', last4: '4242' },
        amountCents: 1234,
        currency: 'EUR',
        idempotencyKey: order.orderId,
        attempt: 1,
      },
    ]);
    expect(await countRows('payments', order.orderId)).toBe(1);
    expect(await countRows('outbox_messages', order.orderId)).toBe(1);
  });

  test('When two deliveries with different ids charge the same order at once, then one payment and one event; the other is already-charged', async () => {
    const order = await buildOrder();
    const { processor, calls } = fakeProcessor(undefined, 100);

    const effects = await Promise.all([
      chargeOrder({ db, processor }, randomUUID(), order, 1),
      chargeOrder({ db, processor }, randomUUID(), order, 1),
    ]);

    // Both passed the existence check before either committed: UNIQUE(order_id) decided.
    expect(calls).toHaveLength(2);
    expect([...effects].sort()).toEqual(['already-charged', 'succeeded']);
    expect(await countRows('payments', order.orderId)).toBe(1);
    expect(await countRows('outbox_messages', order.orderId)).toBe(1);
  });

  test('When the same delivery is handled twice at once, then the inbox lets one through', async () => {
    const order = await buildOrder();
    const { processor } = fakeProcessor(undefined, 100);
    const messageId = randomUUID();

    const effects = await Promise.all([chargeOrder({ db, processor }, messageId, order, 1), chargeOrder({ db, processor }, messageId, order, 1)]);

    expect([...effects].sort()).toEqual(['duplicate', 'succeeded']);
    expect(await countRows('payments', order.orderId)).toBe(1);
  });

  test('When the order already has a payment, then the processor is not asked again', async () => {
    const order = await buildOrder();
    const { processor, calls } = fakeProcessor();
    await chargeOrder({ db, processor }, randomUUID(), order, 1);

    const effect = await chargeOrder({ db, processor }, randomUUID(), order, 1);

    expect(effect).toBe('already-charged');
    expect(calls).toHaveLength(1);
  });

  test('When the processor is unavailable, then the error propagates and nothing is recorded, so a retry can charge', async () => {
    const order = await buildOrder();
    const down = fakeProcessor(() => {
      throw new ProcessorUnavailable('down');
    });
    const up = fakeProcessor();
    const messageId = randomUUID();

    await expect(chargeOrder({ db, processor: down.processor }, messageId, order, 1)).rejects.toBeInstanceOf(ProcessorUnavailable);
    expect(await countRows('payments', order.orderId)).toBe(0);

    expect(await chargeOrder({ db, processor: up.processor }, messageId, order, 2)).toBe('succeeded');
    expect(up.calls[0]!.attempt).toBe(2);
  });

  test('When the payment method is not the customer\'s, then the payment fails without asking the processor', async () => {
    const order = { ...(await buildOrder()), userId: randomUUID() };
    const { processor, calls } = fakeProcessor();

    const effect = await chargeOrder({ db, processor }, randomUUID(), order, 1);
    const payment = await db.payment.findUnique({ where: { orderId: order.orderId } });

    expect(effect).toBe('failed');
    expect(calls).toHaveLength(0);
    expect(payment).toMatchObject({ status: 'failed', failureReason: 'invalid_payment_method', processorChargeId: null });
  });

  test('When the order was cancelled before, then the processor is not asked and no payment or event is recorded', async () => {
    const order = await buildOrder();
    const { processor, calls } = fakeProcessor();
    await rememberCancelledOrder(db, randomUUID(), order.orderId);

    const effect = await chargeOrder({ db, processor }, randomUUID(), order, 1);

    expect(effect).toBe('order-cancelled');
    expect(calls).toHaveLength(0);
    expect(await countRows('payments', order.orderId)).toBe(0);
    expect(await countRows('outbox_messages', order.orderId)).toBe(0);
  });

  test('When another order was cancelled, then this one is charged', async () => {
    const order = await buildOrder();
    await rememberCancelledOrder(db, randomUUID(), randomUUID());

    expect(await chargeOrder({ db, processor: fakeProcessor().processor }, randomUUID(), order, 1)).toBe('succeeded');
  });
});
