import { randomUUID } from 'node:crypto';
import { connect } from 'amqplib';
import type { Pool } from 'pg';
import { createDatabasePool } from '../../src/data';
import { setLoggingSilent } from '../../src/logging';
import { createEnvelope } from '../../src/messaging';
import { OutboxRelay, outboxInsertSql } from '../../src/outbox';
import { MessageCollector, TEST_BROKER_URL, waitFor } from '../../src/testing';
import { eventBusFixture } from '../support/event-bus-fixture';
import { metricValue } from '../support/metrics';
import { createOutboxDatabase, dropOutboxDatabase, runSql } from '../support/outbox-database';

// A row the broker refuses again and again (here: routed only to a queue that is full and
// rejects publishes, so RabbitMQ nacks it) must not hold up every event recorded after it.

const buses = eventBusFixture();
let databaseUrl: string;
let pool: Pool;
let relay: OutboxRelay | undefined;
let collector: MessageCollector | undefined;

beforeAll(async () => {
  setLoggingSilent(true);
  databaseUrl = await createOutboxDatabase();
  // The platform's pool: a connection still closing when the database is dropped reports there, not as a crash.
  pool = createDatabasePool({ DATABASE_URL: databaseUrl, DATABASE_POOL_MAX: 4 });
});
afterEach(async () => {
  await relay?.stop();
  relay = undefined;
  await collector?.close();
  collector = undefined;
  await buses.cleanup();
});
afterAll(async () => {
  await pool.end();
  await dropOutboxDatabase(databaseUrl);
  setLoggingSilent(false);
});

/** A queue bound to routingKey that holds nothing and rejects publishes: the broker nacks every such event. */
async function declareFullQueue(exchange: string, routingKey: string): Promise<string> {
  const queue = `${exchange}.full`;
  const connection = await connect(TEST_BROKER_URL);
  try {
    const channel = await connection.createChannel();
    await channel.assertExchange(exchange, 'topic', { durable: true });
    await channel.assertQueue(queue, { durable: true, arguments: { 'x-max-length': 0, 'x-overflow': 'reject-publish' } });
    await channel.bindQueue(queue, exchange, routingKey);
  } finally {
    await connection.close();
  }
  return queue;
}

describe('Outbox relay and a row the broker keeps refusing', () => {
  test('When one row is nacked on every attempt, then after maxAttempts it is set aside as failed and the rows behind it are published in order', async () => {
    // Arrange
    const bus = buses.create();
    const fullQueue = await declareFullQueue(bus.topology.exchange, 'stock.refused');
    buses.track({ queues: [fullQueue] });
    await bus.start();
    collector = await MessageCollector.bindTo(TEST_BROKER_URL, bus.topology.exchange, ['order.created']);
    const refused = createEnvelope('stock.refused', 1, { orderId: randomUUID() });
    const before = createEnvelope('order.created', 1, { orderId: randomUUID(), n: 1 });
    const after = [2, 3, 4].map((n) => createEnvelope('order.created', 1, { orderId: randomUUID(), n }));
    const client = await pool.connect();
    try {
      for (const event of [before, refused, ...after]) await runSql(client, outboxInsertSql(event));
    } finally {
      client.release();
    }
    const failedBefore = await metricValue('outbox_messages_failed_total', { type: 'stock.refused' });

    // Act
    relay = new OutboxRelay({ pool, publisher: bus, pollIntervalMs: 60_000, retryDelayMs: 20, maxRetryDelayMs: 50, maxAttempts: 3 });
    await relay.start();

    // Assert: every row behind the refused one is published (marked, not only sent again and
    // again), in seq order, and the refused row is set aside with its error.
    await waitFor(async () => (await pool.query('SELECT 1 FROM outbox_messages WHERE published_at IS NULL AND id <> $1', [refused.id])).rowCount === 0, {
      what: 'every row behind the refused one to be marked published',
      timeoutMs: 10_000,
    });
    const firstSeen = [...new Set(collector.messages.map((m) => (m.json as { id: string }).id))];
    expect(firstSeen).toEqual([before, ...after].map((e) => e.id));
    const rows = await waitFor(
      async () => {
        const { rows } = await pool.query('SELECT id, attempts, last_error, failed_at, published_at FROM outbox_messages WHERE id = $1 AND failed_at IS NOT NULL', [refused.id]);
        return rows[0];
      },
      { what: 'the refused row to be set aside' },
    );
    expect(rows).toMatchObject({ attempts: 3, last_error: expect.stringMatching(/nack/i), published_at: null });
    expect(await metricValue('outbox_messages_failed_total', { type: 'stock.refused' })).toBe(failedBefore + 1);
    // Confirms arrive before the drain's commit marks the rows: wait for the backlog to empty.
    await waitFor(async () => (await metricValue('outbox_unpublished_messages')) === 0, { what: 'no pending row left' });
    expect(await metricValue('outbox_failed_messages')).toBe(1);
  });
});
