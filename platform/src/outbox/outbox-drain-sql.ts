import type { ClientBase, QueryResult } from 'pg';
import type { EventEnvelope } from '../messaging';

/** An outbox row as the relay reads it. */
export interface OutboxRow {
  id: string;
  type: string;
  payload: EventEnvelope;
}

// Every round trip costs CPU on both ends (socket writes dominate profiles), so a drain takes
// two: the claim below, and the finish. Both go as simple-protocol query strings holding several
// statements, which PostgreSQL runs in order in one round trip; that protocol has no bound
// parameters, so every value is a checked integer or passes through pg's escapeLiteral.

/**
 * Opens the drain's transaction, takes the drain lock and locks the next rows in seq order, in
 * one round trip. Only one relay (of all replicas) drains at a time, which keeps events in seq
 * order across replicas; FOR UPDATE SKIP LOCKED additionally keeps two drains from taking the
 * same rows. The lock is tried once (an InitPlan): a relay that does not get it reads no rows.
 */
export async function claimBatch(client: ClientBase, batchSize: number): Promise<OutboxRow[]> {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`Invalid outbox batch size: ${batchSize}`);
  const results = (await client.query(
    `BEGIN;
     SELECT id, type, payload FROM outbox_messages
      WHERE published_at IS NULL
        AND (SELECT pg_try_advisory_xact_lock(hashtext('outbox_messages')))
      ORDER BY seq LIMIT ${batchSize} FOR UPDATE SKIP LOCKED`,
  )) as unknown as [QueryResult, QueryResult<OutboxRow>];
  return results[1].rows;
}

/** How a drain ended: rows the broker confirmed, and the row it stopped at. */
export interface DrainOutcome {
  publishedIds: readonly string[];
  failed?: { id: string; error: string } | undefined;
}

/** Marks the confirmed rows published, records the failed one's attempt, and commits, in one round trip. */
export async function finishBatch(client: ClientBase, { publishedIds, failed }: DrainOutcome): Promise<void> {
  const statements: string[] = [];
  if (publishedIds.length > 0) {
    const ids = client.escapeLiteral(`{${publishedIds.join(',')}}`);
    statements.push(`UPDATE outbox_messages SET published_at = now() WHERE id = ANY(${ids}::uuid[])`);
  }
  if (failed) {
    statements.push(
      `UPDATE outbox_messages SET attempts = attempts + 1, last_error = ${client.escapeLiteral(failed.error.slice(0, 1000))}
        WHERE id = ${client.escapeLiteral(failed.id)}::uuid`,
    );
  }
  statements.push('COMMIT');
  await client.query(statements.join(';\n'));
}
