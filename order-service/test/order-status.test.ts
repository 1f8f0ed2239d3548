import { canTransition, InvalidOrderTransition, ORDER_STATUSES, toClientStatus, transition, type OrderStatus } from '../src/domain/order-status';

// The saga's transition table, spelled out: every pair not listed here must be refused.
const ALLOWED: Array<readonly [OrderStatus, OrderStatus]> = [
  ['PENDING', 'STOCK_RESERVED'],
  ['PENDING', 'REJECTED'],
  ['PENDING', 'CANCELLED'],
  ['STOCK_RESERVED', 'PAID'],
  ['STOCK_RESERVED', 'PAYMENT_FAILED'],
  ['STOCK_RESERVED', 'CANCELLED'],
  ['PAID', 'CANCELLED'],
];
const isListed = (from: OrderStatus, to: OrderStatus) => ALLOWED.some(([f, t]) => f === from && t === to);
const refused = ORDER_STATUSES.flatMap((from) => ORDER_STATUSES.filter((to) => to !== from && !isListed(from, to)).map((to) => [from, to] as const));

describe('order status transitions', () => {
  test.each(ALLOWED)('When %s becomes %s, then it is allowed', (from, to) => {
    expect(canTransition(from, to)).toBe(true);
    expect(transition(from, to)).toBe(to);
  });

  test.each(ORDER_STATUSES.map((s) => [s] as const))('When %s is applied again, then it is an explicit no-op', (status) => {
    expect(transition(status, status)).toBe('unchanged');
  });

  test.each(refused)('When a %s order would become %s, then InvalidOrderTransition (409)', (from, to) => {
    const attempt = () => transition(from, to);

    expect(canTransition(from, to)).toBe(false);
    expect(attempt).toThrow(InvalidOrderTransition);
    try {
      attempt();
    } catch (error) {
      expect((error as InvalidOrderTransition).httpStatus).toBe(409);
      expect((error as InvalidOrderTransition).code).toBe('invalid-order-transition');
    }
  });

  test('When PAYMENT_FAILED, REJECTED or CANCELLED, then the order is final', () => {
    for (const final of ['PAYMENT_FAILED', 'REJECTED', 'CANCELLED'] as const) {
      expect(ORDER_STATUSES.filter((to) => canTransition(final, to))).toEqual([]);
    }
  });
});

describe('client status', () => {
  test('When the stock is reserved, then clients still see PENDING; every other status is shown as it is', () => {
    expect(ORDER_STATUSES.map(toClientStatus)).toEqual(['PENDING', 'PENDING', 'PAID', 'PAYMENT_FAILED', 'REJECTED', 'CANCELLED']);
  });
});
