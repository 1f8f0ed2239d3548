import type { CardBrand } from '../domain/card-rules';
import type { PaymentMethod } from '../domain/payment-method';
import type { PaymentMethod as PaymentMethodRow } from '../generated/prisma/client';
import type { Db } from './database';

function toPaymentMethod(row: PaymentMethodRow): PaymentMethod {
  return { ...row, brand: row.brand as CardBrand };
}

/** Stores a new payment method (token, brand, last four digits: no card number exists to store). */
export async function insertPaymentMethod(
  db: Db,
  method: Omit<PaymentMethod, 'createdAt' | 'deletedAt'>,
): Promise<PaymentMethod> {
  return toPaymentMethod(await db.paymentMethod.create({ data: method }));
}

/** A payment method by id, deleted ones included (the caller decides what deleted means). */
export async function findPaymentMethodById(db: Db, id: string): Promise<PaymentMethod | null> {
  const row = await db.paymentMethod.findUnique({ where: { id } });
  return row ? toPaymentMethod(row) : null;
}

/** A user's payment methods that are not deleted, newest first. */
export async function listActivePaymentMethodsOfUser(db: Db, userId: string): Promise<PaymentMethod[]> {
  const rows = await db.paymentMethod.findMany({
    where: { userId, deletedAt: null },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
  });
  return rows.map(toPaymentMethod);
}

/** Marks the user's method deleted; false when it is not theirs, unknown or already deleted. */
export async function softDeletePaymentMethod(db: Db, userId: string, id: string, now: Date): Promise<boolean> {
  const { count } = await db.paymentMethod.updateMany({ where: { id, userId, deletedAt: null }, data: { deletedAt: now } });
  return count === 1;
}
