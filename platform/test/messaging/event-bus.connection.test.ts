import { randomUUID } from 'node:crypto';
import { connect } from 'amqplib';
import { z } from 'zod';
import { setLoggingSilent } from '../../src/logging';
import { BrokerUnavailableError, createEnvelope, defineSubscription } from '../../src/messaging';
import { deleteTopology, MessageCollector, TcpProxy, TEST_BROKER_URL, waitFor } from '../../src/testing';
import { eventBusFixture } from '../support/event-bus-fixture';
import { metricValue } from '../support/metrics';

const orderCreated = z.object({ orderId: z.uuid() });
const buses = eventBusFixture();
const brokerPort = Number(new URL(TEST_BROKER_URL).port || 5672);
let proxy: TcpProxy;
let collector: MessageCollector | undefined;

function proxiedUrl(): string {
  const url = new URL(TEST_BROKER_URL);
  url.port = String(proxy.port);
  return url.toString();
}

beforeAll(() => setLoggingSilent(true));
beforeEach(async () => {
  proxy = new TcpProxy(brokerPort, new URL(TEST_BROKER_URL).hostname);
  await proxy.start();
});
afterEach(async () => {
  await proxy.stop();
  await collector?.close();
  collector = undefined;
  await buses.cleanup();
});
afterAll(() => setLoggingSilent(false));

describe('RabbitMqEventBus connection', () => {
  test('When the broker is unreachable at start, then start resolves, readiness fails and publish fails fast', async () => {
    // Arrange
    await proxy.cut();
    const bus = buses.create({ url: proxiedUrl() });

    // Act
    const startedAt = Date.now();
    await bus.start();
    const publishStartedAt = Date.now();
    const publishing = bus.publish(createEnvelope('order.created', 1, { orderId: randomUUID() }));

    // Assert
    await expect(publishing).rejects.toBeInstanceOf(BrokerUnavailableError);
    expect(Date.now() - publishStartedAt).toBeLessThan(100);
    expect(Date.now() - startedAt).toBeLessThan(2000);
    expect(bus.isConnected()).toBe(false);
    await expect(bus.brokerCheck()).rejects.toThrow(/not connected/);
    expect(await metricValue('messaging_broker_connected')).toBe(0);
  });

  test('When the broker comes back, then the bus reconnects by itself, re-declares its topology and consumes again', async () => {
    // Arrange
    const received: string[] = [];
    const bus = buses.create({ url: proxiedUrl() });
    bus.subscribe(defineSubscription('order.created', orderCreated, async (event) => void received.push(event.payload.orderId)));
    await bus.start();
    expect(bus.isConnected()).toBe(true);
    await expect(bus.brokerCheck()).resolves.toBeUndefined();

    // Act
    await proxy.cut();
    await waitFor(() => !bus.isConnected(), { what: 'the bus to notice the cut' });
    await expect(bus.publish(createEnvelope('order.created', 1, { orderId: randomUUID() }))).rejects.toBeInstanceOf(BrokerUnavailableError);
    // Whatever the broker lost meanwhile (here: everything) must be declared again.
    await deleteTopology(TEST_BROKER_URL, { exchanges: [bus.topology.exchange], queues: [bus.topology.queue] });
    await proxy.restore();
    await waitFor(() => bus.isConnected(), { timeoutMs: 5000, what: 'the bus to reconnect' });
    collector = await MessageCollector.bindTo(TEST_BROKER_URL, bus.topology.exchange);
    const orderId = randomUUID();
    await bus.publish(createEnvelope('order.created', 1, { orderId }));

    // Assert
    await waitFor(() => received.length === 1, { what: 'the handler to run after the reconnect' });
    expect(received).toEqual([orderId]);
    // The event published while cut was refused, not buffered and sent later: a marker published
    // now goes out after anything the bus still held, and arrives with nothing before it.
    const marker = randomUUID();
    await bus.publish(createEnvelope('order.created', 1, { orderId: marker }));
    await waitFor(() => received.includes(marker) && collector!.messages.length >= 2, { what: 'the marker' });
    expect(received).toEqual([orderId, marker]);
    expect(collector.messages).toHaveLength(2);
    expect(await metricValue('messaging_broker_connected')).toBe(1);
  });

  test('When the broker closes a channel (a declaration it refuses), then the bus keeps recovering until it can consume', async () => {
    // Arrange: a dead queue someone declared with other arguments makes our declaration fail with 406.
    const received: string[] = [];
    const bus = buses.create({ startWaitMs: 500 });
    bus.subscribe(defineSubscription('order.created', orderCreated, async (event) => void received.push(event.payload.orderId)));
    const connection = await connect(TEST_BROKER_URL);
    const channel = await connection.createChannel();
    await channel.assertQueue(bus.topology.deadQueue, { durable: true, arguments: { 'x-max-length': 1 } });
    await connection.close();

    // Act: the set-up declares the retry queues just before the dead queue. Deleted once they
    // exist, they come back only when the set-up runs again, which the bus does only after the
    // broker refused the dead queue.
    await bus.start();
    const retryQueuesDeclared = async () => (await Promise.all(bus.topology.retryQueues.map(queueExists))).every(Boolean);
    await waitFor(retryQueuesDeclared, { what: 'the consumer set-up to reach the dead queue' });
    await deleteTopology(TEST_BROKER_URL, { queues: [...bus.topology.retryQueues] });
    await waitFor(retryQueuesDeclared, { timeoutMs: 5000, what: 'the set-up to run again after the refusal' });
    const connectedWhileRefused = bus.isConnected();
    await deleteTopology(TEST_BROKER_URL, { queues: [bus.topology.deadQueue] });

    // Assert
    expect(connectedWhileRefused).toBe(false);
    await waitFor(() => bus.isConnected(), { timeoutMs: 5000, what: 'the bus to recover its channel' });
    const orderId = randomUUID();
    await bus.publish(createEnvelope('order.created', 1, { orderId }));
    await waitFor(() => received.length === 1, { what: 'the handler to run after recovery' });
    expect(received).toEqual([orderId]);
  });

  test('When the service queue is deleted under a running consumer, then the bus declares it again and keeps consuming', async () => {
    // Arrange
    const received: string[] = [];
    const bus = buses.create();
    bus.subscribe(defineSubscription('order.created', orderCreated, async (event) => void received.push(event.payload.orderId)));
    await bus.start();

    // Act
    await deleteTopology(TEST_BROKER_URL, { queues: [bus.topology.queue] });
    // The queue is gone once deleteTopology returns: it exists again only when the bus declared it.
    await waitFor(async () => (await queueExists(bus.topology.queue)) && bus.isConnected(), { timeoutMs: 5000, what: 'the queue to be declared again' });
    const orderId = randomUUID();
    await bus.publish(createEnvelope('order.created', 1, { orderId }));

    // Assert
    await waitFor(() => received.length === 1, { what: 'the handler to run after the queue came back' });
    expect(received).toEqual([orderId]);
  });
});

async function queueExists(queue: string): Promise<boolean> {
  const connection = await connect(TEST_BROKER_URL);
  try {
    const channel = await connection.createChannel();
    channel.on('error', () => undefined);
    await channel.checkQueue(queue);
    return true;
  } catch {
    return false;
  } finally {
    await connection.close();
  }
}
