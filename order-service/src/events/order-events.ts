import { createEnvelope, type EventEnvelope } from '@shop/platform/messaging';
import { z } from 'zod';
import { OUT_OF_STOCK, type Order, type UnavailableItem } from '../domain/order';

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

const unavailableItem = z.object({
  productId: z.uuid(),
  sku: z.string(),
  name: z.string(),
  requested: z.number().int().positive(),
  available: z.number().int().nonnegative(),
});

export const orderStockConfirmedV1 = z.object({
  orderId: z.uuid(),
  userId: z.uuid(),
  paymentMethodId: z.uuid(),
  totalCents: z.number().int().positive(),
  currency: z.string().length(3),
});

export const orderRejectedV1 = z.object({
  orderId: z.uuid(),
  userId: z.uuid(),
  customer,
  totalCents: z.number().int().positive(),
  currency: z.string().length(3),
  reason: z.literal('out_of_stock'),
  unavailable: z.array(unavailableItem).min(1),
});

export const orderCancelledV1 = z
  .object({
    orderId: z.uuid(),
    userId: z.uuid(),
    customer,
    totalCents: z.number().int().positive(),
    currency: z.string().length(3),
    previousStatus: z.enum(['PENDING', 'PAID']),
    paymentId: z.uuid().nullable(),
  })
  // A PAID order always names the payment to refund; a PENDING one has none.
  .refine((event) => (event.previousStatus === 'PAID') === (event.paymentId !== null), { message: 'paymentId is set exactly when previousStatus is PAID' });

export const orderRefundRequestedV1 = z.object({
  orderId: z.uuid(),
  userId: z.uuid(),
  paymentId: z.uuid(),
  amountCents: z.number().int().positive(),
  currency: z.string().length(3),
});

export const orderRefundedV1 = z.object({
  orderId: z.uuid(),
  userId: z.uuid(),
  customer,
  paymentId: z.uuid(),
  totalCents: z.number().int().positive(),
  currency: z.string().length(3),
});

/** What the saga's events carry of the order (a saga step reads no more). */
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

/** `order.stock_confirmed`: catalog-service reserved every line; payment-service may charge now. */
export function orderStockConfirmed(order: SettledOrder & Pick<Order, 'paymentMethodId'>): EventEnvelope<z.infer<typeof orderStockConfirmedV1>> {
  return createEnvelope('order.stock_confirmed', 1, orderStockConfirmedV1.parse({ orderId: order.id, userId: order.userId, paymentMethodId: order.paymentMethodId, ...money(order) }));
}

/** `order.rejected`: some lines could not be reserved; the order is REJECTED and nobody is charged. */
export function orderRejected(order: SettledOrder, unavailable: UnavailableItem[]): EventEnvelope<z.infer<typeof orderRejectedV1>> {
  return createEnvelope('order.rejected', 1, orderRejectedV1.parse({ orderId: order.id, userId: order.userId, customer: order.customer, ...money(order), reason: OUT_OF_STOCK, unavailable }));
}

/** `order.cancelled`: the customer cancelled; a previously PAID order names its payment (refunded separately). */
export function orderCancelled(order: SettledOrder, previousStatus: 'PENDING' | 'PAID', paymentId: string | null): EventEnvelope<z.infer<typeof orderCancelledV1>> {
  return createEnvelope('order.cancelled', 1, orderCancelledV1.parse({ orderId: order.id, userId: order.userId, customer: order.customer, ...money(order), previousStatus, paymentId }));
}

/** `order.refund_requested`: a charge the order will not keep; payment-service refunds the whole order total. */
export function orderRefundRequested(order: SettledOrder, paymentId: string): EventEnvelope<z.infer<typeof orderRefundRequestedV1>> {
  return createEnvelope('order.refund_requested', 1, orderRefundRequestedV1.parse({ orderId: order.id, userId: order.userId, paymentId, amountCents: order.totalCents, currency: order.currency }));
}

/** `order.refunded`: payment-service refunded a payment of the order. */
export function orderRefunded(order: SettledOrder, paymentId: string): EventEnvelope<z.infer<typeof orderRefundedV1>> {
  return createEnvelope('order.refunded', 1, orderRefundedV1.parse({ orderId: order.id, userId: order.userId, customer: order.customer, paymentId, ...money(order) }));
}
