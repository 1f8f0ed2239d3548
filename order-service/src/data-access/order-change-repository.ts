import { sqlRows } from '@shop/platform/data';
import { inboxContainsSql, inboxInsertSql } from '@shop/platform/inbox';
import { outboxInsertSql } from '@shop/platform/outbox';
import type { OrderChange, SagaOrder } from '../domain/order-change';
import type { OrderStatus } from '../domain/order-status';
import { Prisma } from '../generated/prisma/client';
import type { Db } from './database';

// A saga step reads once and writes once, like payment-service's charge (charge-repository.ts):
// round trips lead the pipeline's CPU profiles, and one statement of data-modifying CTEs is as
// atomic as a transaction.

/** A message's inbox record: which handler processed which message. */
export interface InboxEntry {
  messageId: string;
  handler: string;
}

/** What a saga step needs to know before deciding. */
export interface SagaContext {
  /** The handler already processed this message (a redelivery). */
  alreadyProcessed: boolean;
  /** null when the order is unknown. */
  order: SagaOrder | null;
}

interface SagaContextRow {
  already_processed: boolean;
  id: string | null;
  user_id: string;
  customer_email: string;
  customer_name: string;
  payment_method_id: string;
  status: OrderStatus;
  total_cents: number;
  currency: string;
  payment_id: string | null;
  refunded_at: Date | null;
  lines: SagaOrder['lines'];
}

/** Whether the message was processed, and the order with its lines, in one query. */
export async function findSagaContext(db: Db, inbox: InboxEntry, orderId: string): Promise<SagaContext> {
  const [row] = await sqlRows<SagaContextRow>(db, Prisma.sql`
    SELECT ${inboxContainsSql(inbox.messageId, inbox.handler)} AS already_processed,
           o.id, o.user_id, o.customer_email, o.customer_name, o.payment_method_id, o.status::text AS status,
           o.total_cents, o.currency, o.payment_id, o.refunded_at,
           (SELECT coalesce(json_agg(json_build_object('productId', l.product_id, 'sku', l.sku, 'name', l.name) ORDER BY l.position), '[]'::json)
              FROM order_lines AS l WHERE l.order_id = o.id) AS lines
      FROM (SELECT 1) AS one
      LEFT JOIN orders AS o ON o.id = ${orderId}::uuid`);
  if (!row) throw new Error('The saga context query returned no row');
  const order: SagaOrder | null =
    row.id === null
      ? null
      : {
          id: row.id,
          userId: row.user_id,
          customer: { email: row.customer_email, name: row.customer_name },
          paymentMethodId: row.payment_method_id,
          status: row.status,
          totalCents: row.total_cents,
          currency: row.currency,
          paymentId: row.payment_id,
          refundedAt: row.refunded_at,
          lines: row.lines,
        };
  return { alreadyProcessed: row.already_processed, order };
}

/**
 * 'applied' when the change was written (with the order's new updated_at); 'duplicate' when the
 * message had been processed; 'status-changed' when the order is no longer in `from`, or (for a
 * refund) already has its refund: a concurrent change since the read.
 */
export type OrderChangeOutcome = { result: 'applied'; updatedAt: Date } | { result: 'duplicate' } | { result: 'status-changed' };

/** The columns a change sets; without any, the status is "set" to itself so the row is still the gate. */
function setClauses(change: OrderChange): Prisma.Sql[] {
  const sets: Prisma.Sql[] = [];
  if (change.to) sets.push(Prisma.sql`status = ${change.to}::order_status`);
  if (change.failureReason !== undefined) sets.push(Prisma.sql`failure_reason = ${change.failureReason}`);
  if (change.paymentId !== undefined) sets.push(Prisma.sql`payment_id = ${change.paymentId}::uuid`);
  if (change.unavailableItems !== undefined) sets.push(Prisma.sql`unavailable_items = ${JSON.stringify(change.unavailableItems)}::jsonb`);
  if (change.refundedAt !== undefined) sets.push(Prisma.sql`refunded_at = ${change.refundedAt}::timestamptz`);
  return sets.length ? [...sets, Prisma.sql`updated_at = now()`] : [Prisma.sql`status = orders.status`];
}

/**
 * Writes a decided change in ONE statement: the order's columns, the message's inbox row (when
 * a message caused it) and every event of the change, each in its own outbox CTE. The UPDATE is
 * the gate: it happens only while the order is in `from`, has no refund yet when one is being
 * recorded, and the message is new (checked again on the locked row), and inbox row and events
 * are written only when it took effect. Otherwise nothing is written, so the caller can decide again.
 */
export async function changeOrderOnce(db: Db, orderId: string, change: OrderChange, inbox?: InboxEntry): Promise<OrderChangeOutcome> {
  const processed = inbox ? inboxContainsSql(inbox.messageId, inbox.handler) : Prisma.sql`false`;
  const changed = Prisma.sql`EXISTS (SELECT 1 FROM updated)`;
  const ctes = [
    Prisma.sql`updated AS (
      UPDATE orders SET ${Prisma.join(setClauses(change), ', ')}
       WHERE id = ${orderId}::uuid AND status = ${change.from}::order_status AND NOT ${processed}
             ${change.refundedAt !== undefined ? Prisma.sql`AND refunded_at IS NULL` : Prisma.empty}
      RETURNING updated_at)`,
    ...(inbox ? [Prisma.sql`inbox AS (${inboxInsertSql(inbox.messageId, inbox.handler, { onlyIf: changed })})`] : []),
    ...change.events.map((event, i) => Prisma.sql`${Prisma.raw(`outbox_${i}`)} AS (${outboxInsertSql(event, { onlyIf: changed })})`),
  ];
  const [row] = await sqlRows<{ updated_at: Date | null; already_processed: boolean }>(db, Prisma.sql`
    WITH ${Prisma.join(ctes, ',\n')}
    SELECT (SELECT updated_at FROM updated) AS updated_at, ${processed} AS already_processed`);
  if (!row) throw new Error('The order change statement returned no row');
  if (row.updated_at) return { result: 'applied', updatedAt: row.updated_at };
  // The statement's snapshot predates it, so this is "processed before this statement".
  return row.already_processed ? { result: 'duplicate' } : { result: 'status-changed' };
}

/** Records a message whose handling changes nothing, so its redeliveries are duplicates; true the first time. */
export async function recordProcessed(db: Db, inbox: InboxEntry): Promise<boolean> {
  const rows = await sqlRows(db, inboxInsertSql(inbox.messageId, inbox.handler));
  return rows.length === 1;
}
