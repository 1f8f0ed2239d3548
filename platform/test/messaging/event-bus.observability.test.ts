import { randomUUID } from 'node:crypto';
import { SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { createDatabasePool } from '../../src/data';
import type { Pool } from 'pg';
import { z } from 'zod';
import { currentContext, setLoggingSilent } from '../../src/logging';
import { createEnvelope, defineSubscription, type EventEnvelope } from '../../src/messaging';
import { OutboxRelay, outboxInsertSql } from '../../src/outbox';
import { currentTraceId, startTelemetry, stopTelemetry } from '../../src/telemetry';
import { waitFor } from '../../src/testing';
import { eventBusFixture } from '../support/event-bus-fixture';
import { createOutboxDatabase, dropOutboxDatabase, runSql } from '../support/outbox-database';

const exporter = new InMemorySpanExporter();
const orderCreated = z.object({ orderId: z.uuid() });
const buses = eventBusFixture();
let databaseUrl: string;
let pool: Pool;

interface Seen {
  event: EventEnvelope<{ orderId: string }>;
  traceId: string | undefined;
  requestId: string | undefined;
}

beforeAll(async () => {
  setLoggingSilent(true);
  startTelemetry({ serviceName: 'platform-test', spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  databaseUrl = await createOutboxDatabase();
  // The platform's pool: a connection still closing when the database is dropped reports there, not as a crash.
  pool = createDatabasePool({ DATABASE_URL: databaseUrl, DATABASE_POOL_MAX: 2 });
});
afterEach(async () => {
  await buses.cleanup();
  exporter.reset();
});
afterAll(async () => {
  await pool.end();
  await dropOutboxDatabase(databaseUrl);
  await stopTelemetry();
  setLoggingSilent(false);
});

/** Runs fn inside a span standing for the HTTP request that recorded the event. */
function inRequestSpan<T>(fn: () => Promise<T>): Promise<{ result: T; traceId: string }> {
  return trace.getTracer('test').startActiveSpan('POST /orders', async (span) => {
    try {
      return { result: await fn(), traceId: span.spanContext().traceId };
    } finally {
      span.end();
    }
  });
}

async function startConsumingBus(seen: Seen[]) {
  const bus = buses.create();
  bus.subscribe(
    defineSubscription('order.created', orderCreated, async (event) => {
      seen.push({ event, traceId: currentTraceId(), requestId: currentContext()?.requestId });
    }),
  );
  await bus.start();
  return bus;
}

describe('Trace context across the broker', () => {
  test('When an event is published inside a request, then the consumer span continues that trace and logs carry the event id', async () => {
    // Arrange
    const seen: Seen[] = [];
    const bus = await startConsumingBus(seen);

    // Act
    const { result: envelope, traceId } = await inRequestSpan(async () => {
      const created = createEnvelope('order.created', 1, { orderId: randomUUID() });
      await bus.publish(created);
      return created;
    });

    // Assert
    await waitFor(() => seen.length === 1, { what: 'the handler to run' });
    expect(envelope.traceparent).toContain(traceId);
    expect(seen[0]!.traceId).toBe(traceId);
    expect(seen[0]!.requestId).toBe(envelope.id);
    await waitFor(() => exporter.getFinishedSpans().some((span) => span.name === 'order.created receive'), { what: 'the consumer span' });
    const spans = exporter.getFinishedSpans();
    const publish = spans.find((span) => span.name === 'order.created publish')!;
    const receive = spans.find((span) => span.name === 'order.created receive')!;
    expect(publish.kind).toBe(SpanKind.PRODUCER);
    expect(receive.kind).toBe(SpanKind.CONSUMER);
    expect(receive.spanContext().traceId).toBe(traceId);
    expect(receive.parentSpanContext?.spanId).toBe(publish.spanContext().spanId);
  });

  test('When an event goes through the outbox, then the trace of the request that enqueued it still reaches the consumer', async () => {
    // Arrange
    const seen: Seen[] = [];
    const bus = await startConsumingBus(seen);
    const relay = new OutboxRelay({ pool, publisher: bus, pollIntervalMs: 60_000 });
    await relay.start();

    // Act
    const { traceId } = await inRequestSpan(async () => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await runSql(client, outboxInsertSql(createEnvelope('order.created', 1, { orderId: randomUUID() })));
        await client.query('COMMIT');
      } finally {
        client.release();
      }
    });

    // Assert
    try {
      await waitFor(() => seen.length === 1, { what: 'the handler to run' });
      expect(seen[0]!.traceId).toBe(traceId);
    } finally {
      await relay.stop();
    }
  });
});
