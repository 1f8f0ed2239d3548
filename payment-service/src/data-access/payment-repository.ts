import type { Payment } from '../domain/payment';
import type { Payment as PaymentRow } from '../generated/prisma/client';
import type { Db } from './database';

const toPayment = (row: PaymentRow): Payment => ({ ...row });

/** A payment by id, whoever it belongs to (the caller checks ownership). */
export async function findPaymentById(db: Db, id: string): Promise<Payment | null> {
  const row = await db.payment.findUnique({ where: { id } });
  return row ? toPayment(row) : null;
}

/** The user's payments for one order (at most one: one charge per order), newest first. */
export async function listPaymentsOfUserForOrder(db: Db, userId: string, orderId: string): Promise<Payment[]> {
  const rows = await db.payment.findMany({ where: { orderId, userId }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
  return rows.map(toPayment);
}
