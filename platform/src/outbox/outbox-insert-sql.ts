import { empty, sqltag as sql, type Sql } from '@prisma/client/runtime/client';
import { eventEnvelopeSchema, type EventEnvelope } from '../messaging';
import type { EnqueueOptions } from './enqueue';
import { DEFAULT_OUTBOX_CHANNEL } from './outbox-schema';

/** Options of outboxInsertSql. */
export interface OutboxInsertOptions extends EnqueueOptions {
  /**
   * Condition the insert depends on, e.g. sql`EXISTS (SELECT 1 FROM payment)` so that a
   * consumer's redelivery (its inbox CTE yielding no row) records no event. Default: always.
   */
  onlyIf?: Sql;
}

/**
 * enqueue() as a SQL fragment, for a use case that writes everything in ONE statement instead
 * of BEGIN … COMMIT: a chain of data-modifying CTEs commits or fails as a whole, and every
 * round trip saved is CPU saved on both sides (an interactive transaction costs two more).
 * Use it as a CTE body and read its row in the main query; the row's NOTIFY wakes the relay
 * on commit:
 *   WITH new_order AS (INSERT …), outbox AS (${outboxInsertSql(event)}) SELECT … FROM outbox
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
