import { sqlRows } from '@shop/platform/data';
import { inboxInsertSql } from '@shop/platform/inbox';
import type { EventEnvelope } from '@shop/platform/messaging';
import { outboxInsertSql } from '@shop/platform/outbox';
import { Prisma } from '../generated/prisma/client';
import type { Db } from './database';

/** One handling of one refund request: the inbox key, what the processor did, and the event. */
export interface RefundWrite {
  messageId: string;
  handler: string;
  paymentId: string;
  refundedAt: Date;
  processorRefundId: string;
  /** `payment.refunded`, recorded in the outbox when (and only when) this write refunds. */
  event: EventEnvelope;
}

/** What markRefundedOnce did: refunded now, found the payment no longer succeeded, or found the message handled. */
export type RefundWriteOutcome = 'refunded' | 'not-succeeded' | 'duplicate';

/**
 * Records the message in the inbox, moves the payment succeeded → refunded and records its
 * event, in ONE statement of data-modifying CTEs. The conditional UPDATE is the gate: of two
 * concurrent requests for one payment (different message ids), the second waits for the
 * first's row lock, re-reads status = 'refunded' and updates nothing, so it records no event;
 * its inbox row still commits, which settles it. A redelivered message inserts no inbox row and
 * so changes nothing.
 */
export async function markRefundedOnce(db: Db, write: RefundWrite): Promise<RefundWriteOutcome> {
  const [row] = await sqlRows<{ new_message: boolean; refunded: boolean }>(db, Prisma.sql`
    WITH inbox AS (${inboxInsertSql(write.messageId, write.handler)}),
    refunded AS (
      UPDATE payments
         SET status = 'refunded', refunded_at = ${write.refundedAt}::timestamptz, processor_refund_id = ${write.processorRefundId}
       WHERE id = ${write.paymentId}::uuid AND status = 'succeeded' AND EXISTS (SELECT 1 FROM inbox)
      RETURNING id
    ),
    outbox AS (${outboxInsertSql(write.event, { onlyIf: Prisma.sql`EXISTS (SELECT 1 FROM refunded)` })})
    SELECT EXISTS (SELECT 1 FROM inbox) AS new_message, EXISTS (SELECT 1 FROM refunded) AS refunded`);
  if (!row?.new_message) return 'duplicate';
  return row.refunded ? 'refunded' : 'not-succeeded';
}

/** Records a message that changes nothing in the inbox; false when it was recorded before. */
export async function settleMessage(db: Db, messageId: string, handler: string): Promise<boolean> {
  const rows = await sqlRows<{ message_id: string }>(db, Prisma.sql`${inboxInsertSql(messageId, handler)}`);
  return rows.length > 0;
}
