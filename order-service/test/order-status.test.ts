import { InvalidOrderTransition, ORDER_STATUSES, transition, type OrderStatus } from '../src/domain/order-status';

describe('order status transitions', () => {
  test.each([
    ['PENDING', 'PAID'],
    ['PENDING', 'PAYMENT_FAILED'],
    ['PENDING', 'CANCELLED'],
  ] as const)('When %s becomes %s, then it is allowed', (from, to) => {
    expect(transition(from, to)).toBe(to);
  });

  test.each(ORDER_STATUSES.map((s) => [s] as const))('When %s is applied again, then it is an explicit no-op', (status) => {
    expect(transition(status, status)).toBe('unchanged');
  });

  const finals: OrderStatus[] = ['PAID', 'PAYMENT_FAILED', 'CANCELLED'];
  const illegal = finals.flatMap((from) => ORDER_STATUSES.filter((to) => to !== from).map((to) => [from, to] as const));

  test.each(illegal)('When a final %s order would become %s, then InvalidOrderTransition (409)', (from, to) => {
    const attempt = () => transition(from, to);

    expect(attempt).toThrow(InvalidOrderTransition);
    try {
      attempt();
    } catch (error) {
      expect((error as InvalidOrderTransition).httpStatus).toBe(409);
      expect((error as InvalidOrderTransition).code).toBe('invalid-order-transition');
    }
  });
});
