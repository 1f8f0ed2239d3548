import type { OrderLine } from './order-pricing';
import { toClientStatus, type OrderStatus } from './order-status';

/** A line catalog-service could not reserve, as a REJECTED order keeps it. */
export interface UnavailableItem {
  productId: string;
  sku: string;
  name: string;
  requested: number;
  /** Units the product had for sale when the reservation was refused (0 for an unknown product). */
  available: number;
}

/** Why stock.rejected made an order REJECTED (its failure_reason and statusReason). */
export const OUT_OF_STOCK = 'out_of_stock';

/** An order as the domain and the API see it. */
export interface Order {
  id: string;
  userId: string;
  customer: { email: string; name: string };
  paymentMethodId: string;
  status: OrderStatus;
  items: OrderLine[];
  totalCents: number;
  currency: string;
  /** PAYMENT_FAILED: the payment's reason; REJECTED: OUT_OF_STOCK. */
  failureReason: string | null;
  /** The payment that made the order PAID. */
  paymentId: string | null;
  /** When a payment of the order was refunded. */
  refundedAt: Date | null;
  /** REJECTED: the lines that could not be reserved. */
  unavailableItems: UnavailableItem[] | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The order as clients get it (no customer snapshot: the caller knows who they are; no internal status). */
export function toOrderResponse(order: Order) {
  const failed = order.status === 'PAYMENT_FAILED' || order.status === 'REJECTED';
  return {
    id: order.id,
    status: toClientStatus(order.status),
    items: order.items,
    totalCents: order.totalCents,
    currency: order.currency,
    paymentMethodId: order.paymentMethodId,
    ...(failed && order.failureReason ? { statusReason: order.failureReason } : {}),
    // Kept as before for PAYMENT_FAILED; statusReason is the field that covers every status.
    ...(order.status === 'PAYMENT_FAILED' && order.failureReason ? { failureReason: order.failureReason } : {}),
    ...(order.status === 'REJECTED' && order.unavailableItems ? { unavailableItems: order.unavailableItems } : {}),
    ...(order.refundedAt ? { refundedAt: order.refundedAt.toISOString() } : {}),
    createdAt: order.createdAt.toISOString(),
    updatedAt: order.updatedAt.toISOString(),
  };
}

export type OrderResponse = ReturnType<typeof toOrderResponse>;
