export const PAYMENT_STATUSES = ['succeeded', 'failed', 'refunded'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/** Why a payment failed without asking the processor: the method is missing, deleted or not the customer's. */
export const INVALID_PAYMENT_METHOD = 'invalid_payment_method';

/** The one charge of an order: succeeded, failed, or succeeded then refunded. Money in minor units plus currency. */
export interface Payment {
  id: string;
  orderId: string;
  userId: string;
  paymentMethodId: string;
  status: PaymentStatus;
  failureReason: string | null;
  amountCents: number;
  currency: string;
  processorChargeId: string | null;
  createdAt: Date;
  /** When the payment was refunded (status refunded); null otherwise. */
  refundedAt: Date | null;
  processorRefundId: string | null;
}

/** A payment as a charge records it: the database sets createdAt, and nothing is refunded yet. */
export type NewPayment = Omit<Payment, 'createdAt' | 'refundedAt' | 'processorRefundId'> & { status: 'succeeded' | 'failed' };

/** The payment as clients get it (the processor's charge and refund ids stay internal). */
export function toPaymentResponse(payment: Payment) {
  return {
    id: payment.id,
    orderId: payment.orderId,
    status: payment.status,
    ...(payment.failureReason ? { failureReason: payment.failureReason } : {}),
    amountCents: payment.amountCents,
    currency: payment.currency,
    paymentMethodId: payment.paymentMethodId,
    createdAt: payment.createdAt.toISOString(),
    ...(payment.refundedAt ? { refundedAt: payment.refundedAt.toISOString() } : {}),
  };
}

export type PaymentResponse = ReturnType<typeof toPaymentResponse>;
