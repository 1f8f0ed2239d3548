import { randomUUID } from 'node:crypto';
import { openDatabase } from '@shop/platform/data';
import { createTestDatabase, dropTestDatabase } from '@shop/platform/testing';
import { paymentDatabase, type PaymentDb } from '../src/data-access/database';
import { addPaymentMethod } from '../src/domain/add-payment-method-use-case';
import { ProcessorUnavailable, type CardProcessor, type ChargeResult, type RefundRequest } from '../src/domain/card-processor';
import { chargeOrder } from '../src/domain/charge-order-use-case';
import type { RefundToMake } from '../src/domain/refund';
import { refundPayment } from '../src/domain/refund-payment-use-case';
import { TEST_CARDS } from './harness';

// The refund use case against a real database with a processor the test controls: concurrent
// requests and processor outages that the broker cannot stage on demand.

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

const NOW = new Date('2026-12-04T10:00:00.123Z');

/** A processor whose charges answer `chargeAnswer` and whose refunds are recorded and answered after delayMs. */
function fakeProcessor(options: { chargeAnswer?: ChargeResult; delayMs?: number; refundDown?: boolean } = {}) {
  const refunds: RefundRequest[] = [];
  const processor: CardProcessor = {
    async charge() {
      return options.chargeAnswer ?? { outcome: 'succeeded', processorChargeId: 'ch_1' };
    },
    async refund(request) {
      refunds.push(request);
      if (options.refundDown) throw new ProcessorUnavailable('down');
      // A deliberately slow processor keeps concurrent refunds in flight together, so they race.
      await new Promise((r) => setTimeout(r, options.delayMs ?? 0));
      return { processorRefundId: `re_${request.idempotencyKey}` };
    },
  };
  return { processor, refunds };
}

/** A charged order (succeeded unless the charge answer says otherwise) and the refund request for its payment. */
async function chargedOrder(chargeAnswer?: ChargeResult): Promise<RefundToMake> {
  const userId = randomUUID();
  const method = await addPaymentMethod(db, userId, { cardNumber: TEST_CARDS.visa, expMonth: 12, expYear: 2099 }, new Date());
  const order = { orderId: randomUUID(), userId, paymentMethodId: method.id, totalCents: 1234, currency: 'EUR' };
  await chargeOrder({ db, processor: fakeProcessor({ chargeAnswer }).processor }, randomUUID(), order, 1);
  const payment = await db.payment.findUniqueOrThrow({ where: { orderId: order.orderId } });
  return { orderId: order.orderId, userId, paymentId: payment.id, amountCents: 1234, currency: 'EUR' };
}

async function refundEvents(orderId: string) {
  return db.$queryRaw<Array<{ payload: { payload: Record<string, unknown> } }>>`
    SELECT payload FROM outbox_messages WHERE type = 'payment.refunded' AND payload->'payload'->>'orderId' = ${orderId}`;
}

