import { randomUUID } from 'node:crypto';
import { connect } from 'amqplib';
import { z } from 'zod';
import { setLoggingSilent } from '../../src/logging';
import {
  createEnvelope,
  defineSubscription,
  type DeliveryMeta,
  type EventEnvelope,
} from '../../src/messaging';
import { MessageCollector, TEST_BROKER_URL, waitFor } from '../../src/testing';
import { eventBusFixture } from '../support/event-bus-fixture';
import { metricValue } from '../support/metrics';

const orderCreated = z.object({ orderId: z.uuid(), totalCents: z.number().int() });
type OrderCreated = z.infer<typeof orderCreated>;

const buses = eventBusFixture();
const collectors: MessageCollector[] = [];

beforeAll(() => setLoggingSilent(true));
afterEach(async () => {
  await Promise.all(collectors.splice(0).map((collector) => collector.close()));
  await buses.cleanup();
});
afterAll(() => setLoggingSilent(false));

/** Publishes raw bytes to the exchange, bypassing the bus (what a buggy producer could send). */
async function publishRaw(exchange: string, routingKey: string, content: string): Promise<void> {
  const connection = await connect(TEST_BROKER_URL);
  const channel = await connection.createConfirmChannel();
  channel.publish(exchange, routingKey, Buffer.from(content), { persistent: true, contentType: 'application/json' });
  await channel.waitForConfirms();
  await connection.close();
}

async function queueDepth(queue: string): Promise<number> {
  const connection = await connect(TEST_BROKER_URL);
  const channel = await connection.createChannel();
  const { messageCount } = await channel.checkQueue(queue);
  await connection.close();
  return messageCount;
}

async function queueDepths(...queues: string[]): Promise<number[]> {
  const depths: number[] = [];
  for (const queue of queues) depths.push(await queueDepth(queue));
  return depths;
}

function buildOrderCreated(overrides: Partial<OrderCreated> = {}): EventEnvelope<OrderCreated> {
  return createEnvelope('order.created', 1, { orderId: randomUUID(), totalCents: 4200, ...overrides });
}

