import { AppError } from '@shop/platform/errors';
import { changeOrderOnce } from '../data-access/order-change-repository';
import type { OrderDb } from '../data-access/database';
import { toOrderResponse, type OrderResponse } from './order';
import { getOwnOrder } from './order-queries';
import { decideCancel } from './saga-rules';

// A cancel races payment and stock results for the same row; losing such a race is not the
// customer's fault, so the cancel is decided again on the new status instead of answering 409.
const MAX_ATTEMPTS = 5;

/** 409: the order kept changing under the cancel (practically never: every change is a single step). */
export class OrderChangedConcurrently extends AppError {
  constructor() {
    super({ code: 'order-changed-concurrently', message: 'The order changed while it was being cancelled; try again', httpStatus: 409 });
  }
}

/**
 * Cancels the caller's order: PENDING → CANCELLED with `order.cancelled`; PAID → CANCELLED with
 * `order.cancelled` and `order.refund_requested` (one statement); already CANCELLED → as it is;
 * PAYMENT_FAILED or REJECTED → 409. The write is conditional on the status the decision read.
 */
export async function cancelOrder(db: OrderDb, userId: string, orderId: string): Promise<OrderResponse> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const order = await getOwnOrder(db, userId, orderId);
    const change = decideCancel(order);
    if (change === 'unchanged') return toOrderResponse(order);
    const outcome = await changeOrderOnce(db, order.id, change);
    if (outcome.result === 'applied') return toOrderResponse({ ...order, status: 'CANCELLED', updatedAt: outcome.updatedAt });
  }
  throw new OrderChangedConcurrently();
}
