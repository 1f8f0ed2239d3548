import { AppError } from '@shop/platform/errors';

export const ORDER_STATUSES = ['PENDING', 'STOCK_RESERVED', 'PAID', 'PAYMENT_FAILED', 'REJECTED', 'CANCELLED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** The statuses clients see: STOCK_RESERVED is an internal step of PENDING. */
export const CLIENT_ORDER_STATUSES = ['PENDING', 'PAID', 'PAYMENT_FAILED', 'REJECTED', 'CANCELLED'] as const;
export type ClientOrderStatus = (typeof CLIENT_ORDER_STATUSES)[number];

/** The status as the API shows it. */
export function toClientStatus(status: OrderStatus): ClientOrderStatus {
  return status === 'STOCK_RESERVED' ? 'PENDING' : status;
}

// Business rule, the saga's one table: stock is reserved (or refused) before any charge, a
// reserved order is charged once, and a customer may cancel until the order failed, even after
// payment (the charge is then refunded). Every other status is final.
const ALLOWED: Record<OrderStatus, readonly OrderStatus[]> = {
  PENDING: ['STOCK_RESERVED', 'REJECTED', 'CANCELLED'],
  STOCK_RESERVED: ['PAID', 'PAYMENT_FAILED', 'CANCELLED'],
  PAID: ['CANCELLED'],
  PAYMENT_FAILED: [],
  REJECTED: [],
  CANCELLED: [],
};

/** 409: the order is not in a status that allows this change. */
export class InvalidOrderTransition extends AppError {
  constructor(
    readonly from: OrderStatus,
    readonly to: OrderStatus,
  ) {
    super({
      code: 'invalid-order-transition',
      message: `An order that is ${toClientStatus(from)} cannot become ${toClientStatus(to)}`,
      httpStatus: 409,
    });
  }
}

/** Whether the table allows moving from `from` to `to` (a status never "moves" to itself). */
export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return ALLOWED[from].includes(to);
}

/**
 * The status after moving from `from` to `to`: `to` when allowed, 'unchanged' when the order is
 * already there (messages are redelivered, so re-applying is an explicit no-op), and an
 * InvalidOrderTransition otherwise.
 */
export function transition(from: OrderStatus, to: OrderStatus): OrderStatus | 'unchanged' {
  if (from === to) return 'unchanged';
  if (canTransition(from, to)) return to;
  throw new InvalidOrderTransition(from, to);
}
