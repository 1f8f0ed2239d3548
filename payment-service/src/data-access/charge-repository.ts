import { isUniqueViolation, sqlRows } from '@shop/platform/data';
import { inboxInsertSql } from '@shop/platform/inbox';
import type { EventEnvelope } from '@shop/platform/messaging';
import { outboxInsertSql } from '@shop/platform/outbox';
import type { CardBrand } from '../domain/card-rules';
import type { NewPayment, Payment } from '../domain/payment';
import type { PaymentMethod } from '../domain/payment-method';
import { Prisma } from '../generated/prisma/client';
import type { Db } from './database';

// Charging an order reads once and writes once: round trips are the pipeline's main cost
// (socket writes lead the CPU profiles), so each side of the charge is a single statement.

/** What a charge needs to know before asking the processor. */
export interface ChargeContext {
  /** The order has a payment already (a redelivery, or another copy of the event won). */
  alreadyCharged: boolean;
  /** order.cancelled came first: the order must not be charged. */
  orderCancelled: boolean;
  /** The method the order names, deleted ones included; null when unknown. */
  method: PaymentMethod | null;
}

interface ChargeContextRow {
  already_charged: boolean;
  order_cancelled: boolean;
  id: string | null;
  user_id: string;
  token: string;
  brand: string;
  last4: string;
  exp_month: number;
  exp_year: number;
  holder_name: string | null;
  created_at: Date;
  deleted_at: Date | null;
}

/** Whether the order was charged or cancelled, and its payment method, in one query. */
export async function findChargeContext(db: Db, orderId: string, paymentMethodId: string): Promise<ChargeContext> {
  const [row] = await sqlRows<ChargeContextRow>(db, Prisma.sql`
    SELECT EXISTS (SELECT 1 FROM payments WHERE order_id = ${orderId}::uuid) AS already_charged,
           EXISTS (SELECT 1 FROM cancelled_orders WHERE order_id = ${orderId}::uuid) AS order_cancelled,
           method.id, method.user_id, method.token, method.brand, method.last4, method.exp_month, method.exp_year,
           method.holder_name, method.created_at, method.deleted_at
      FROM (SELECT 1) AS one
      LEFT JOIN payment_methods AS method ON method.id = ${paymentMethodId}::uuid`);
  if (!row) throw new Error('The charge context query returned no row');
  const method: PaymentMethod | null =
    row.id === null
      ? null
      : {
          id: row.id,
          userId: row.user_id,
          token: row.token,
          brand: row.brand as CardBrand,
          last4: row.last4,
          expMonth: row.exp_month,
          expYear: row.exp_year,
          holderName: row.holder_name,
          createdAt: row.created_at,
          deletedAt: row.deleted_at,
        };
  return { alreadyCharged: row.already_charged, orderCancelled: row.order_cancelled, method };
}

/** One handling of one message: the inbox key, and what it charged. */
export interface ChargeWrite {
  messageId: string;
  handler: string;
  payment: NewPayment;
  /** The payment's event, recorded in the outbox with it. */
  event: EventEnvelope;
}

/**
 * Records the message in the inbox, the payment and its event in ONE statement of
 * data-modifying CTEs (atomic like a transaction, one round trip instead of five). Payment and
 * event are inserted only when the inbox row is new, so a redelivery writes nothing and gets
 * 'duplicate'. A second payment of the order fails the whole statement on UNIQUE(order_id)
 * (see isOrderAlreadyCharged).
 */
export async function insertPaymentOnce(db: Db, { messageId, handler, payment, event }: ChargeWrite): Promise<Payment | 'duplicate'> {
  const rows = await sqlRows<{ created_at: Date }>(db, Prisma.sql`
    WITH inbox AS (${inboxInsertSql(messageId, handler)}),
    payment AS (
      INSERT INTO payments (id, order_id, user_id, payment_method_id, status, failure_reason, amount_cents, currency, processor_charge_id)
      SELECT ${payment.id}::uuid, ${payment.orderId}::uuid, ${payment.userId}::uuid, ${payment.paymentMethodId}::uuid,
             ${payment.status}::payment_status, ${payment.failureReason}, ${payment.amountCents}, ${payment.currency}, ${payment.processorChargeId}
        FROM inbox
      RETURNING created_at
    ),
    outbox AS (${outboxInsertSql(event, { onlyIf: Prisma.sql`EXISTS (SELECT 1 FROM payment)` })})
    SELECT payment.created_at FROM payment, outbox`);
  const [row] = rows;
  return row ? { ...payment, createdAt: row.created_at, refundedAt: null, processorRefundId: null } : 'duplicate';
}

/** True when insertPaymentOnce failed because the order already has a payment (UNIQUE(order_id)). */
export function isOrderAlreadyCharged(error: unknown): boolean {
  return isUniqueViolation(error, 'payments_order_id_key');
}
