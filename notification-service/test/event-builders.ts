import { randomUUID } from 'node:crypto';
import { createEnvelope } from '@shop/platform/messaging';

// order.* v1 events as order-service publishes them; each call is a new order of a new customer
// unless overridden, so tests never share rows or mailboxes.

function orderBase(overrides: Record<string, unknown>) {
  const userId = randomUUID();
  return {
    orderId: randomUUID(),
    userId,
    customer: { email: `customer-${userId.slice(0, 8)}@example.test`, name: 'Ada Lovelace' },
    totalCents: 4498,
    currency: 'EUR',
    ...overrides,
  };
}

export function buildOrderCreated(overrides: Record<string, unknown> = {}) {
  return createEnvelope('order.created', 1, {
    ...orderBase(overrides),
    paymentMethodId: randomUUID(),
    items: [
      { sku: 'BOOK-1', name: 'The Art of Computer Programming', quantity: 2, unitPriceCents: 1999 },
      { sku: 'MUG-7', name: 'Mug', quantity: 1, unitPriceCents: 500 },
    ],
    ...overrides,
  });
}

export function buildOrderPaid(overrides: Record<string, unknown> = {}) {
  return createEnvelope('order.paid', 1, { ...orderBase(overrides), paymentId: randomUUID(), ...overrides });
}

export function buildOrderPaymentFailed(overrides: Record<string, unknown> = {}) {
  return createEnvelope('order.payment_failed', 1, { ...orderBase(overrides), reason: 'card_declined', ...overrides });
}

export function buildOrderRejected(overrides: Record<string, unknown> = {}) {
  return createEnvelope('order.rejected', 1, {
    ...orderBase(overrides),
    reason: 'out_of_stock',
    unavailable: [
      { productId: randomUUID(), sku: 'BOOK-1', name: 'The Art of Computer Programming', requested: 2, available: 1 },
      { productId: randomUUID(), sku: 'MUG-7', name: 'Mug', requested: 1, available: 0 },
    ],
    ...overrides,
  });
}

/** A cancelled PENDING order by default; pass { previousStatus: 'PAID', paymentId } for a paid one. */
export function buildOrderCancelled(overrides: Record<string, unknown> = {}) {
  return createEnvelope('order.cancelled', 1, { ...orderBase(overrides), previousStatus: 'PENDING', paymentId: null, ...overrides });
}

export function buildOrderRefunded(overrides: Record<string, unknown> = {}) {
  return createEnvelope('order.refunded', 1, { ...orderBase(overrides), paymentId: randomUUID(), ...overrides });
}

/** The address a built event mails to. */
export const recipientOf = (event: { payload: { customer: { email: string } } }) => event.payload.customer.email;
