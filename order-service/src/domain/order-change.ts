import type { EventEnvelope } from '@shop/platform/messaging';
import type { Order, UnavailableItem } from './order';
import type { OrderLine } from './order-pricing';
import type { OrderStatus } from './order-status';

/** What a saga step reads of the order before deciding. */
export type SagaOrder = Pick<
  Order,
  'id' | 'userId' | 'customer' | 'paymentMethodId' | 'status' | 'totalCents' | 'currency' | 'paymentId' | 'refundedAt'
> & { lines: Array<Pick<OrderLine, 'productId' | 'sku' | 'name'>> };

/**
 * One decided change of an order and the events that record it, written all or nothing. It
 * happens only while the order is still in `from` (the status the decision was made on): a
 * concurrent change since the read makes the write a no-op, and the caller decides again.
 */
export interface OrderChange {
  from: OrderStatus;
  /** The new status; absent when the status stays (the write still waits for `from`). */
  to?: OrderStatus;
  failureReason?: string;
  paymentId?: string;
  unavailableItems?: UnavailableItem[];
  /** Set only while the order has none: a refund is recorded once. */
  refundedAt?: Date;
  events: EventEnvelope[];
}
