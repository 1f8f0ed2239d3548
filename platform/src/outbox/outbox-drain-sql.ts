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
      WHERE published_at IS NULL AND failed_at IS NULL
        AND (SELECT pg_try_advisory_xact_lock(hashtext('outbox_messages')))
      ORDER BY seq LIMIT ${batchSize} FOR UPDATE SKIP LOCKED`,
  )) as unknown as [QueryResult, QueryResult<OutboxRow>];
  return results[1].rows;
}

/** How a drain ended: rows the broker confirmed, and the row it stopped at. */
export interface DrainOutcome {
  publishedIds: readonly string[];
  /** The first row that did not go out: why, and whether the broker refused it (a nack). */
  stopped?: { id: string; error: string; refused: boolean } | undefined;
  /** Refusals after which a row is set aside as failed. */
  maxAttempts: number;
}

/** A row set aside by finishBatch: it no longer holds up the rows behind it. */
export interface FailedRow {
  id: string;
  type: string;
  attempts: number;
}

/**
 * Marks the confirmed rows published, records why the drain stopped at a row, and commits, in
 * one round trip. Only a refusal (the broker nacked that message) counts as an attempt; a row
 * refused maxAttempts times gets failed_at and leaves the queue of pending rows. A broker that
 * is away counts against no row: every row would fail alike, and none of them is at fault.
 */
export async function finishBatch(client: ClientBase, { publishedIds, stopped, maxAttempts }: DrainOutcome): Promise<FailedRow | undefined> {
  const statements: string[] = [];
  if (publishedIds.length > 0) {
    const ids = client.escapeLiteral(`{${publishedIds.join(',')}}`);
    statements.push(`UPDATE outbox_messages SET published_at = now() WHERE id = ANY(${ids}::uuid[])`);
  }
  const stoppedAt = statements.length;
  if (stopped) {
    const refusal = stopped.refused
      ? `, attempts = attempts + 1, failed_at = CASE WHEN attempts + 1 >= ${Math.max(1, Math.trunc(maxAttempts))} THEN now() END`
      : '';
    statements.push(
      `UPDATE outbox_messages SET last_error = ${client.escapeLiteral(stopped.error.slice(0, 1000))}${refusal}
        WHERE id = ${client.escapeLiteral(stopped.id)}::uuid
      RETURNING id, type, attempts, failed_at IS NOT NULL AS failed`,
    );
  }
  statements.push('COMMIT');
  const results = (await client.query(statements.join(';\n'))) as unknown as QueryResult | QueryResult[];
  const row = stopped ? ([results].flat()[stoppedAt]?.rows[0] as (FailedRow & { failed: boolean }) | undefined) : undefined;
  return row?.failed ? { id: row.id, type: row.type, attempts: row.attempts } : undefined;
}
