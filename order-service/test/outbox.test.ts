import { MessageCollector, TcpProxy, TEST_BROKER_URL, waitFor, type CollectedMessage } from '@shop/platform/testing';
import type { EventEnvelope } from '@shop/platform/messaging';
import request from 'supertest';
import { asUser, buildOrder, startOrderServiceUnderTest, type OrderServiceUnderTest } from './harness';

let broker: TcpProxy;
let sut: OrderServiceUnderTest;
let collector: MessageCollector;

beforeAll(async () => {
  broker = new TcpProxy(5672);
  await broker.start();
  sut = await startOrderServiceUnderTest({ RABBITMQ_URL: `amqp://guest:guest@127.0.0.1:${broker.port}`, OUTBOX_POLL_INTERVAL_MS: '200' });
  collector = await MessageCollector.bindTo(TEST_BROKER_URL, sut.config.EVENTS_EXCHANGE, ['order.created']);
});
afterAll(async () => {
  await collector.close();
  await sut.stop();
  await broker.stop();
});

const orderIdOf = (m: CollectedMessage) => (m.json as EventEnvelope<{ orderId: string }>).payload.orderId;

describe('transactional outbox', () => {
  test('When the broker is unreachable, then orders are still accepted and each event is published exactly once after it returns', async () => {
    await broker.cut();
    const userId = sut.users.addUser();
    const placed: string[] = [];
    for (let i = 0; i < 10; i++) {
      const res = await request(sut.url).post('/orders').set(asUser(userId)).send(buildOrder());
      expect(res.status).toBe(201);
      placed.push(res.body.id);
    }
    // The service noticed the cut and its relay has tried (and failed) to publish.
    await waitFor(async () => (await request(sut.url).get('/ready')).status === 503, { what: 'the broker check to fail' });
    await waitFor(async () => /^outbox_publish_failures_total [1-9]/m.test((await request(sut.url).get('/metrics')).text), {
      timeoutMs: 10_000,
      what: 'a failed publish attempt',
    });
    const readyWhileCut = await request(sut.url).get('/ready');
    const metricsWhileCut = await request(sut.url).get('/metrics');
    expect(collector.messages).toHaveLength(0);

    await broker.restore();
    await collector.waitForCount(10, 20_000);
    // A marker order placed now is published after every row before it, copies included: once
    // its order.created is here, no late duplicate of the ten can still be on its way.
    const marker = (await request(sut.url).post('/orders').set(asUser(userId)).send(buildOrder()).expect(201)).body.id as string;
    await waitFor(() => collector.messages.some((m) => orderIdOf(m) === marker), { timeoutMs: 10_000, what: "the marker's order.created" });

    const orderIds = collector.messages.map(orderIdOf).filter((id) => id !== marker);
    expect(readyWhileCut.status).toBe(503);
    expect(readyWhileCut.body.checks.broker.ok).toBe(false);
    expect(metricsWhileCut.text).toMatch(/outbox_unpublished_messages 10/);
    expect([...orderIds].sort()).toEqual([...placed].sort());
    expect(orderIds).toEqual(placed);
    await waitFor(async () => (await request(sut.url).get('/ready')).status === 200, { timeoutMs: 10_000, what: 'ready again' });
  });
});
