import fc from 'fast-check';
import { computeTotalCents, MAX_ORDER_TOTAL_CENTS, OrderTotalTooLarge } from '../src/domain/order-pricing';

const line = (quantity: number, unitPriceCents: number) => ({ sku: 'SKU', name: 'Thing', quantity, unitPriceCents });

describe('order total', () => {
  test('When lines are given, then the total is the sum of quantity × unit price', () => {
    expect(computeTotalCents([line(2, 1999), line(1, 500)])).toBe(4498);
  });

  test('When any lines within bounds are given, then the total is an exact integer sum', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ q: fc.integer({ min: 1, max: 1000 }), p: fc.integer({ min: 1, max: 10_000 }) }), { minLength: 1, maxLength: 50 }), (specs) => {
        const total = computeTotalCents(specs.map((s) => line(s.q, s.p)));
        expect(Number.isSafeInteger(total)).toBe(true);
        expect(total).toBe(specs.reduce((sum, s) => sum + s.q * s.p, 0));
      }),
    );
  });

  test('When the total exceeds the maximum, then OrderTotalTooLarge (422)', () => {
    const attempt = () => computeTotalCents([line(1000, 100_000_000)]);

    expect(attempt).toThrow(OrderTotalTooLarge);
    expect(() => computeTotalCents([line(1, MAX_ORDER_TOTAL_CENTS)])).not.toThrow();
  });
});
