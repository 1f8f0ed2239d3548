import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { createDatabasePool } from '../../src/data';
import { setLoggingSilent } from '../../src/logging';
import { createEnvelope, type EventEnvelope } from '../../src/messaging';
import { OutboxRelay, outboxInsertSql } from '../../src/outbox';
import { MessageCollector, TcpProxy, TEST_BROKER_URL, waitFor } from '../../src/testing';
import { eventBusFixture } from '../support/event-bus-fixture';
import { createOutboxDatabase, dropOutboxDatabase, runSql } from '../support/outbox-database';

const buses = eventBusFixture();
const relays: OutboxRelay[] = [];
const brokerUrl = new URL(TEST_BROKER_URL);
let proxy: TcpProxy;
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
  proxy = new TcpProxy(Number(brokerUrl.port || 5672), brokerUrl.hostname);
  await proxy.start();
});
afterEach(async () => {
  await Promise.all(relays.splice(0).map((relay) => relay.stop()));
  await proxy.stop();
  await collector?.close();
  collector = undefined;
  await buses.cleanup();
});
afterAll(async () => {
  await pool.end();
  await dropOutboxDatabase(databaseUrl);
  setLoggingSilent(false);
});

/**
 * Enqueues one more event and waits for it. It goes out after every row before it (seq order),
 * and each of those was confirmed, so already in the collector's queue, before it was marked
 * published: once the marker is here, no copy of an earlier row is still on its way. Returns
 * every message but the marker.
 */
async function messagesBesidesMarker(): Promise<MessageCollector['messages']> {
  const [marker] = await placeOrders(1);
  await waitFor(() => collector!.messages.some((m) => (m.json as EventEnvelope).id === marker!.id), { timeoutMs: 10_000, what: 'the marker event' });
  return collector!.messages.filter((m) => (m.json as EventEnvelope).id !== marker!.id);
}

/** Enqueues count events, each in its own committed transaction (as count orders would). */
async function placeOrders(count: number): Promise<EventEnvelope[]> {
  const envelopes: EventEnvelope[] = [];
  for (let n = 1; n <= count; n++) {
    const envelope = createEnvelope('order.created', 1, { orderId: randomUUID(), n });
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await runSql(client, outboxInsertSql(envelope));
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    envelopes.push(envelope);
  }
  return envelopes;
}

function idsOf(messages: Array<{ json: unknown }>): string[] {
  return messages.map((message) => (message.json as EventEnvelope).id);
}

describe('Outbox relay and the broker', () => {
  test('When the broker is unreachable while orders are placed, then after it returns every event is published exactly once, in order', async () => {
    // Arrange
    const proxied = new URL(TEST_BROKER_URL);
    proxied.port = String(proxy.port);
    const bus = buses.create({ url: proxied.toString() });
    await bus.start();
    collector = await MessageCollector.bindTo(TEST_BROKER_URL, bus.topology.exchange);
    const relay = new OutboxRelay({ pool, publisher: bus, pollIntervalMs: 60_000, retryDelayMs: 50, maxRetryDelayMs: 200 });
    relays.push(relay);
    await relay.start();

    // Act: the broker goes away; orders keep being accepted.
    await proxy.cut();
    await waitFor(() => !bus.isConnected(), { what: 'the bus to notice the cut' });
    const envelopes = await placeOrders(20);
    await waitFor(async () => (await pool.query('SELECT 1 FROM outbox_messages WHERE last_error IS NOT NULL')).rowCount! > 0, {
      what: 'a failed publish attempt to be recorded',
    });
    // A broker that is away is nobody's fault: no row is counted an attempt (none may be set aside).
    expect((await pool.query('SELECT 1 FROM outbox_messages WHERE attempts > 0 OR failed_at IS NOT NULL')).rowCount).toBe(0);
    const publishedWhileDown = (await pool.query('SELECT 1 FROM outbox_messages WHERE published_at IS NOT NULL')).rowCount;
    const receivedWhileDown = collector.messages.length;
    await proxy.restore();

    // Assert
    expect(publishedWhileDown).toBe(0);
    expect(receivedWhileDown).toBe(0);
    await collector.waitForCount(20, 10_000);
    await waitFor(async () => (await pool.query('SELECT 1 FROM outbox_messages WHERE published_at IS NULL')).rowCount === 0, {
      what: 'every row to be marked published',
    });
    expect(idsOf(await messagesBesidesMarker())).toEqual(envelopes.map((envelope) => envelope.id));
    const { rows } = await pool.query('SELECT last_error FROM outbox_messages WHERE last_error IS NOT NULL ORDER BY seq LIMIT 1');
    expect(rows[0].last_error).toMatch(/unavailable/i);
  });

  test('When the broker returns while the relay waits out a long backoff, then the waiting events leave as soon as the bus is connected', async () => {
    // Arrange: a relay whose next attempt after a failure would be a minute away.
    const proxied = new URL(TEST_BROKER_URL);
    proxied.port = String(proxy.port);
    const bus = buses.create({ url: proxied.toString() });
    await bus.start();
    collector = await MessageCollector.bindTo(TEST_BROKER_URL, bus.topology.exchange);
    const relay = new OutboxRelay({ pool, publisher: bus, pollIntervalMs: 60_000, retryDelayMs: 60_000, maxRetryDelayMs: 60_000 });
    relays.push(relay);
    await relay.start();
    await proxy.cut();
    await waitFor(() => !bus.isConnected(), { what: 'the bus to notice the cut' });
    const envelopes = await placeOrders(3);
    await waitFor(async () => (await pool.query('SELECT 1 FROM outbox_messages WHERE last_error IS NOT NULL')).rowCount! > 0, {
      what: 'a failed publish attempt to be recorded',
    });

    // Act
    await proxy.restore();

    // Assert: published within seconds of the reconnect, not after the minute of backoff.
    await collector.waitForCount(3, 10_000);
    expect(idsOf(collector.messages)).toEqual(envelopes.map((envelope) => envelope.id));
  });

  test('When two relays (replicas) drain the same table, then each event is published once and in order', async () => {
    // Arrange
    const busA = buses.create();
    const busB = buses.create({ exchange: busA.topology.exchange, serviceName: 'replica-b' });
    await Promise.all([busA.start(), busB.start()]);
    collector = await MessageCollector.bindTo(TEST_BROKER_URL, busA.topology.exchange);
    for (const bus of [busA, busB]) {
      const relay = new OutboxRelay({ pool, publisher: bus, pollIntervalMs: 50, batchSize: 5 });
      relays.push(relay);
      await relay.start();
    }

    // Act
    const envelopes = await placeOrders(60);

    // Assert
    await collector.waitForCount(60, 10_000);
    await waitFor(async () => (await pool.query('SELECT 1 FROM outbox_messages WHERE published_at IS NULL')).rowCount === 0, {
      what: 'every row to be marked published',
    });
    expect(idsOf(await messagesBesidesMarker())).toEqual(envelopes.map((envelope) => envelope.id));
  });
});
