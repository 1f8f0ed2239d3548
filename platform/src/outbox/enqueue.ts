import { eventEnvelopeSchema, type EventEnvelope, type SqlExecutor } from '../messaging';
import { DEFAULT_OUTBOX_CHANNEL } from './outbox-schema';

/** Options of enqueue. */
export interface EnqueueOptions {
  /** NOTIFY channel the relay listens on. Default 'outbox'. */
  channel?: string;
}

/**
 * Records an event in the outbox inside the caller's transaction (`tx`), so it is published if
 * and only if the business change commits. The NOTIFY sent here is delivered on commit, which
 * wakes the relay within milliseconds; a rolled-back transaction notifies nobody.
 */
export async function enqueue(tx: SqlExecutor, envelope: EventEnvelope, options: EnqueueOptions = {}): Promise<void> {
  // A malformed envelope would be parked by every consumer: fail the transaction instead.
  const checked = eventEnvelopeSchema.parse(envelope);
  await tx.$executeRawUnsafe(
    `WITH inserted AS (
       INSERT INTO outbox_messages (id, type, payload) VALUES ($1::uuid, $2, $3::jsonb) RETURNING 1
     )
     SELECT pg_notify($4, '') FROM inserted`,
    checked.id,
    checked.type,
    JSON.stringify(checked),
    options.channel ?? DEFAULT_OUTBOX_CHANNEL,
  );
}
