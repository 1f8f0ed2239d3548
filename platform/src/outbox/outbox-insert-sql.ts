import { empty, sqltag as sql, type Sql } from '@prisma/client/runtime/client';
import { eventEnvelopeSchema, type EventEnvelope } from '../messaging';
import { DEFAULT_OUTBOX_CHANNEL } from './outbox-schema';

/** Options of outboxInsertSql. */
export interface OutboxInsertOptions {
  /** NOTIFY channel the relay listens on. Default 'outbox'. */
  channel?: string;
  /**
   * Condition the insert depends on, e.g. sql`EXISTS (SELECT 1 FROM payment)` so that a
   * consumer's redelivery (its inbox CTE yielding no row) records no event. Default: always.
   */
  onlyIf?: Sql;
}

/**
 * The one way an event enters the outbox: a SQL fragment a repository puts into the statement
 * (or transaction) of the business change, so the event is published if and only if that
 * change commits. As a CTE body, read its row in the main query:
 *   WITH new_order AS (INSERT …), outbox AS (${outboxInsertSql(event)}) SELECT … FROM outbox
 * (one statement of data-modifying CTEs commits or fails as a whole, at one round trip; every
 * round trip saved is CPU saved on both sides). The NOTIFY it sends is delivered on commit and
 * wakes the relay within milliseconds; a rolled-back statement notifies nobody.
 */
export function outboxInsertSql(envelope: EventEnvelope, options: OutboxInsertOptions = {}): Sql {
  // A malformed envelope would be parked by every consumer: fail the statement instead.
  const checked = eventEnvelopeSchema.parse(envelope);
  const channel = options.channel ?? DEFAULT_OUTBOX_CHANNEL;
  return sql`INSERT INTO outbox_messages (id, type, payload)
    SELECT ${checked.id}::uuid, ${checked.type}, ${JSON.stringify(checked)}::jsonb
    ${options.onlyIf ? sql`WHERE ${options.onlyIf}` : empty}
    RETURNING (SELECT true FROM pg_notify(${channel}, '')) AS notified`;
}