describe('refunding a payment', () => {
  test('When a succeeded payment is refunded, then the processor refunds its charge in full and the payment and one event record it', async () => {
    const request = await chargedOrder();
    const { processor, refunds } = fakeProcessor();

    const effect = await refundPayment({ db, processor }, randomUUID(), request, NOW);

    expect(effect).toBe('refunded');
    expect(refunds).toEqual([{ processorChargeId: 'ch_1', amountCents: 1234, currency: 'EUR', idempotencyKey: `refund:${request.paymentId}` }]);
    expect(await db.payment.findUnique({ where: { id: request.paymentId } })).toMatchObject({
      status: 'refunded',
      refundedAt: NOW,
      processorRefundId: `re_refund:${request.paymentId}`,
    });
    expect((await refundEvents(request.orderId)).map((row) => row.payload.payload)).toEqual([
      { paymentId: request.paymentId, orderId: request.orderId, userId: request.userId, amountCents: 1234, currency: 'EUR', refundedAt: NOW.toISOString() },
    ]);
  });

  test('When two requests with different ids refund the same payment at once, then one refund is recorded and one event; the processor gets one key', async () => {
    const request = await chargedOrder();
    const { processor, refunds } = fakeProcessor({ delayMs: 100 });

    const effects = await Promise.all([
      refundPayment({ db, processor }, randomUUID(), request, NOW),
      refundPayment({ db, processor }, randomUUID(), request, NOW),
    ]);

    // Both read the payment succeeded before either committed: the conditional UPDATE decided,
    // and the shared idempotency key makes the processor refund once.
    expect([...effects].sort()).toEqual(['already-refunded', 'refunded']);
    expect(new Set(refunds.map((r) => r.idempotencyKey))).toEqual(new Set([`refund:${request.paymentId}`]));
    expect(await refundEvents(request.orderId)).toHaveLength(1);
  });

  test('When the same request is handled twice at once, then the inbox lets one through', async () => {
    const request = await chargedOrder();
    const { processor } = fakeProcessor({ delayMs: 100 });
    const messageId = randomUUID();

    const effects = await Promise.all([refundPayment({ db, processor }, messageId, request, NOW), refundPayment({ db, processor }, messageId, request, NOW)]);

    expect([...effects].sort()).toEqual(['duplicate', 'refunded']);
    expect(await refundEvents(request.orderId)).toHaveLength(1);
  });

  test('When the payment is already refunded, then the processor is not asked again and nothing is recorded', async () => {
    const request = await chargedOrder();
    const { processor, refunds } = fakeProcessor();
    await refundPayment({ db, processor }, randomUUID(), request, NOW);

    const again = await refundPayment({ db, processor }, randomUUID(), request, new Date());

    expect(again).toBe('already-refunded');
    expect(refunds).toHaveLength(1);
    expect(await refundEvents(request.orderId)).toHaveLength(1);
    expect(await db.payment.findUnique({ where: { id: request.paymentId } })).toMatchObject({ refundedAt: NOW });
  });

  test('When the processor is unavailable, then the error propagates and nothing is recorded, so a retry refunds', async () => {
    const request = await chargedOrder();
    const messageId = randomUUID();

    await expect(refundPayment({ db, processor: fakeProcessor({ refundDown: true }).processor }, messageId, request, NOW)).rejects.toBeInstanceOf(
      ProcessorUnavailable,
    );
    expect(await db.payment.findUnique({ where: { id: request.paymentId } })).toMatchObject({ status: 'succeeded', refundedAt: null });

    expect(await refundPayment({ db, processor: fakeProcessor().processor }, messageId, request, NOW)).toBe('refunded');
    expect(await refundEvents(request.orderId)).toHaveLength(1);
  });

  test('When the payment failed, then the processor is not asked, nothing changes, and a redelivery is a duplicate', async () => {
    const request = await chargedOrder({ outcome: 'failed', reason: 'card_declined' });
    const { processor, refunds } = fakeProcessor();
    const messageId = randomUUID();

    const effect = await refundPayment({ db, processor }, messageId, request, NOW);
    const redelivered = await refundPayment({ db, processor }, messageId, request, NOW);

    expect(effect).toBe('payment-failed');
    expect(redelivered).toBe('duplicate');
    expect(refunds).toHaveLength(0);
    expect(await db.payment.findUnique({ where: { id: request.paymentId } })).toMatchObject({ status: 'failed', refundedAt: null });
    expect(await refundEvents(request.orderId)).toHaveLength(0);
  });

  test.each([
    ['an unknown payment', (request: RefundToMake) => ({ ...request, paymentId: randomUUID() }), 'unknown-payment'],
    ["another order's payment", (request: RefundToMake) => ({ ...request, orderId: randomUUID() }), 'other-order'],
  ])('When the request names %s, then nothing is refunded', async (_, mismatch, reason) => {
    const request = await chargedOrder();
    const { processor, refunds } = fakeProcessor();

    const effect = await refundPayment({ db, processor }, randomUUID(), mismatch(request), NOW);

    expect(effect).toBe(reason);
    expect(refunds).toHaveLength(0);
    expect(await db.payment.findUnique({ where: { id: request.paymentId } })).toMatchObject({ status: 'succeeded' });
  });
});
