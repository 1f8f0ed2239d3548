import { AppError } from '@shop/platform/errors';

export const ORDER_STATUSES = ['PENDING', 'PAID', 'PAYMENT_FAILED', 'CANCELLED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

// Business rule: only a pending order moves, and only once; every end state is final.
const ALLOWED: Record<OrderStatus, readonly OrderStatus[]> = {
  PENDING: ['PAID', 'PAYMENT_FAILED', 'CANCELLED'],
  PAID: [],
  PAYMENT_FAILED: [],
  CANCELLED: [],
};

/** 409: the order is not in a status that allows this change. */
export class InvalidOrderTransition extends AppError {
  constructor(
    readonly from: OrderStatus,
    readonly to: OrderStatus,
  ) {
    super({ code: 'invalid-order-transition', message: `An order that is ${from} cannot become ${to}`, httpStatus: 409 });
  }
}

/**
 * The status after moving from `from` to `to`: `to` when allowed, 'unchanged' when the order is
 * already there (messages are redelivered, so re-applying is an explicit no-op), and an
 * InvalidOrderTransition otherwise.
 */
export function transition(from: OrderStatus, to: OrderStatus): OrderStatus | 'unchanged' {
  if (from === to) return 'unchanged';
  if (ALLOWED[from].includes(to)) return to;
  throw new InvalidOrderTransition(from, to);
}
