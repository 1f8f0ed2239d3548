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

// What every event about a customer's order carries: whose order it is and its total.
const ids = { orderId: z.uuid(), userId: z.uuid() };
const total = { totalCents: z.number().int().positive(), currency: z.string().length(3) };
const customerFacts = { ...ids, customer, ...total };

export const orderCreatedV1 = z.object({ ...customerFacts, paymentMethodId: z.uuid(), items: z.array(line).min(1) });

export const orderPaidV1 = z.object({ ...customerFacts, paymentId: z.uuid() });

export const orderPaymentFailedV1 = z.object({ ...customerFacts, reason: z.string() });

const unavailableItem = z.object({
  productId: z.uuid(),
  sku: z.string(),
  name: z.string(),
  requested: z.number().int().positive(),
  available: z.number().int().nonnegative(),
});

export const orderStockConfirmedV1 = z.object({ ...ids, paymentMethodId: z.uuid(), ...total });

export const orderRejectedV1 = z.object({ ...customerFacts, reason: z.literal('out_of_stock'), unavailable: z.array(unavailableItem).min(1) });

export const orderCancelledV1 = z
  .object({ ...customerFacts, previousStatus: z.enum(['PENDING', 'PAID']), paymentId: z.uuid().nullable() })
  // A PAID order always names the payment to refund; a PENDING one has none.
  .refine((event) => (event.previousStatus === 'PAID') === (event.paymentId !== null), { message: 'paymentId is set exactly when previousStatus is PAID' });

export const orderRefundRequestedV1 = z.object({ ...ids, paymentId: z.uuid(), amountCents: z.number().int().positive(), currency: z.string().length(3) });

export const orderRefundedV1 = z.object({ ...customerFacts, paymentId: z.uuid() });

/** What the saga's events carry of the order (a saga step reads no more). */
export type SettledOrder = Pick<Order, 'id' | 'userId' | 'customer' | 'totalCents' | 'currency'>;

const money = (order: SettledOrder) => ({ totalCents: order.totalCents, currency: order.currency });
/** The customerFacts of an order. */
const factsOf = (order: SettledOrder) => ({ orderId: order.id, userId: order.userId, customer: order.customer, ...money(order) });

/** `order.created`: a customer placed an order; carries what payment and notification need. */
export function orderCreated(order: Order): EventEnvelope<z.infer<typeof orderCreatedV1>> {
  return createEnvelope('order.created', 1, orderCreatedV1.parse({ ...factsOf(order), paymentMethodId: order.paymentMethodId, items: order.items }));
}

/** `order.paid`: the payment for an order succeeded and the order is PAID. */
export function orderPaid(order: SettledOrder, paymentId: string): EventEnvelope<z.infer<typeof orderPaidV1>> {
  return createEnvelope('order.paid', 1, orderPaidV1.parse({ ...factsOf(order), paymentId }));
}

/** `order.payment_failed`: the payment was refused and the order is PAYMENT_FAILED. */
export function orderPaymentFailed(order: SettledOrder, reason: string): EventEnvelope<z.infer<typeof orderPaymentFailedV1>> {
  return createEnvelope('order.payment_failed', 1, orderPaymentFailedV1.parse({ ...factsOf(order), reason }));
}

/** `order.stock_confirmed`: catalog-service reserved every line; payment-service may charge now. */
export function orderStockConfirmed(order: SettledOrder & Pick<Order, 'paymentMethodId'>): EventEnvelope<z.infer<typeof orderStockConfirmedV1>> {
  return createEnvelope('order.stock_confirmed', 1, orderStockConfirmedV1.parse({ orderId: order.id, userId: order.userId, paymentMethodId: order.paymentMethodId, ...money(order) }));
}

/** `order.rejected`: some lines could not be reserved; the order is REJECTED and nobody is charged. */
export function orderRejected(order: SettledOrder, unavailable: UnavailableItem[]): EventEnvelope<z.infer<typeof orderRejectedV1>> {
  return createEnvelope('order.rejected', 1, orderRejectedV1.parse({ ...factsOf(order), reason: OUT_OF_STOCK, unavailable }));
}

/** `order.cancelled`: the customer cancelled; a previously PAID order names its payment (refunded separately). */
export function orderCancelled(order: SettledOrder, previousStatus: 'PENDING' | 'PAID', paymentId: string | null): EventEnvelope<z.infer<typeof orderCancelledV1>> {
  return createEnvelope('order.cancelled', 1, orderCancelledV1.parse({ ...factsOf(order), previousStatus, paymentId }));
}

/** `order.refund_requested`: a charge the order will not keep; payment-service refunds the whole order total. */
export function orderRefundRequested(order: SettledOrder, paymentId: string): EventEnvelope<z.infer<typeof orderRefundRequestedV1>> {
  return createEnvelope('order.refund_requested', 1, orderRefundRequestedV1.parse({ orderId: order.id, userId: order.userId, paymentId, amountCents: order.totalCents, currency: order.currency }));
}

/** `order.refunded`: payment-service refunded a payment of the order. */
export function orderRefunded(order: SettledOrder, paymentId: string): EventEnvelope<z.infer<typeof orderRefundedV1>> {
  return createEnvelope('order.refunded', 1, orderRefundedV1.parse({ ...factsOf(order), paymentId }));
}
