import { listActivePaymentMethodsOfUser } from '../data-access/payment-method-repository';
import type { PaymentDb } from '../data-access/database';
import { toPaymentMethodResponse } from './payment-method';

/** The caller's payment methods that are not deleted, newest first. */
export async function listOwnPaymentMethods(db: PaymentDb, userId: string) {
  return { items: (await listActivePaymentMethodsOfUser(db, userId)).map(toPaymentMethodResponse) };
}
