import { createEnvelope, type EventEnvelope } from '@shop/platform/messaging';
import { z } from 'zod';
import type { Order } from '../domain/order';

// The events order-service publishes (through its outbox). Each payload is checked here,
// before it is recorded, and again by each consumer against its own copy of the fields.

const customer = z.object({ email: z.email(), name: z.string() });
const line = z.object({
  productId: z.uuid().nullable(),
  sku: z.string(),
  name: z.string(),
  quantity: z.number().int().positive(),
  unitPriceCents: z.number().int().positive(),
});

export const orderCreatedV1 = z.object({
  orderId: z.uuid(),
  userId: z.uuid(),
  customer,
  paymentMethodId: z.uuid(),
  items: z.array(line).min(1),
  totalCents: z.number().int().positive(),
  currency: z.string().length(3),
});

export const orderPaidV1 = z.object({
  orderId: z.uuid(),
  userId: z.uuid(),
  customer,
  paymentId: z.uuid(),
  totalCents: z.number().int().positive(),
  currency: z.string().length(3),
});

export const orderPaymentFailedV1 = z.object({
  orderId: z.uuid(),
  userId: z.uuid(),
  customer,
  reason: z.string(),
  totalCents: z.number().int().positive(),
  currency: z.string().length(3),
});

/** What order.paid and order.payment_failed carry of the order (a payment result reads no more). */
export type SettledOrder = Pick<Order, 'id' | 'userId' | 'customer' | 'totalCents' | 'currency'>;

const money = (order: SettledOrder) => ({ totalCents: order.totalCents, currency: order.currency });

/** `order.created`: a customer placed an order; carries what payment and notification need. */
export function orderCreated(order: Order): EventEnvelope<z.infer<typeof orderCreatedV1>> {
  return createEnvelope('order.created', 1, orderCreatedV1.parse({
    orderId: order.id,
    userId: order.userId,
    customer: order.customer,
    paymentMethodId: order.paymentMethodId,
    items: order.items,
    ...money(order),
  }));
}

/** `order.paid`: the payment for an order succeeded and the order is PAID. */
export function orderPaid(order: SettledOrder, paymentId: string): EventEnvelope<z.infer<typeof orderPaidV1>> {
  return createEnvelope('order.paid', 1, orderPaidV1.parse({ orderId: order.id, userId: order.userId, customer: order.customer, paymentId, ...money(order) }));
}

/** `order.payment_failed`: the payment was refused and the order is PAYMENT_FAILED. */
export function orderPaymentFailed(order: SettledOrder, reason: string): EventEnvelope<z.infer<typeof orderPaymentFailedV1>> {
  return createEnvelope('order.payment_failed', 1, orderPaymentFailedV1.parse({ orderId: order.id, userId: order.userId, customer: order.customer, reason, ...money(order) }));
}
