import { randomUUID } from 'node:crypto';
import type { Payment } from '../src/domain/payment';
import { checkRefundable, refundIdempotencyKey } from '../src/domain/refund';

function buildPayment(overrides: Partial<Payment> = {}): Payment {
  return {
    id: randomUUID(),
    orderId: randomUUID(),
    userId: randomUUID(),
    paymentMethodId: randomUUID(),
    status: 'succeeded',
    failureReason: null,
    amountCents: 1234,
    currency: 'EUR',
    processorChargeId: 'ch_1',
    createdAt: new Date(),
    refundedAt: null,
    processorRefundId: null,
    ...overrides,
  };
}

describe('checkRefundable', () => {
  test('When the payment succeeded and belongs to the order, then it is refundable as it is', () => {
    const payment = buildPayment();

    expect(checkRefundable(payment, { orderId: payment.orderId })).toEqual(payment);
  });

  test.each([
    ['unknown', null, 'unknown-payment'],
    ['already refunded', buildPayment({ status: 'refunded', refundedAt: new Date() }), 'already-refunded'],
    ['failed', buildPayment({ status: 'failed', failureReason: 'card_declined', processorChargeId: null }), 'payment-failed'],
    ['succeeded without a charge id', buildPayment({ processorChargeId: null }), 'payment-failed'],
  ])('When the payment is %s, then it is not refundable (%s)', (_, payment, reason) => {
    expect(checkRefundable(payment, { orderId: payment?.orderId ?? randomUUID() })).toBe(reason);
  });

  test("When the request names another order than the payment's, then other-order", () => {
    expect(checkRefundable(buildPayment(), { orderId: randomUUID() })).toBe('other-order');
  });
});

describe('refundIdempotencyKey', () => {
  test('When asked twice for a payment, then the same key; another payment, another key (and never its charge key, the order id)', () => {
    const [a, b] = [randomUUID(), randomUUID()];

    expect(refundIdempotencyKey(a)).toBe(refundIdempotencyKey(a));
    expect(refundIdempotencyKey(a)).not.toBe(refundIdempotencyKey(b));
    expect(refundIdempotencyKey(a)).not.toBe(a);
  });
});
