import { AppError } from '@shop/platform/errors';
import type { CatalogProduct } from './catalog-product';

/** A line as the customer asks for it: a product and how many. */
export interface OrderLineRequest {
  productId: string;
  quantity: number;
}

/** A line as the order keeps it: what was bought, at the catalog's price at that moment. */
export interface OrderLine {
  /** null only for lines placed before orders bought catalog products. */
  productId: string | null;
  sku: string;
  name: string;
  quantity: number;
  unitPriceCents: number;
}

/** A priced order: its lines, its one currency and its total, all from the catalog. */
export interface PricedOrder {
  items: OrderLine[];
  currency: string;
  totalCents: number;
}

/** Largest order total, in minor units; keeps every amount an exact 32-bit integer. */
export const MAX_ORDER_TOTAL_CENTS = 1_000_000_000;

/** 422: the lines are valid one by one but the order is not acceptable as a whole. */
export class OrderTotalTooLarge extends AppError {
  constructor(total: number) {
    super({ code: 'order-total-too-large', message: `Order total ${total} exceeds ${MAX_ORDER_TOTAL_CENTS} minor units`, httpStatus: 422 });
  }
}

/** 422: a line names a product the catalog does not have. */
export class ProductNotFound extends AppError {
  constructor(line: number, productId: string) {
    super({ code: 'product-not-found', message: `Line ${line}: no product ${productId}`, httpStatus: 422, details: { line, productId } });
  }
}

/** 422: a line names a product that is no longer sold. */
export class ProductNotAvailable extends AppError {
  constructor(line: number, productId: string) {
    super({ code: 'product-not-available', message: `Line ${line}: product ${productId} is not sold any more`, httpStatus: 422, details: { line, productId } });
  }
}

/** 422: an order is paid in one currency; this line's product is priced in another. */
export class CurrencyMismatch extends AppError {
  constructor(line: number, expected: string, found: string) {
    super({
      code: 'currency-mismatch',
      message: `Line ${line} is priced in ${found}, the order's earlier lines in ${expected}`,
      httpStatus: 422,
      details: { line, expected, found },
    });
  }
}

// Business rule: the server prices every order from the catalog as it is at that moment; nothing
// the client sends is a price, a name or a total. Lines are numbered from 0, as in the request.
/** Prices the requested lines from the catalog's products (by id); throws a 422 naming the first line that cannot be bought. */
export function priceOrder(lines: readonly OrderLineRequest[], products: ReadonlyMap<string, CatalogProduct>): PricedOrder {
  let currency: string | undefined;
  const items = lines.map((line, index): OrderLine => {
    const product = products.get(line.productId);
    if (!product) throw new ProductNotFound(index, line.productId);
    if (!product.active) throw new ProductNotAvailable(index, line.productId);
    currency ??= product.currency;
    if (product.currency !== currency) throw new CurrencyMismatch(index, currency, product.currency);
    return { productId: product.id, sku: product.sku, name: product.name, quantity: line.quantity, unitPriceCents: product.priceCents };
  });
  const totalCents = items.reduce((sum, item) => sum + item.quantity * item.unitPriceCents, 0);
  if (totalCents > MAX_ORDER_TOTAL_CENTS) throw new OrderTotalTooLarge(totalCents);
  return { items, currency: currency!, totalCents };
}
