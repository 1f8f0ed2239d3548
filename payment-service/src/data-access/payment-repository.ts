import { isUniqueViolation } from '@shop/platform/data';
import type { Payment } from '../domain/payment';
import type { Payment as PaymentRow } from '../generated/prisma/client';
import type { Db } from './prisma-client-factory';

/** Thrown when the order already has a payment: UNIQUE(order_id) arbitrated a concurrent charge. */
export class OrderAlreadyCharged extends Error {
  constructor(readonly orderId: string) {
    super(`Order ${orderId} already has a payment`);
  }
}

const toPayment = (row: PaymentRow): Payment => ({ ...row });

/** Records the order's payment inside the caller's transaction; a second one throws OrderAlreadyCharged. */
export async function insertPayment(tx: Db, payment: Omit<Payment, 'createdAt'>): Promise<Payment> {
  try {
    return toPayment(await tx.payment.create({ data: payment }));
  } catch (error) {
    if (isUniqueViolation(error, 'payments_order_id_key')) throw new OrderAlreadyCharged(payment.orderId);
    throw error;
  }
}

/** A payment by id, whoever it belongs to (the caller checks ownership). */
export async function findPaymentById(db: Db, id: string): Promise<Payment | null> {
  const row = await db.payment.findUnique({ where: { id } });
  return row ? toPayment(row) : null;
}

/** The payment of an order, if it was charged. */
export async function findPaymentByOrderId(db: Db, orderId: string): Promise<Payment | null> {
  const row = await db.payment.findUnique({ where: { orderId } });
  return row ? toPayment(row) : null;
}

/** The user's payments for one order (at most one: one charge per order), newest first. */
export async function listPaymentsOfUserForOrder(db: Db, userId: string, orderId: string): Promise<Payment[]> {
  const rows = await db.payment.findMany({ where: { orderId, userId }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
  return rows.map(toPayment);
}
