import { defineSubscription } from '@shop/platform/messaging';
import { z } from 'zod';
import { refundPayment, type RefundPaymentDeps } from '../../domain/refund-payment-use-case';

// Our own copy of the fields we read from order-service's event.
const orderRefundRequested = z.object({
  orderId: z.uuid(),
  userId: z.uuid(),
  paymentId: z.uuid(),
  amountCents: z.number().int().positive().max(2_147_483_647),
  currency: z.string().regex(/^[A-Z]{3}$/),
});

/** `order.refund_requested` → the payment is refunded once; `payment.refunded` is recorded. */
export const onOrderRefundRequested = (deps: RefundPaymentDeps) =>
  defineSubscription('order.refund_requested', orderRefundRequested, async (event) => {
    await refundPayment(deps, event.id, event.payload, new Date());
  });
