import { AppError } from '@shop/platform/errors';

export interface OrderLineInput {
  sku: string;
  name: string;
  quantity: number;
  unitPriceCents: number;
}

/** Largest order total, in minor units; keeps every amount an exact 32-bit integer. */
export const MAX_ORDER_TOTAL_CENTS = 1_000_000_000;

/** 422: the lines are valid one by one but the order is not acceptable as a whole. */
export class OrderTotalTooLarge extends AppError {
  constructor(total: number) {
    super({
      code: 'order-total-too-large',
      message: `Order total ${total} exceeds ${MAX_ORDER_TOTAL_CENTS} minor units`,
      httpStatus: 422,
    });
  }
}

/** The order total in minor units, computed here and never taken from the client. */
export function computeTotalCents(lines: readonly OrderLineInput[]): number {
  const total = lines.reduce((sum, line) => sum + line.quantity * line.unitPriceCents, 0);
  if (total > MAX_ORDER_TOTAL_CENTS) throw new OrderTotalTooLarge(total);
  return total;
}
