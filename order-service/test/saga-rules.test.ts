import { randomUUID } from 'node:crypto';
import type { SagaOrder } from '../src/domain/order-change';
import type { OrderStatus } from '../src/domain/order-status';
import { decideCancel, decideSagaStep, PaymentOfOrderUnknown } from '../src/domain/saga-rules';

// The saga's decisions without a database: which change (and which events) each case produces.

function orderIn(status: OrderStatus, paymentId: string | null = null): SagaOrder {
  return {
    id: randomUUID(),
    userId: randomUUID(),
    customer: { email: 'grace@example.com', name: 'Grace Hopper' },
    paymentMethodId: randomUUID(),
    status,
    totalCents: 4498,
    currency: 'EUR',
    paymentId,
    refundedAt: null,
    lines: [{ productId: randomUUID(), sku: 'BOOK-1', name: 'Book' }],
  };
}

const eventTypes = (decision: ReturnType<typeof decideSagaStep>) => (decision.kind === 'change' ? decision.change.events.map((e) => e.type) : decision.effect);

describe('decideCancel', () => {
  test.each([['PENDING'], ['STOCK_RESERVED']] as const)('When the order is %s, then it becomes CANCELLED with order.cancelled only', (status) => {
    const change = decideCancel(orderIn(status));

    expect(change).toMatchObject({ from: status, to: 'CANCELLED' });
    expect(change !== 'unchanged' && change.events.map((e) => [e.type, e.payload])).toEqual([
      ['order.cancelled', expect.objectContaining({ previousStatus: 'PENDING', paymentId: null })],
    ]);
  });

  test('When the order is PAID, then order.cancelled and order.refund_requested name its payment, in one change', () => {
    const paymentId = randomUUID();

    const change = decideCancel(orderIn('PAID', paymentId));

    expect(change !== 'unchanged' && change.events.map((e) => [e.type, e.payload])).toEqual([
      ['order.cancelled', expect.objectContaining({ previousStatus: 'PAID', paymentId })],
      ['order.refund_requested', expect.objectContaining({ paymentId, amountCents: 4498, currency: 'EUR' })],
    ]);
  });

  test('When a PAID order has no known payment (paid before payment ids were kept), then 409: nothing could be refunded', () => {
    expect(() => decideCancel(orderIn('PAID'))).toThrow(PaymentOfOrderUnknown);
  });

  test('When the order is already CANCELLED, then unchanged', () => {
    expect(decideCancel(orderIn('CANCELLED'))).toBe('unchanged');
  });
});

describe('decideSagaStep, payment.succeeded', () => {
  test('When a PAID order has no known payment, then a new report is rejected rather than refunded (it may be its own payment)', () => {
    expect(eventTypes(decideSagaStep(orderIn('PAID'), { type: 'payment.succeeded', orderId: randomUUID(), paymentId: randomUUID() }))).toBe('rejected');
  });

  test('When the order is still PENDING (stock not reserved), then the charge cannot be kept and is refunded', () => {
    expect(eventTypes(decideSagaStep(orderIn('PENDING'), { type: 'payment.succeeded', orderId: randomUUID(), paymentId: randomUUID() }))).toEqual([
      'order.refund_requested',
    ]);
  });
});

describe('decideSagaStep, payment.refunded', () => {
  test('When the order has a refund already, then unchanged; else refunded_at and order.refunded', () => {
    const refundedAt = new Date();
    const event = { type: 'payment.refunded', orderId: randomUUID(), paymentId: randomUUID(), refundedAt } as const;

    expect(eventTypes(decideSagaStep({ ...orderIn('CANCELLED'), refundedAt }, event))).toBe('unchanged');
    const decision = decideSagaStep(orderIn('CANCELLED'), event);
    expect(decision).toMatchObject({ kind: 'change', change: { from: 'CANCELLED', refundedAt } });
    expect(eventTypes(decision)).toEqual(['order.refunded']);
  });
});
