import { randomUUID } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { createDatabasePool } from '../../src/data';
import { setLoggingSilent } from '../../src/logging';
import { createEnvelope, MessageRejectedError, type EventEnvelope, type EventPublisher } from '../../src/messaging';
import { OutboxRelay, outboxInsertSql } from '../../src/outbox';
import { MessageCollector, TEST_BROKER_URL, waitFor } from '../../src/testing';
import { eventBusFixture } from '../support/event-bus-fixture';
import { metricValue } from '../support/metrics';
import { createOutboxDatabase, dropOutboxDatabase, runSql } from '../support/outbox-database';
import { countDrainClaims, relayIdle } from '../support/relay-probes';

const buses = eventBusFixture();
const relays: OutboxRelay[] = [];
let collector: MessageCollector | undefined;
let databaseUrl: string;
let pool: Pool;

beforeAll(async () => {
  setLoggingSilent(true);
  databaseUrl = await createOutboxDatabase();
  // The platform's pool: a connection still closing when the database is dropped reports there, not as a crash.
  pool = createDatabasePool({ DATABASE_URL: databaseUrl, DATABASE_POOL_MAX: 4 });
});
beforeEach(async () => {
  await pool.query('TRUNCATE outbox_messages');
});
afterEach(async () => {
  await Promise.all(relays.splice(0).map((relay) => relay.stop()));
  await collector?.close();
  collector = undefined;
  await buses.cleanup();
});
afterAll(async () => {
  await pool.end();
  await dropOutboxDatabase(databaseUrl);
  setLoggingSilent(false);
});

async function inTransaction(fn: (client: PoolClient) => Promise<void>, outcome: 'COMMIT' | 'ROLLBACK' = 'COMMIT'): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await fn(client);
    await client.query(outcome);
  } finally {
    client.release();
  }
}

async function enqueueCommitted(envelope: EventEnvelope): Promise<void> {
  await inTransaction(async (client) => void (await runSql(client, outboxInsertSql(envelope))));
}

const buildEvent = (n = 0) => createEnvelope('order.created', 1, { orderId: randomUUID(), n });

async function startRelay(publisher: EventPublisher, options: Partial<ConstructorParameters<typeof OutboxRelay>[0]> = {}) {
  const relay = new OutboxRelay({ pool, publisher, pollIntervalMs: 60_000, retryDelayMs: 50, maxRetryDelayMs: 200, ...options });
  relays.push(relay);
  await relay.start();
  return relay;
}

/** A bus and a collector bound to its exchange. */
async function startBusAndCollector() {
  const bus = buses.create();
  await bus.start();
  collector = await MessageCollector.bindTo(TEST_BROKER_URL, bus.topology.exchange);
  return { bus, collector };
}

