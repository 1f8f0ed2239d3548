import { randomUUID } from 'node:crypto';
import { connect } from 'amqplib';
import { z } from 'zod';
import { setLoggingSilent } from '../../src/logging';
import { createEnvelope, defineSubscription, type EventEnvelope } from '../../src/messaging';
import { publishRaw, TEST_BROKER_URL, uniqueExchangeName, waitFor } from '../../src/testing';
import { eventBusFixture } from '../support/event-bus-fixture';
import { metricValue } from '../support/metrics';

const revoked = z.object({ userId: z.uuid() });
type Revoked = z.infer<typeof revoked>;

const buses = eventBusFixture();

beforeAll(() => setLoggingSilent(true));
afterEach(() => buses.cleanup());
afterAll(() => setLoggingSilent(false));

/** A started broadcast bus on exchange that records the user ids it receives. */
async function startBroadcastBus(exchange: string, received: string[]) {
  const bus = buses.create({ exchange, serviceName: 'api-gateway', broadcast: true });
  bus.subscribe(defineSubscription('user.sessions_revoked', revoked, async (event) => void received.push(event.payload.userId)));
  await bus.start();
  return bus;
}

/** Whether the queue exists: another connection checking an exclusive queue gets 405 RESOURCE_LOCKED, a missing one 404. */
async function queueExists(queue: string): Promise<boolean> {
  const connection = await connect(TEST_BROKER_URL);
  try {
    const channel = await connection.createChannel();
    channel.on('error', () => undefined);
    return await channel.checkQueue(queue).then(
      () => true,
      (error: Error) => /RESOURCE_LOCKED/.test(error.message),
    );
  } finally {
    await connection.close().catch(() => undefined);
  }
}

describe('RabbitMqEventBus with broadcast', () => {
  test('When an event is published, then every broadcast bus on the exchange receives it (every replica, not one of them)', async () => {
    const exchange = uniqueExchangeName();
    const first: string[] = [];
    const second: string[] = [];
    await startBroadcastBus(exchange, first);
    await startBroadcastBus(exchange, second);
    const userId = randomUUID();

    await publishRaw(exchange, createEnvelope('user.sessions_revoked', 1, { userId }) as EventEnvelope<Revoked>);

    await waitFor(() => first.length === 1 && second.length === 1, { what: 'the event on both buses' });
    expect([first, second]).toEqual([[userId], [userId]]);
  });

  test('When a broadcast bus closes, then its queue is gone (exclusive, auto-delete), and it has no retry or dead queues', async () => {
    const bus = await startBroadcastBus(uniqueExchangeName(), []);
    const { queue } = bus.topology;
    expect(await queueExists(queue)).toBe(true);
    expect(bus.topology.retryQueues).toEqual([]);

    await bus.close();

    expect(await queueExists(queue)).toBe(false);
  });

  test('When a broadcast message is invalid, then it is dropped (acked, counted) and the next one is handled', async () => {
    const exchange = uniqueExchangeName();
    const received: string[] = [];
    await startBroadcastBus(exchange, received);
    const droppedBefore = await metricValue('messaging_messages_consumed_total', { type: 'user.sessions_revoked', outcome: 'dropped' });
    const userId = randomUUID();

    await publishRaw(exchange, createEnvelope('user.sessions_revoked', 1, { userId: 'not-a-uuid' }));
    await publishRaw(exchange, createEnvelope('user.sessions_revoked', 1, { userId }));

    await waitFor(() => received.length === 1, { what: 'the valid event' });
    expect(received).toEqual([userId]);
    expect(await metricValue('messaging_messages_consumed_total', { type: 'user.sessions_revoked', outcome: 'dropped' })).toBe(droppedBefore + 1);
  });
});
