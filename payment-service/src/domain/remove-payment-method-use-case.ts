import { softDeletePaymentMethod } from '../data-access/payment-method-repository';
import type { PaymentDb } from '../data-access/database';
import { PaymentMethodNotFound } from './payment-errors';

/**
 * Soft-deletes the caller's payment method: it can no longer be charged, while past payments
 * keep pointing at it. Someone else's, unknown or already deleted is a 404.
 */
export async function removePaymentMethod(db: PaymentDb, userId: string, paymentMethodId: string, now: Date): Promise<void> {
  if (!(await softDeletePaymentMethod(db, userId, paymentMethodId, now))) throw new PaymentMethodNotFound();
}
