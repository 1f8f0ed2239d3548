import { findPaymentById, listPaymentsOfUserForOrder } from '../data-access/payment-repository';
import type { PaymentDb } from '../data-access/database';
import { toPaymentResponse, type PaymentResponse } from './payment';
import { PaymentNotFound } from './payment-errors';

/** The caller's payment; someone else's is indistinguishable from a missing one (404). */
export async function getOwnPayment(db: PaymentDb, userId: string, paymentId: string): Promise<PaymentResponse> {
  const payment = await findPaymentById(db, paymentId);
  if (!payment || payment.userId !== userId) throw new PaymentNotFound();
  return toPaymentResponse(payment);
}

/**
 * The caller's payments for an order. We do not know orders, only their payments, so an order
 * that is not charged yet, an unknown order and someone else's order all give an empty list:
 * like the 404 of getOwnPayment, the answer never reveals another user's payment.
 */
export async function listOwnPaymentsForOrder(db: PaymentDb, userId: string, orderId: string) {
  return { items: (await listPaymentsOfUserForOrder(db, userId, orderId)).map(toPaymentResponse) };
}