describe('RabbitMqEventBus', () => {
  test('When an event is published, then the subscribed handler receives it once, validated, with delivery meta', async () => {
    // Arrange
    const received: Array<{ event: EventEnvelope<OrderCreated>; meta: DeliveryMeta }> = [];
    const bus = buses.create();
    bus.subscribe(defineSubscription('order.created', orderCreated, async (event, meta) => void received.push({ event, meta })));
    await bus.start();
    const wire = await MessageCollector.bindTo(TEST_BROKER_URL, bus.topology.exchange, ['order.created']);
    collectors.push(wire);
    const envelope = buildOrderCreated();
    const ackedBefore = await metricValue('messaging_messages_consumed_total', { type: 'order.created', outcome: 'acked' });

    // Act
    await bus.publish(envelope);

    // Assert
    await waitFor(() => received.length === 1, { what: 'the handler to run' });
    expect(received[0]!.event).toEqual(envelope);
    expect(received[0]!.meta).toEqual({ redelivered: false, attempt: 1 });
    const [message] = await wire.waitForCount(1);
    expect(message!.properties).toMatchObject({
      deliveryMode: 2,
      contentType: 'application/json',
      messageId: envelope.id,
      type: 'order.created',
    });
    await waitFor(async () => (await metricValue('messaging_messages_consumed_total', { type: 'order.created', outcome: 'acked' })) === ackedBefore + 1, {
      what: 'the acked metric',
    });
    expect(await queueDepth(bus.topology.queue)).toBe(0);
  });

  test('When the handler fails twice, then it is retried after the retry delays and finally acked', async () => {
    // Arrange
    const attempts: Array<{ attempt: number; at: number }> = [];
    const bus = buses.create({ retryDelaysMs: [100, 200] });
    bus.subscribe(
      defineSubscription('order.created', orderCreated, async (_event, meta) => {
        attempts.push({ attempt: meta.attempt, at: Date.now() });
        if (meta.attempt < 3) throw new Error(`transient failure ${meta.attempt}`);
      }),
    );
    await bus.start();
    const dead = await MessageCollector.fromQueue(TEST_BROKER_URL, bus.topology.deadQueue);
    collectors.push(dead);
    const retriedBefore = await metricValue('messaging_messages_consumed_total', { type: 'order.created', outcome: 'retried' });
    const ackedBefore = await metricValue('messaging_messages_consumed_total', { type: 'order.created', outcome: 'acked' });

    // Act
    await bus.publish(buildOrderCreated());

    // Assert
    await waitFor(() => attempts.length === 3, { timeoutMs: 5000, what: 'three attempts' });
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(90);
    expect(attempts[2]!.at - attempts[1]!.at).toBeGreaterThanOrEqual(190);
    // The third attempt was acked: the message is settled and no copy of it is left anywhere.
    await waitFor(async () => (await metricValue('messaging_messages_consumed_total', { type: 'order.created', outcome: 'acked' })) === ackedBefore + 1, {
      what: 'the last attempt to be acked',
    });
    expect(await queueDepths(bus.topology.queue, ...bus.topology.retryQueues)).toEqual([0, 0, 0]);
    expect(attempts).toHaveLength(3);
    expect(dead.messages).toHaveLength(0);
    expect(await metricValue('messaging_messages_consumed_total', { type: 'order.created', outcome: 'retried' })).toBe(retriedBefore + 2);
  });

  test('When the handler always fails, then after every attempt the message is parked in the dead queue with x-error', async () => {
    // Arrange
    const attempts: number[] = [];
    const bus = buses.create({ retryDelaysMs: [50, 50] });
    bus.subscribe(
      defineSubscription('order.created', orderCreated, async (_event, meta) => {
        attempts.push(meta.attempt);
        throw new Error('payment provider exploded');
      }),
    );
    await bus.start();
    const dead = await MessageCollector.fromQueue(TEST_BROKER_URL, bus.topology.deadQueue);
    collectors.push(dead);
    const envelope = buildOrderCreated();
    const deadLetteredBefore = await metricValue('messaging_messages_consumed_total', { type: 'order.created', outcome: 'dead-lettered' });

    // Act
    await bus.publish(envelope);

    // Assert
    const [parked] = await dead.waitForCount(1, 5000);
    expect(attempts).toEqual([1, 2, 3]);
    expect(parked!.json).toEqual(envelope);
    expect(parked!.properties.messageId).toBe(envelope.id);
    expect(parked!.headers['x-error']).toBe('Error: payment provider exploded');
    expect(parked!.headers['x-original-routing-key']).toBe('order.created');
    // Settled as dead-lettered (the copy confirmed, the original acked): no copy of it is left to retry.
    await waitFor(async () => (await metricValue('messaging_messages_consumed_total', { type: 'order.created', outcome: 'dead-lettered' })) === deadLetteredBefore + 1, {
      what: 'the message to be settled as dead-lettered',
    });
    expect(await queueDepths(bus.topology.queue, ...bus.topology.retryQueues)).toEqual([0, 0, 0]);
    expect(attempts).toHaveLength(3);
    expect(dead.messages).toHaveLength(1);
  });

  test.each([
    ['a body that is not JSON', () => '{not json', /not valid JSON/],
    ['an envelope without id', () => JSON.stringify({ ...buildOrderCreated(), id: undefined }), /invalid envelope: id/],
    ['a payload that fails the schema', () => JSON.stringify(buildOrderCreated({ orderId: 'not-a-uuid' })), /invalid payload: orderId/],
  ])('When a message carries %s, then it goes straight to the dead queue and the handler never runs', async (_label, body, reason) => {
    // Arrange
    let handled = 0;
    const bus = buses.create();
    bus.subscribe(defineSubscription('order.created', orderCreated, async () => void handled++));
    await bus.start();
    const dead = await MessageCollector.fromQueue(TEST_BROKER_URL, bus.topology.deadQueue);
    collectors.push(dead);

    // Act
    await publishRaw(bus.topology.exchange, 'order.created', body());

    // Assert
    const [parked] = await dead.waitForCount(1);
    expect(parked!.headers['x-error']).toMatch(reason);
    expect(parked!.headers['x-original-routing-key']).toBe('order.created');
    expect(parked!.headers['x-attempt']).toBeUndefined();
    expect(handled).toBe(0);
    expect(await queueDepth(bus.topology.queue)).toBe(0);
  });

  test('When closed while a handler runs, then close waits for it and the message is acked', async () => {
    // Arrange
    let started = false;
    let finished = false;
    const bus = buses.create();
    bus.subscribe(
      defineSubscription('order.created', orderCreated, async () => {
        started = true;
        // A deliberately slow handler: still running when close() is called.
        await new Promise((resolve) => setTimeout(resolve, 300));
        finished = true;
      }),
    );
    await bus.start();
    await bus.publish(buildOrderCreated());
    await waitFor(() => started, { what: 'the handler to start' });

    // Act
    await bus.close();

    // Assert
    expect(finished).toBe(true);
    expect(await queueDepth(bus.topology.queue)).toBe(0);
  });

  test('When a second subscription for the same type or a late subscription is added, then it is refused', async () => {
    const bus = buses.create();
    const subscription = defineSubscription('order.created', orderCreated, async () => undefined);
    bus.subscribe(subscription);
    expect(() => bus.subscribe(subscription)).toThrow(/already has a handler/);
    await bus.start();
    expect(() => bus.subscribe(defineSubscription('order.paid', orderCreated, async () => undefined))).toThrow(/before start/);
  });
});
