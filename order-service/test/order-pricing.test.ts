import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { CatalogProduct } from '../src/domain/catalog-product';
import { CurrencyMismatch, MAX_ORDER_TOTAL_CENTS, OrderTotalTooLarge, priceOrder, ProductNotAvailable, ProductNotFound } from '../src/domain/order-pricing';

const product = (overrides: Partial<CatalogProduct> = {}): CatalogProduct => ({
  id: randomUUID(),
  sku: 'SKU-1',
  name: 'Thing',
  priceCents: 1999,
  currency: 'EUR',
  active: true,
  version: 1,
  updatedAt: new Date(),
  ...overrides,
});
const catalogOf = (...products: CatalogProduct[]) => new Map(products.map((p) => [p.id, p]));

describe('pricing an order from the catalog', () => {
  test('When lines name known products, then each line gets its sku, name and price, and the total is the sum of quantity × price', () => {
    const book = product({ sku: 'BOOK-1', name: 'Book', priceCents: 1999 });
    const mug = product({ sku: 'MUG-7', name: 'Mug', priceCents: 500 });

    const priced = priceOrder([{ productId: book.id, quantity: 2 }, { productId: mug.id, quantity: 1 }], catalogOf(book, mug));

    expect(priced).toEqual({
      items: [
        { productId: book.id, sku: 'BOOK-1', name: 'Book', quantity: 2, unitPriceCents: 1999 },
        { productId: mug.id, sku: 'MUG-7', name: 'Mug', quantity: 1, unitPriceCents: 500 },
      ],
      currency: 'EUR',
      totalCents: 4498,
    });
  });

  test('When any lines within bounds are given, then the total is an exact integer sum', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ q: fc.integer({ min: 1, max: 1000 }), p: fc.integer({ min: 1, max: 10_000 }) }), { minLength: 1, maxLength: 50 }), (specs) => {
        const products = specs.map((s) => product({ priceCents: s.p }));
        const { totalCents } = priceOrder(specs.map((s, i) => ({ productId: products[i]!.id, quantity: s.q })), catalogOf(...products));
        expect(Number.isSafeInteger(totalCents)).toBe(true);
        expect(totalCents).toBe(specs.reduce((sum, s) => sum + s.q * s.p, 0));
      }),
    );
  });

  test('When the total exceeds the maximum, then OrderTotalTooLarge (422); exactly the maximum is accepted', () => {
    const gold = product({ priceCents: 100_000_000 });
    const exact = product({ priceCents: MAX_ORDER_TOTAL_CENTS });

    expect(() => priceOrder([{ productId: gold.id, quantity: 1000 }], catalogOf(gold))).toThrow(OrderTotalTooLarge);
    expect(priceOrder([{ productId: exact.id, quantity: 1 }], catalogOf(exact)).totalCents).toBe(MAX_ORDER_TOTAL_CENTS);
  });

  test.each([
    ['an unknown product', () => ({ known: product(), line1: randomUUID() }), ProductNotFound, 'product-not-found'],
    ['a product not sold any more', () => { const p = product({ active: false }); return { known: p, line1: p.id }; }, ProductNotAvailable, 'product-not-available'],
    ['a product priced in another currency', () => { const p = product({ currency: 'USD' }); return { known: p, line1: p.id }; }, CurrencyMismatch, 'currency-mismatch'],
  ])('When the second line names %s, then a 422 that says line 1', (_what, arrange, errorType, code) => {
    const first = product();
    const { known, line1 } = arrange();

    const attempt = () => priceOrder([{ productId: first.id, quantity: 1 }, { productId: line1, quantity: 1 }], catalogOf(first, known));

    expect(attempt).toThrow(errorType);
    expect(attempt).toThrow(expect.objectContaining({ code, httpStatus: 422, details: expect.objectContaining({ line: 1 }) }));
  });
});
