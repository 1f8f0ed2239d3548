import { randomUUID } from 'node:crypto';
import { createDatabasePool } from '../../src/data';
import { sqltag as sql } from '@prisma/client/runtime/client';
import type { Pool, PoolClient } from 'pg';
import { inboxContainsSql, inboxInsertSql } from '../../src/inbox';
import { createEnvelope } from '../../src/messaging';
import { outboxInsertSql } from '../../src/outbox';
import { createOutboxDatabase, dropOutboxDatabase, runSql } from '../support/outbox-database';

let databaseUrl: string;
let pool: Pool;

beforeAll(async () => {
  databaseUrl = await createOutboxDatabase();
  // The platform's pool: a connection still closing when the database is dropped reports there, not as a crash.
  pool = createDatabasePool({ DATABASE_URL: databaseUrl, DATABASE_POOL_MAX: 3 });
});
afterAll(async () => {
  await pool.end();
  await dropOutboxDatabase(databaseUrl);
});

/** Runs fn in a transaction and commits, or rolls back when rollback is set or fn throws. */
async function inTransaction<T>(fn: (client: PoolClient) => Promise<T>, rollback = false): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query(rollback ? 'ROLLBACK' : 'COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

/** inboxInsertSql run as a statement of its own: true when the message is new for the handler. */
const record = async (client: PoolClient, messageId: string, handler: string) => (await runSql(client, inboxInsertSql(messageId, handler))).length === 1;

describe('inboxInsertSql as a statement of its own', () => {
  test('When a message is marked twice for the same handler, then only the first call says it is new', async () => {
    const messageId = randomUUID();
    const first = await inTransaction((client) => record(client, messageId, 'payments.on-order-created'));
    const second = await inTransaction((client) => record(client, messageId, 'payments.on-order-created'));
    expect([first, second]).toEqual([true, false]);
  });

  test('When two handlers process the same message, then each records it once', async () => {
    const messageId = randomUUID();
    const results = await inTransaction(async (client) => [
      await record(client, messageId, 'notifications.on-order-created'),
      await record(client, messageId, 'payments.on-order-created'),
    ]);
    expect(results).toEqual([true, true]);
  });

  test('When the transaction that marked a message rolls back, then the redelivery is processed as new', async () => {
    const messageId = randomUUID();
    const rolledBack = await inTransaction((client) => record(client, messageId, 'h'), true);
    const redelivered = await inTransaction((client) => record(client, messageId, 'h'));
    expect([rolledBack, redelivered]).toEqual([true, true]);
  });

  test('When two consumers race on the same redelivered message, then exactly one wins', async () => {
    const messageId = randomUUID();
    const results = await Promise.all(
      Array.from({ length: 2 }, () => inTransaction((client) => record(client, messageId, 'h'))),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });
});

describe('inboxInsertSql (the inbox record folded into a handler\'s single statement)', () => {
  // A handler's whole effect as one statement: inbox row, then an event gated on it.
  async function handleOnce(messageId: string): Promise<number> {
    const event = createEnvelope('payment.succeeded', 1, { messageId });
    const statement = sql`WITH inbox AS (${inboxInsertSql(messageId, 'payments.on-order-created')}),
      outbox AS (${outboxInsertSql(event, { onlyIf: sql`EXISTS (SELECT 1 FROM inbox)` })})
      SELECT (SELECT count(*)::int FROM inbox) AS new, (SELECT count(*)::int FROM outbox) AS events`;
    const { rows } = await pool.query<{ new: number; events: number }>(statement.text, statement.values);
    return rows[0]!.events;
  }

  test('When the same message is handled twice, then the gated write happens only the first time', async () => {
    const messageId = randomUUID();

    const events = [await handleOnce(messageId), await handleOnce(messageId)];

    expect(events).toEqual([1, 0]);
    const { rows } = await pool.query("SELECT count(*)::int AS n FROM outbox_messages WHERE payload->'payload'->>'messageId' = $1", [messageId]);
    expect(rows[0].n).toBe(1);
  });

  test('When a message was recorded by a statement of its own, then the handler statement sees it as seen', async () => {
    const messageId = randomUUID();
    await inTransaction((client) => record(client, messageId, 'payments.on-order-created'));

    expect(await handleOnce(messageId)).toBe(0);
  });

  test('When two copies of a message are handled at once, then exactly one writes', async () => {
    const messageId = randomUUID();

    const events = await Promise.all([handleOnce(messageId), handleOnce(messageId)]);

    expect(events.sort()).toEqual([0, 1]);
  });

  // The other order: the effect checks the inbox and the record is gated on the effect
  // (onlyIf), so a message whose effect did not happen stays new.
  async function handleEffectFirst(messageId: string, effectAllowed: boolean): Promise<{ events: number; recorded: number }> {
    const event = createEnvelope('order.paid', 1, { messageId });
    const seen = inboxContainsSql(messageId, 'orders.on-payment');
    const statement = sql`WITH effect AS (${outboxInsertSql(event, { onlyIf: sql`${effectAllowed} AND NOT ${seen}` })}),
      inbox AS (${inboxInsertSql(messageId, 'orders.on-payment', { onlyIf: sql`EXISTS (SELECT 1 FROM effect)` })})
      SELECT (SELECT count(*)::int FROM effect) AS events, (SELECT count(*)::int FROM inbox) AS recorded`;
    const { rows } = await pool.query<{ events: number; recorded: number }>(statement.text, statement.values);
    return rows[0]!;
  }

  test('When its onlyIf condition is false, then nothing is recorded and the message stays new', async () => {
    const messageId = randomUUID();

    const refused = await handleEffectFirst(messageId, false);
    const { rows } = await pool.query('SELECT count(*)::int AS n FROM processed_messages WHERE message_id = $1', [messageId]);

    expect(refused).toEqual({ events: 0, recorded: 0 });
    expect(rows[0].n).toBe(0);
    expect(await handleOnce(messageId)).toBe(1);
  });

  test('When the effect it is gated on happens, then the message is recorded once and a redelivery writes nothing', async () => {
    const messageId = randomUUID();

    const results = [await handleEffectFirst(messageId, true), await handleEffectFirst(messageId, true)];

    expect(results).toEqual([{ events: 1, recorded: 1 }, { events: 0, recorded: 0 }]);
    expect(await inTransaction((client) => record(client, messageId, 'orders.on-payment'))).toBe(false);
  });
});
