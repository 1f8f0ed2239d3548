import { inboxContainsSql, inboxInsertSql } from '@shop/platform/inbox';
import type { EventEnvelope } from '@shop/platform/messaging';
import { outboxInsertSql } from '@shop/platform/outbox';
import type { Order } from '../domain/order';
import type { OrderStatus } from '../domain/order-status';
import { Prisma } from '../generated/prisma/client';
import type { Db } from './database';

// Applying a payment result reads once and writes once, like payment-service's charge
// (charge-repository.ts): it used to take six round trips (BEGIN, inbox insert, order read,
// UPDATE, outbox insert, COMMIT), and round trips lead the pipeline's CPU profiles.

/** The order as a payment result needs it: its status and what order.paid / order.payment_failed carry. */
export type OrderToSettle = Pick<Order, 'id' | 'userId' | 'customer' | 'status' | 'totalCents' | 'currency'>;

/** What applying a payment result needs to know before deciding. */
export interface PaymentResultContext {
  /** The handler already processed this message (a redelivery). */
  alreadyProcessed: boolean;
  /** null when the order is unknown. */
  order: OrderToSettle | null;
}

interface PaymentResultContextRow {
  already_processed: boolean;
  id: string | null;
  user_id: string;
  customer_email: string;
  customer_name: string;
  status: OrderStatus;
  total_cents: number;
  currency: string;
}

/** Whether the message was processed, and the order, in one query. */
export async function findPaymentResultContext(db: Db, messageId: string, handler: string, orderId: string): Promise<PaymentResultContext> {
  const [row] = await db.$queryRaw<PaymentResultContextRow[]>`
    SELECT ${inboxContainsSql(messageId, handler)} AS already_processed,
           o.id, o.user_id, o.customer_email, o.customer_name, o.status::text AS status, o.total_cents, o.currency
      FROM (SELECT 1) AS one
      LEFT JOIN orders AS o ON o.id = ${orderId}::uuid`;
  if (!row) throw new Error('The payment result context query returned no row');
  const order: OrderToSettle | null =
    row.id === null
      ? null
      : {
          id: row.id,
          userId: row.user_id,
          customer: { email: row.customer_email, name: row.customer_name },
          status: row.status,
          totalCents: row.total_cents,
          currency: row.currency,
        };
  return { alreadyProcessed: row.already_processed, order };
}

/** One status change caused by one message, and the event that records it. */
export interface StatusChangeWrite {
  messageId: string;
  handler: string;
  orderId: string;
  /** The status the decision was made on: the change happens only if the order is still in it. */
  from: OrderStatus;
  to: OrderStatus;
  failureReason: string | null;
  event: EventEnvelope;
}

/**
 * 'applied' when the order moved; 'duplicate' when the message had been processed; 'status-changed'
 * when the order is no longer in `from` (a concurrent change since the read).
 */
export type StatusChangeOutcome = 'applied' | 'duplicate' | 'status-changed';

/**
 * Moves the order from `from` to `to`, records the message in the inbox and the event in the
 * outbox in ONE statement of data-modifying CTEs (atomic like a transaction). The UPDATE is the
 * gate: it happens only while the order is in `from` and the message is new (optimistic
 * concurrency, checked again on the locked row), and inbox row and event are written only when
 * it took effect. Otherwise nothing is written, so the message can be retried and decided again.
 */
export async function changeStatusOnce(db: Db, write: StatusChangeWrite): Promise<StatusChangeOutcome> {
  const { messageId, handler, orderId, from, to, failureReason, event } = write;
  const processed = inboxContainsSql(messageId, handler);
  const changed = Prisma.sql`EXISTS (SELECT 1 FROM updated)`;
  const [row] = await db.$queryRaw<Array<{ changed: boolean; already_processed: boolean }>>`
    WITH updated AS (
      UPDATE orders SET status = ${to}::order_status, failure_reason = ${failureReason}, updated_at = now()
       WHERE id = ${orderId}::uuid AND status = ${from}::order_status AND NOT ${processed}
      RETURNING id
    ),
    inbox AS (${inboxInsertSql(messageId, handler, { onlyIf: changed })}),
    outbox AS (${outboxInsertSql(event, { onlyIf: changed })})
    SELECT ${changed} AS changed, ${processed} AS already_processed`;
  if (!row) throw new Error('The status change statement returned no row');
  if (row.changed) return 'applied';
  // The statement's snapshot predates it, so this is "processed before this statement".
  return row.already_processed ? 'duplicate' : 'status-changed';
}

/** Records a message whose handling changes nothing, so its redeliveries are duplicates; true the first time. */
export async function recordProcessed(db: Db, messageId: string, handler: string): Promise<boolean> {
  const rows = await db.$queryRaw<unknown[]>`${inboxInsertSql(messageId, handler)}`;
  return rows.length === 1;
}
