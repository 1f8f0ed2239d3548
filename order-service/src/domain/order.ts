import type { OrderLine } from './order-pricing';
import type { OrderStatus } from './order-status';

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
  failureReason: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The order as clients get it (no customer snapshot: the caller knows who they are). */
export function toOrderResponse(order: Order) {
  return {
    id: order.id,
    status: order.status,
    items: order.items,
    totalCents: order.totalCents,
    currency: order.currency,
    paymentMethodId: order.paymentMethodId,
    ...(order.failureReason ? { failureReason: order.failureReason } : {}),
    createdAt: order.createdAt.toISOString(),
    updatedAt: order.updatedAt.toISOString(),
  };
}

export type OrderResponse = ReturnType<typeof toOrderResponse>;