describe('Outbox relay', () => {
  test('When a transaction that enqueued an event commits, then the event is published within a second (woken by NOTIFY)', async () => {
    // Arrange: the sweep runs once a minute, so only the notification can explain a quick publish.
    const { bus, collector } = await startBusAndCollector();
    const relay = await startRelay(bus, { pollIntervalMs: 60_000 });
    await waitFor(() => relayIdle(relay), { what: 'the start-up sweep to finish' });
    const envelope = buildEvent();
    const publishedBefore = await metricValue('outbox_messages_published_total', { type: 'order.created' });

    // Act
    const committedAt = Date.now();
    await enqueueCommitted(envelope);

    // Assert
    const [message] = await collector.waitForCount(1, 1000);
    expect(Date.now() - committedAt).toBeLessThan(1000);
    expect(message!.json).toEqual(envelope);
    expect(message!.routingKey).toBe('order.created');
    await waitFor(async () => (await pool.query('SELECT 1 FROM outbox_messages WHERE published_at IS NOT NULL')).rowCount === 1, {
      what: 'the row to be marked published',
    });
    expect(await metricValue('outbox_messages_published_total', { type: 'order.created' })).toBe(publishedBefore + 1);
  });

  test('When the transaction rolls back, then nothing is stored or published', async () => {
    // Arrange
    const { bus, collector } = await startBusAndCollector();
    await startRelay(bus);
    const rolledBack = buildEvent(1);
    const committed = buildEvent(2);

    // Act
    await inTransaction(async (client) => void (await runSql(client, outboxInsertSql(rolledBack))), 'ROLLBACK');
    await enqueueCommitted(committed);

    // Assert: the relay is alive (it published the committed one) and published only that one.
    // Rows go out in seq order and the rolled-back one was written first, so had it been stored
    // it would have arrived before the committed one.
    await waitFor(() => collector.messages.some((m) => (m.json as EventEnvelope).id === committed.id), { timeoutMs: 1000, what: 'the committed event' });
    expect(collector.messages.map((m) => (m.json as EventEnvelope).id)).toEqual([committed.id]);
    const { rows } = await pool.query('SELECT id FROM outbox_messages');
    expect(rows.map((row) => row.id)).toEqual([committed.id]);
  });

  test('When outboxInsertSql gets a malformed envelope, then it throws before any SQL is sent', async () => {
    const malformed = { ...buildEvent(), id: 'not-a-uuid' };

    expect(() => outboxInsertSql(malformed)).toThrow();
    expect((await pool.query('SELECT 1 FROM outbox_messages')).rowCount).toBe(0);
  });

  test('When publishing a row of a batch fails, then the rows before it are published once, it and the rows after it again in seq order, and the failure is recorded', async () => {
    // Arrange: a publisher that refuses the third event once.
    const published: number[] = [];
    let refusals = 0;
    const publisher: EventPublisher = {
      async publish(envelope) {
        const n = (envelope.payload as { n: number }).n;
        if (n === 3 && refusals === 0) {
          refusals++;
          throw new MessageRejectedError('broker said no');
        }
        published.push(n);
      },
    };
    await inTransaction(async (client) => {
      for (const n of [1, 2, 3, 4, 5]) await runSql(client, outboxInsertSql(buildEvent(n)));
    });

    // Act
    await startRelay(publisher, { pollIntervalMs: 60_000, retryDelayMs: 100 });

    // Assert: the whole batch went out at once; 4 and 5 were confirmed after the unconfirmed 3,
    // so they stayed pending and followed 3 again (at least once; the inbox dedupes).
    await waitFor(() => published.length === 7, { what: 'the batch and the retried rest' });
    expect(published).toEqual([1, 2, 4, 5, 3, 4, 5]);
    // publish() returns before the relay's transaction marks the rows: wait for the commit.
    await waitFor(async () => (await pool.query('SELECT 1 FROM outbox_messages WHERE published_at IS NULL')).rowCount === 0, {
      what: 'every row to be marked published',
    });
    const { rows } = await pool.query(
      "SELECT (payload->'payload'->>'n')::int AS n, attempts, last_error, published_at IS NOT NULL AS published FROM outbox_messages ORDER BY seq",
    );
    expect(rows.find((row) => row.n === 3)).toMatchObject({ attempts: 1, last_error: 'Message rejected: broker said no', published: true });
    expect(rows.filter((row) => row.n !== 3).every((row) => row.attempts === 0 && row.published)).toBe(true);
  });

  test('When a batch is drained, then every row is sent before any confirm arrives, and only the prefix confirmed before the first unconfirmed row is marked published', async () => {
    // Arrange: a publisher whose confirms the test hands out; the relay must not wait for each.
    const confirms: Array<{ n: number; confirm: () => void; refuse: (error: Error) => void }> = [];
    const publisher: EventPublisher = {
      publish: (envelope) =>
        new Promise<void>((confirm, refuse) => confirms.push({ n: (envelope.payload as { n: number }).n, confirm, refuse })),
    };
    await inTransaction(async (client) => {
      for (const n of [1, 2, 3, 4, 5]) await runSql(client, outboxInsertSql(buildEvent(n)));
    });

    // Act: no retry within the test, so what the first drain marked stays visible.
    await startRelay(publisher, { pollIntervalMs: 60_000, retryDelayMs: 60_000, maxRetryDelayMs: 60_000 });
    await waitFor(() => confirms.length === 5, { what: 'all five sends of the batch' });
    const [first, second, third, fourth, fifth] = confirms;
    fifth!.confirm();
    fourth!.confirm();
    second!.confirm();
    first!.confirm();
    third!.refuse(new Error('no confirm'));

    // Assert: sent in seq order; 4 and 5 were confirmed but follow the unconfirmed 3, so they wait.
    // A missing confirm is the broker's trouble, not the row's: recorded, but no attempt counted.
    expect(confirms.map((c) => c.n)).toEqual([1, 2, 3, 4, 5]);
    await waitFor(async () => (await pool.query('SELECT 1 FROM outbox_messages WHERE last_error IS NOT NULL')).rowCount === 1, {
      what: 'the failed attempt to be recorded',
    });
    const { rows } = await pool.query(
      "SELECT (payload->'payload'->>'n')::int AS n, attempts, last_error, published_at IS NOT NULL AS published FROM outbox_messages ORDER BY seq",
    );
    expect(rows).toEqual([
      { n: 1, attempts: 0, last_error: null, published: true },
      { n: 2, attempts: 0, last_error: null, published: true },
      { n: 3, attempts: 0, last_error: 'no confirm', published: false },
      { n: 4, attempts: 0, last_error: null, published: false },
      { n: 5, attempts: 0, last_error: null, published: false },
    ]);
    expect(confirms).toHaveLength(5);
  });

  test('When another relay holds the drain lock, then this relay publishes nothing until it is released', async () => {
    // Arrange: a transaction of "another replica" holding the drain lock.
    const published: number[] = [];
    const publisher: EventPublisher = { publish: async (envelope) => void published.push((envelope.payload as { n: number }).n) };
    await enqueueCommitted(buildEvent(1));
    const other = await pool.connect();
    try {
      await other.query('BEGIN');
      await other.query("SELECT pg_advisory_xact_lock(hashtext('outbox_messages'))");

      // Act: the start-up sweep and at least two polls try to drain while the lock is held.
      const claims = countDrainClaims();
      try {
        await startRelay(publisher, { pollIntervalMs: 100 });
        await waitFor(() => claims.count() >= 3, { what: 'three drain attempts' });
      } finally {
        claims.stop();
      }

      // Assert
      expect(published).toEqual([]);
      await other.query('COMMIT');
      await waitFor(() => published.length === 1, { what: 'the event once the lock is free' });
    } finally {
      other.release();
    }
    expect(published).toEqual([1]);
  });

  test('When more rows wait than one batch holds, then the relay drains them all in seq order', async () => {
    // Arrange
    const published: number[] = [];
    const publisher: EventPublisher = { publish: async (envelope) => void published.push((envelope.payload as { n: number }).n) };
    await inTransaction(async (client) => {
      for (let n = 1; n <= 25; n++) await runSql(client, outboxInsertSql(buildEvent(n)));
    });

    // Act
    await startRelay(publisher, { batchSize: 10 });

    // Assert
    await waitFor(() => published.length === 25, { what: '25 events' });
    expect(published).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
  });

  test('When metrics are scraped while rows wait, then the backlog gauges report their count and age', async () => {
    // Arrange: a publisher that is down, so rows stay.
    const publisher: EventPublisher = {
      publish: async () => {
        throw new Error('down');
      },
    };
    await inTransaction(async (client) => {
      for (const n of [1, 2, 3]) await runSql(client, outboxInsertSql(buildEvent(n)));
    });
    await pool.query("UPDATE outbox_messages SET created_at = now() - interval '42 seconds'");

    // Act
    await startRelay(publisher);
    const count = await metricValue('outbox_unpublished_messages');
    const age = await metricValue('outbox_oldest_unpublished_age_seconds');

    // Assert
    expect(count).toBe(3);
    expect(age).toBeGreaterThanOrEqual(42);
    expect(age).toBeLessThan(60);
  });
});
