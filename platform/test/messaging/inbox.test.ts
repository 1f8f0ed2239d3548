import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { markProcessed, sqlExecutorFromPg } from '../../src/messaging';
import { createOutboxDatabase, dropOutboxDatabase } from '../support/outbox-database';

let databaseUrl: string;
let pool: Pool;

beforeAll(async () => {
  databaseUrl = await createOutboxDatabase();
  pool = new Pool({ connectionString: databaseUrl, max: 3 });
});
afterAll(async () => {
  await pool.end();
  await dropOutboxDatabase(databaseUrl);
});

/** Runs fn in a transaction and commits, or rolls back when rollback is set or fn throws. */
async function inTransaction<T>(fn: (client: import('pg').PoolClient) => Promise<T>, rollback = false): Promise<T> {
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

describe('markProcessed', () => {
  test('When a message is marked twice for the same handler, then only the first call says it is new', async () => {
    const messageId = randomUUID();
    const first = await inTransaction((client) => markProcessed(sqlExecutorFromPg(client), messageId, 'payments.on-order-created'));
    const second = await inTransaction((client) => markProcessed(sqlExecutorFromPg(client), messageId, 'payments.on-order-created'));
    expect([first, second]).toEqual([true, false]);
  });

  test('When two handlers process the same message, then each records it once', async () => {
    const messageId = randomUUID();
    const results = await inTransaction(async (client) => [
      await markProcessed(sqlExecutorFromPg(client), messageId, 'notifications.on-order-created'),
      await markProcessed(sqlExecutorFromPg(client), messageId, 'payments.on-order-created'),
    ]);
    expect(results).toEqual([true, true]);
  });

  test('When the transaction that marked a message rolls back, then the redelivery is processed as new', async () => {
    const messageId = randomUUID();
    const rolledBack = await inTransaction((client) => markProcessed(sqlExecutorFromPg(client), messageId, 'h'), true);
    const redelivered = await inTransaction((client) => markProcessed(sqlExecutorFromPg(client), messageId, 'h'));
    expect([rolledBack, redelivered]).toEqual([true, true]);
  });

  test('When two consumers race on the same redelivered message, then exactly one wins', async () => {
    const messageId = randomUUID();
    const results = await Promise.all(
      Array.from({ length: 2 }, () => inTransaction((client) => markProcessed(sqlExecutorFromPg(client), messageId, 'h'))),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });
});
