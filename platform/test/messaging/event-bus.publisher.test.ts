import { randomUUID } from 'node:crypto';
import { connect } from 'amqplib';
import { z } from 'zod';
import { setLoggingSilent } from '../../src/logging';
import { createEnvelope, defineSubscription } from '../../src/messaging';
import { MessageCollector, TEST_BROKER_URL } from '../../src/testing';
import { eventBusFixture } from '../support/event-bus-fixture';

// Publishing is the outbox's way out: nothing about the service's own consumers may hold it up.

const buses = eventBusFixture();
let collector: MessageCollector | undefined;

beforeAll(() => setLoggingSilent(true));
afterEach(async () => {
  await collector?.close();
  collector = undefined;
  await buses.cleanup();
});
afterAll(() => setLoggingSilent(false));

/** Declares queue with arguments the bus will not agree with, so the bus's own declaration gets a 406. */
async function declareConflicting(queue: string): Promise<void> {
  const connection = await connect(TEST_BROKER_URL);
  try {
    const channel = await connection.createChannel();
    await channel.assertQueue(queue, { durable: true, arguments: { 'x-message-ttl': 987_654 } });
  } finally {
    await connection.close();
  }
}

describe('RabbitMqEventBus publishing apart from consuming', () => {
  test('When the consumer queue cannot be declared (406 PRECONDITION_FAILED), then events are still published and confirmed, and readiness says what is wrong', async () => {
    // Arrange
    const bus = buses.create({ startWaitMs: 1000 });
    await declareConflicting(bus.topology.retryQueues[0]!);
    bus.subscribe(defineSubscription('order.created', z.object({ orderId: z.uuid() }), async () => undefined));
    collector = await MessageCollector.bindTo(TEST_BROKER_URL, bus.topology.exchange, ['order.created']);
    await bus.start();

    // Act
    const events = [1, 2, 3].map(() => createEnvelope('order.created', 1, { orderId: randomUUID() }));
    for (const event of events) await bus.publish(event);

    // Assert
    const received = await collector.waitForCount(3);
    expect(received.map((m) => (m.json as { id: string }).id)).toEqual(events.map((e) => e.id));
    await expect(bus.brokerCheck()).rejects.toThrow(/consum/);
  });
});
