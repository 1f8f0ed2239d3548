import { z } from '@shop/platform/openapi';
import { PAYMENT_STATUSES } from '../../domain/payment';

// Request and response shapes; the same schemas validate input and produce the OpenAPI document.

export const paymentIdParams = z.object({ id: z.uuid() });

export const paymentsQuery = z.object({ orderId: z.uuid() });

export const paymentResponse = z
  .object({
    id: z.uuid(),
    orderId: z.uuid(),
    status: z.enum(PAYMENT_STATUSES),
    failureReason: z.string().optional(),
    amountCents: z.number().int(),
    currency: z.string(),
    paymentMethodId: z.uuid(),
    createdAt: z.iso.datetime(),
    refundedAt: z.iso.datetime().optional().openapi({ description: 'When the payment was refunded; only with status refunded' }),
  })
  .openapi('Payment');

export const paymentList = z.object({ items: z.array(paymentResponse) }).openapi('PaymentList');
